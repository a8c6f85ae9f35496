// An exported Patient is the complete Patient: byte for byte the body of `GET Patient/{id}` (its
// ETag the line's meta.versionId, no SUBSETTED tag), with the middle names, residential address
// and cell phone only the single read gives (contract 4.5), on each way the connected OSCAR serves
// the read (routing table 'Patient.read': complete, transfer1, REST). The oracle is the API's own
// answer and the simulator's rows, never src/bulk. Also: the export neither reads nor fills the
// API's read cache; a patient deleted after the group was listed is left out; `_since` reads only
// the patients OSCAR stamps after it; `_elements` subsets the complete Patient; a read OSCAR fails
// for one patient (or answers about another) leaves that patient out, named in the error file
// (severity error), while a connection that stays down fails the job.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CapabilityMap } from '../../src/oscar/capabilities/map.js';
import type { DemographicRow } from '../../src/sim/clinic/model.js';
import { VARIANT_MAPS } from '../../scripts/routing-doc/variant-maps.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { captureLogger } from '../resilience/support.js';
import { activePatients, kickOff, linesOf, manifestOf, waitFor } from './export-helpers.js';

const ACCEPT = { accept: 'application/fhir+json' };

interface Line { id: string; meta?: { versionId?: string; lastUpdated?: string; tag?: { code?: string }[] }; [k: string]: unknown }

async function rawLines(stack: Stack, statusUrl: string): Promise<string[]> {
  const m = await manifestOf(statusUrl);
  assert.deepEqual(m.error, [], 'no error file');
  const out: string[] = [];
  for (const o of m.output.filter((f) => f.type === 'Patient')) {
    const res = await fetch(o.url);
    assert.equal(res.status, 200);
    out.push(...(await res.text()).split('\n').filter(Boolean));
  }
  return out;
}

async function apiRead(stack: Stack, id: string, query = ''): Promise<{ status: number; text: string; etag: string | null }> {
  const res = await fetch(`${stack.base}/Patient/${id}${query}`, { headers: ACCEPT });
  return { status: res.status, text: await res.text(), etag: res.headers.get('etag') };
}

/** A `_since` between the patients' read stamps (the median), and the patients the read stamps after it. */
async function splitByStamp(stack: Stack, members: number[]): Promise<{ since: number; expected: number[] }> {
  const stamps = new Map<number, number>();
  for (const id of members) stamps.set(id, Date.parse((JSON.parse((await apiRead(stack, String(id))).text) as Line).meta!.lastUpdated!));
  const sorted = [...new Set(stamps.values())].sort((a, b) => a - b);
  const since = sorted[Math.floor(sorted.length / 2)]!;
  return { since, expected: members.filter((id) => stamps.get(id)! > since) };
}

const tagCodes = (l: Line): string[] => (l.meta?.tag ?? []).map((t) => t.code ?? '');

/** Gives a patient middle names, a residential address and a cell phone (the fields lists lack). */
function completeRow(stack: Stack): DemographicRow {
  const store = stack.sim.store;
  const row = store.data.demographics.find((d) => d.patientStatus.trim() === 'AC')!;
  Object.assign(row, { middleNames: 'Quinn Avery', residentialAddress: '12 Elmira Lane', residentialCity: 'Fergus', residentialProvince: 'ON', residentialPostal: 'N1M 2W3' });
  const cell = store.data.demographicExts.find((e) => e.demographicNo === row.demographicNo && e.key === 'demo_cell');
  if (cell) cell.value = '519-555-0142';
  else store.data.demographicExts.push({ id: store.nextId('demographicExt'), demographicNo: row.demographicNo, providerNo: row.providerNo ?? '999998', key: 'demo_cell', value: '519-555-0142', dateCreated: row.lastUpdateDate, hidden: false });
  return row;
}

/** The assumed map of line F without the operations named: the facade routes Patient.read as that OSCAR allows. */
function mapWithout(...ops: string[]): CapabilityMap {
  const map = structuredClone(VARIANT_MAPS.openo!);
  const operations = map.soap.operations as Record<string, readonly string[]>;
  operations.DemographicService = operations.DemographicService!.filter((o) => !ops.includes(o));
  return map;
}

const VARIANTS: { name: string; map?: CapabilityMap; tags: string[]; reads: string[]; middleNames: boolean; complete: boolean }[] = [
  { name: 'complete (getDemographic2 + getDemographic)', tags: [], reads: ['DemographicService.getDemographic2', 'DemographicService.getDemographic'], middleNames: true, complete: true },
  // Line C (OSCAR 2019 before Transfer2): getActiveDemographicsAfter, so exports, but no getDemographic2.
  { name: 'transfer1 (no getDemographic2)', map: mapWithout('getDemographic2', 'getActiveDemographicsAfter2'), tags: ['demographic-without-transfer2'], reads: ['DemographicService.getDemographic'], middleNames: false, complete: false },
  // The REST record has middle names but no residential address (contract 7.24).
  { name: 'REST record read (no SOAP getDemographic)', map: mapWithout('getDemographic2', 'getActiveDemographicsAfter2', 'getDemographic'), tags: ['demographic-over-rest'], reads: ['REST POST /demographics/search'], middleNames: true, complete: false },
];

for (const v of VARIANTS) {
  describe(`Patient export lines, Patient.read ${v.name}`, () => {
    let stack: Stack;
    let row: DemographicRow;
    before(async () => {
      stack = await startStack({ sim: { patients: 12, seed: 11 }, env: { BULK_MIN_POLL_MS: '0' }, ...(v.map && { facade: { capabilities: { current: () => v.map! } } }) });
      row = completeRow(stack);
    });
    after(async () => { await stack.close(); });

    // First: every later test reads each patient through the API, which caches them.
    if (v.complete) it('neither serves from nor fills the API\'s read cache', async () => {
      const [first, second] = activePatients(stack.sim.store.data);
      await apiRead(stack, String(first)); // now cached for the API
      stack.sim.stats.reset();
      await rawLines(stack, await kickOff(stack, '/Patient/$export?_type=Patient'));
      assert.equal(stack.sim.stats.snapshot().byOperation['DemographicService.getDemographic2'], activePatients(stack.sim.store.data).length, 'the cached patient is read from OSCAR too');
      stack.sim.stats.reset();
      await apiRead(stack, String(first));
      assert.equal(stack.sim.stats.snapshot().byOperation['DemographicService.getDemographic2'], undefined, 'the API\'s cache still serves its patient');
      await apiRead(stack, String(second));
      assert.equal(stack.sim.stats.snapshot().byOperation['DemographicService.getDemographic2'], 1, 'an exported patient is not in the API\'s cache');
    });

    it('each line is the text of GET Patient/{id}, its version the ETag, its tags the read\'s (no SUBSETTED for a whole record); the complete fields are there', async () => {
      stack.sim.stats.reset();
      const lines = await rawLines(stack, await kickOff(stack, '/Patient/$export?_type=Patient'));
      const ops = stack.sim.stats.snapshot().byOperation;
      const members = activePatients(stack.sim.store.data);
      assert.deepEqual(lines.map((l) => Number((JSON.parse(l) as Line).id)).sort((a, b) => a - b), members);
      for (const op of v.reads) assert.equal(ops[op], members.length, `${op}: one per patient`);
      assert.equal(ops['DemographicService.getDemographics'], undefined, 'no list call makes lines');
      for (const line of lines) {
        const r = JSON.parse(line) as Line;
        const api = await apiRead(stack, r.id);
        assert.equal(api.status, 200);
        assert.equal(line, api.text, `Patient/${r.id}: the read's text`);
        assert.match(r.meta?.versionId ?? '', /^[0-9a-f]{16}$/);
        assert.equal(api.etag, `W/"${r.meta!.versionId}"`);
        if (Number(r.id) !== row.demographicNo) continue;
        assert.deepEqual(tagCodes(r), v.tags);
        assert.ok(line.includes('"519-555-0142"'), 'cell phone (getDemographic with its ext rows)');
        assert.equal(line.includes('"Quinn"'), v.middleNames, 'middle names: getDemographic2 or the REST record');
        assert.equal(line.includes('"Fergus"'), v.complete, 'residential address only from getDemographic2');
      }
    });

    it('_since: only patients stamped after it (the list\'s stamp is the read\'s on this route), each read alone after one list call per batch', async () => {
      const members = activePatients(stack.sim.store.data);
      const { since, expected } = await splitByStamp(stack, members);
      assert.ok(expected.length > 0 && expected.length < members.length, `${expected.length} of ${members.length} changed`);
      stack.sim.stats.reset();
      const lines = await rawLines(stack, await kickOff(stack, `/Patient/$export?_type=Patient&_since=${encodeURIComponent(new Date(since).toISOString())}`));
      assert.deepEqual(lines.map((l) => Number((JSON.parse(l) as Line).id)).sort((a, b) => a - b), expected);
      for (const line of lines) assert.equal(line, (await apiRead(stack, (JSON.parse(line) as Line).id)).text);
      const ops = stack.sim.stats.snapshot().byOperation;
      assert.equal(ops[v.reads[0]!], expected.length, 'unchanged patients are not read');
      assert.equal(ops['DemographicService.getDemographics'], 1, 'one list of the batch');
    });

    if (!v.complete) return;

    it('_since: a list call OSCAR fails (one broken record fails the whole list) reads each patient of the batch, and the read\'s stamp decides', async () => {
      const members = activePatients(stack.sim.store.data);
      const { since, expected } = await splitByStamp(stack, members);
      stack.sim.stats.reset();
      const fault = stack.sim.faults.add({ match: { operation: 'getDemographics' }, mode: 'soapFault', times: 1 });
      try {
        const lines = await rawLines(stack, await kickOff(stack, `/Patient/$export?_type=Patient&_since=${encodeURIComponent(new Date(since).toISOString())}`));
        assert.deepEqual(lines.map((l) => Number((JSON.parse(l) as Line).id)).sort((a, b) => a - b), expected);
        assert.equal(stack.sim.stats.snapshot().byOperation['DemographicService.getDemographic2'], members.length, 'every patient of the batch read');
      } finally {
        stack.sim.faults.remove(fault);
      }
    });

    it('_elements: the complete Patient cut to what was asked, SUBSETTED, the version of GET Patient/{id}', async () => {
      const lines = await rawLines(stack, await kickOff(stack, '/Patient/$export?_type=Patient&_elements=address'));
      const line = lines.map((l) => JSON.parse(l) as Line).find((l) => Number(l.id) === row.demographicNo)!;
      const whole = await apiRead(stack, line.id);
      assert.equal(whole.etag, `W/"${line.meta!.versionId}"`);
      assert.ok(tagCodes(line).includes('SUBSETTED'));
      assert.deepEqual(Object.keys(line).sort(), ['address', 'id', 'meta', 'resourceType']);
      assert.deepEqual(line.address, (JSON.parse(whole.text) as Line).address);
      assert.ok(JSON.stringify(line.address).includes('"Fergus"'), 'the residential address is in the subset');
    });
  });
}

/** The Patient lines' ids and the error file's lines (severity: diagnostics, code) of a finished export. */
async function linesAndErrors(statusUrl: string): Promise<{ ids: number[]; errors: string[] }> {
  const m = await manifestOf(statusUrl);
  const ids: number[] = [];
  for (const o of m.output.filter((f) => f.type === 'Patient')) ids.push(...(await linesOf(o.url)).map((l: Line) => Number(l.id)));
  const errors = (await Promise.all(m.error.map((f) => linesOf(f.url)))).flat()
    .map((e: { issue: { severity: string; code: string; diagnostics: string }[] }) => `${e.issue[0]!.severity} ${e.issue[0]!.code}: ${e.issue[0]!.diagnostics}`);
  return { ids: ids.sort((a, b) => a - b), errors };
}

const patientLeftOut = (id: number): string => `error incomplete: The Patient records of Patient/${id} are not in this export: OSCAR answered an error when they were read; export this patient again`;

describe('Patient export lines: a patient gone, a failed call', () => {
  let stack: Stack;
  const log = captureLogger();
  let gone: number | undefined;
  /** Run at the job's first getDemographic2 (the group is listed by then). */
  let atFirstRead: (() => void) | undefined;
  /** The demographicNo of each getDemographic2 call. */
  const reads: number[] = [];
  before(async () => {
    stack = await startStack({
      sim: {
        patients: 12, seed: 11,
        // The first read of a patient: another patient of the job, listed already, is deleted in OSCAR.
        onRequest: (r) => {
          if (!r.body.includes('getDemographic2')) return;
          reads.push(Number(/<arg0>(\d+)<\/arg0>/.exec(r.body.toString('utf8'))?.[1]));
          atFirstRead?.();
          atFirstRead = undefined;
          if (gone === undefined) return;
          const data = stack.sim.store.data;
          data.demographics.splice(data.demographics.findIndex((d) => d.demographicNo === gone), 1);
          stack.sim.store.reindex();
          gone = undefined;
        },
      },
      // One call at a time: the deleted patient's read comes after the first.
      env: { BULK_MIN_POLL_MS: '0', OSCAR_MAX_IN_FLIGHT: '1' },
      logger: log.logger,
      facade: { exportRetries: 2 },
    });
  });
  after(async () => { await stack.close(); });

  it('leaves out a patient deleted after the group was listed, with no error line', async () => {
    const members = activePatients(stack.sim.store.data);
    const deleted = members[members.length - 1]!;
    gone = deleted;
    const lines = await rawLines(stack, await kickOff(stack, '/Patient/$export?_type=Patient'));
    assert.equal(gone, undefined, 'the patient was deleted during the export');
    assert.equal((await apiRead(stack, String(deleted))).status, 404, 'the API does not know it either');
    assert.deepEqual(lines.map((l) => Number((JSON.parse(l) as Line).id)).sort((a, b) => a - b), members.slice(0, -1));
  });

  it('rides out a read whose connection OSCAR drops twice: every patient once, each the read\'s text', async () => {
    const members = activePatients(stack.sim.store.data);
    stack.sim.stats.reset();
    const fault = stack.sim.faults.add({ match: { operation: 'getDemographic2' }, mode: 'reset', times: 2 });
    try {
      const lines = await rawLines(stack, await kickOff(stack, '/Patient/$export?_type=Patient'));
      assert.equal(stack.sim.stats.snapshot().faults.reset, 2, 'two connections dropped');
      assert.deepEqual(lines.map((l) => Number((JSON.parse(l) as Line).id)).sort((a, b) => a - b), members);
      for (const line of lines) assert.equal(line, (await apiRead(stack, (JSON.parse(line) as Line).id)).text);
    } finally {
      stack.sim.faults.remove(fault);
    }
  });

  it('a read OSCAR answers with a SOAP fault for one patient: that patient is left out and named (severity error), the others exported', async () => {
    const members = activePatients(stack.sim.store.data);
    reads.length = 0;
    const fault = stack.sim.faults.add({ match: { operation: 'getDemographic2' }, mode: 'soapFault', times: 1 });
    try {
      const { ids, errors } = await linesAndErrors(await kickOff(stack, '/Patient/$export?_type=Patient'));
      const failed = reads[0]!;
      assert.ok(members.includes(failed));
      assert.deepEqual(errors, [patientLeftOut(failed)]);
      assert.deepEqual(ids, members.filter((id) => id !== failed));
      // The operator is told how many, not who: no id, no name of the patient in the log.
      const told = log.lines.filter((l) => l.msg === 'export left records out (the error file names them)');
      assert.deepEqual(told.map((l) => [l.level, l.resourceType, l.leftOut]), [[40, 'Patient', 1]]);
      const patient = stack.sim.store.data.demographics.find((d) => d.demographicNo === failed)!;
      assert.ok(!log.text().includes(`Patient/${failed}`) && !log.text().includes(patient.lastName), 'no patient in the log');
    } finally {
      stack.sim.faults.remove(fault);
    }
  });

  it('a read OSCAR answers with its HTTP 500 page for every patient: each is named, none exported, the job ends', async () => {
    const members = activePatients(stack.sim.store.data);
    const fault = stack.sim.faults.add({ match: { operation: 'getDemographic2' }, mode: 'http500' });
    try {
      const { ids, errors } = await linesAndErrors(await kickOff(stack, '/Patient/$export?_type=Patient'));
      assert.deepEqual(ids, []);
      assert.deepEqual(errors, members.map(patientLeftOut));
    } finally {
      stack.sim.faults.remove(fault);
    }
  });

  it('a read OSCAR answers with another patient\'s record: neither patient is exported under it, the asked one is named', async () => {
    const members = activePatients(stack.sim.store.data);
    const asked = members[members.length - 1]!;
    const row = stack.sim.store.data.demographics.find((d) => d.demographicNo === asked)!;
    // Looked up by its number, the row now answers as patient 999999, no member of the group.
    atFirstRead = () => { row.demographicNo = 999999; };
    try {
      const { ids, errors } = await linesAndErrors(await kickOff(stack, '/Patient/$export?_type=Patient'));
      assert.equal(row.demographicNo, 999999, 'the answer was changed during the export');
      assert.deepEqual(ids, members.slice(0, -1));
      assert.deepEqual(errors, [patientLeftOut(asked)]);
    } finally {
      row.demographicNo = asked;
    }
  });

  it('fails the job (500 OperationOutcome, no files) when OSCAR\'s connection stays down: no patient is taken as answered', async () => {
    const fault = stack.sim.faults.add({ match: { operation: 'getDemographic2' }, mode: 'reset' });
    try {
      const res = await waitFor(await kickOff(stack, '/Patient/$export?_type=Patient'));
      assert.equal(res.status, 500);
      const body = await res.json() as { resourceType: string; issue: { diagnostics: string }[]; output?: unknown };
      assert.equal(body.resourceType, 'OperationOutcome');
      assert.equal(body.output, undefined);
    } finally {
      stack.sim.faults.remove(fault);
    }
  });
});

describe('the read the lines are made by, answered about another patient', () => {
  let stack: Stack;
  before(async () => { stack = await startStack({ sim: { patients: 3, seed: 11 } }); });
  after(async () => { await stack.close(); });

  it('GET Patient/{id} answers 502 OperationOutcome, nothing of the other record (the complete route)', async () => {
    const [asked] = activePatients(stack.sim.store.data);
    const row = stack.sim.store.data.demographics.find((d) => d.demographicNo === asked)!;
    // Looked up by its number, the row answers as patient 999999 (the index is not rebuilt).
    row.demographicNo = 999999;
    try {
      const res = await apiRead(stack, String(asked));
      assert.equal(res.status, 502);
      const body = JSON.parse(res.text) as { resourceType: string; issue: { diagnostics?: string }[] };
      assert.equal(body.resourceType, 'OperationOutcome');
      assert.ok(!res.text.includes('999999') && !res.text.includes(row.lastName), 'nothing of the other record');
    } finally {
      row.demographicNo = asked!;
    }
  });
});
