// Exported allergies carry the clinical status the API gives (mapping §4, variants §6 B14): on an
// OSCAR whose REST answers, an archived allergy is `inactive` and nothing is tagged
// clinical-status-unverified; on one without REST every allergy is `active`, tagged, as the API
// answers too. Each line is `GET AllergyIntolerance/{id}` as text (mapping §1.3). Expected statuses
// come from the simulator's rows (its `archived` column), the lines' text from the API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VARIANT_MAPS } from '../../scripts/routing-doc/variant-maps.js';
import type { SimRequestSeen } from '../../src/sim/app.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { activePatients, kickOff, linesOf, manifestOf, resourcesOf, type Manifest } from './export-helpers.js';

const CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const ACTIVE_LIST = '/ws/services/allergies/active';

interface AllergyLine {
  id: string;
  patient: { reference: string };
  clinicalStatus: { coding: { system: string; code: string }[]; text?: string };
  meta: { versionId: string; tag?: { system: string; code: string }[] };
}

/** The demographicNo of each REST active-list call the simulator saw. */
function listCalls(seen: SimRequestSeen[]): number[] {
  return seen.filter((r) => r.path.endsWith(ACTIVE_LIST)).map((r) => Number(new URL(r.url, 'http://x').searchParams.get('demographicNo')));
}

async function allergyLines(m: Manifest): Promise<{ lines: string[]; parsed: AllergyLine[] }> {
  const lines: string[] = [];
  for (const f of m.output.filter((o) => o.type === 'AllergyIntolerance')) {
    const res = await fetch(f.url);
    assert.equal(res.status, 200);
    lines.push(...(await res.text()).split('\n').filter(Boolean));
  }
  return { lines, parsed: lines.map((l) => JSON.parse(l) as AllergyLine) };
}

/** Each line is, as text, the body of GET AllergyIntolerance/{id}, and its version the ETag. */
async function assertLinesAreReads(stack: Stack, lines: string[]): Promise<void> {
  for (const line of lines) {
    const r = JSON.parse(line) as AllergyLine;
    const res = await fetch(`${stack.base}/AllergyIntolerance/${r.id}`, { headers: { accept: 'application/fhir+json' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('etag'), `W/"${r.meta.versionId}"`);
    assert.equal(line, await res.text(), `AllergyIntolerance/${r.id}`);
  }
}

const statusOf = (a: AllergyLine): string[] => a.clinicalStatus.coding.filter((c) => c.system === CLINICAL).map((c) => c.code);
const sorted = (ns: Iterable<number>): number[] => [...ns].sort((a, b) => a - b);

/** The manifest of an export run while the simulator fails the calls `rule` matches, and its error file's diagnostics. */
async function exportWithFault(stack: Stack, rule: Parameters<Stack['sim']['faults']['add']>[0], path: string): Promise<{ m: Manifest; diagnostics: string[] }> {
  const fault = stack.sim.faults.add(rule);
  try {
    const m = await manifestOf(await kickOff(stack, path));
    const errors = (await Promise.all(m.error.map((f) => linesOf(f.url)))).flat();
    return { m, diagnostics: errors.map((e) => `${e.issue[0].severity}: ${e.issue[0].diagnostics}`) };
  } finally {
    stack.sim.faults.remove(fault);
  }
}

const notExported = (type: string, patient: number): string => `error: The ${type} records of Patient/${patient} are not in this export: OSCAR answered an error when they were read; export this patient again`;

describe('exported allergies on an OSCAR whose REST answers', () => {
  let stack: Stack;
  const seen: SimRequestSeen[] = [];
  before(async () => {
    stack = await startStack({
      sim: { patients: 40, seed: 11, onRequest: (r) => seen.push(r) },
      env: { BULK_MIN_POLL_MS: '0', BULK_TRANSACTION_MARGIN_SECONDS: '0' },
    });
  });
  after(async () => { await stack.close(); });

  it('are inactive when archived, active otherwise, untagged, each the text of GET AllergyIntolerance/{id}; one REST list per patient with allergies', async () => {
    const data = stack.sim.store.data;
    const active = new Set(activePatients(data));
    const rows = data.allergies.filter((a) => active.has(a.demographicNo));
    assert.ok(rows.some((a) => a.archived) && rows.some((a) => !a.archived), 'the clinic has archived and active allergies');
    seen.length = 0;
    const m = await manifestOf(await kickOff(stack, '/Patient/$export?_type=AllergyIntolerance'));
    const calls = listCalls(seen);
    assert.deepEqual(m.error, []);
    const { lines, parsed } = await allergyLines(m);
    assert.deepEqual(sorted(parsed.map((a) => Number(a.id))), sorted(rows.map((a) => a.allergyId)));
    for (const a of parsed) {
      const row = rows.find((r) => r.allergyId === Number(a.id))!;
      assert.deepEqual(statusOf(a), [row.archived ? 'inactive' : 'active'], `AllergyIntolerance/${a.id}`);
      assert.equal(a.meta.tag, undefined, `AllergyIntolerance/${a.id} carries no fidelity tag`);
    }
    // The REST list of each patient whose SOAP answer held an allergy, once; none for the others.
    assert.deepEqual(sorted(calls), sorted(new Set(rows.map((a) => a.demographicNo))));
    await assertLinesAreReads(stack, lines);
  });

  it('_since: an allergy archived after the last export comes as inactive, and only its patient\'s list is asked for', async () => {
    const store = stack.sim.store;
    const first = await manifestOf(await kickOff(stack, '/Patient/$export?_type=AllergyIntolerance'));
    const t1 = Date.parse(first.transactionTime);
    while (Date.now() <= t1 + 1000) await new Promise((r) => setTimeout(r, 50));
    const active = new Set(activePatients(store.data));
    const row = store.data.allergies.find((a) => active.has(a.demographicNo) && !a.archived)!;
    // Archiving is an update: OSCAR's entity stamps lastUpdateDate (Open-O Allergy.java @PreUpdate).
    Object.assign(row, { archived: true, lastUpdateDate: store.nowLocal() });
    while (Date.now() <= t1 + 2000) await new Promise((r) => setTimeout(r, 50));
    // The API's cache learns of the change as a deployment's does: from OSCAR's change feeds.
    assert.ok(await stack.facade.cache.pollChanges() >= 1);
    seen.length = 0;
    const second = await manifestOf(await kickOff(stack, `/Patient/$export?_type=AllergyIntolerance&_since=${encodeURIComponent(first.transactionTime)}`));
    assert.deepEqual(listCalls(seen), [row.demographicNo]);
    assert.deepEqual(second.error, []);
    const { lines, parsed } = await allergyLines(second);
    assert.deepEqual(parsed.map((a) => a.id), [String(row.allergyId)]);
    assert.deepEqual(statusOf(parsed[0]!), ['inactive']);
    assert.equal(parsed[0]!.meta.tag, undefined);
    await assertLinesAreReads(stack, lines);
  });

  it('a REST list OSCAR fails for one patient leaves that patient\'s allergies out and names it in the error file; no allergy goes out unverified', async () => {
    const data = stack.sim.store.data;
    const active = new Set(activePatients(data));
    const rows = data.allergies.filter((a) => active.has(a.demographicNo));
    seen.length = 0;
    const { m, diagnostics } = await exportWithFault(stack, { match: { path: ACTIVE_LIST }, mode: 'http500', times: 1 }, '/Patient/$export?_type=AllergyIntolerance');
    const failed = listCalls(seen)[0]!;
    assert.ok(rows.some((a) => a.demographicNo === failed));
    assert.deepEqual(diagnostics, [notExported('AllergyIntolerance', failed)]);
    const parsed = await resourcesOf(m, 'AllergyIntolerance') as AllergyLine[];
    assert.deepEqual(sorted(parsed.map((a) => Number(a.id))), sorted(rows.filter((a) => a.demographicNo !== failed).map((a) => a.allergyId)));
    for (const a of parsed) {
      assert.deepEqual(statusOf(a), [rows.find((r) => r.allergyId === Number(a.id))!.archived ? 'inactive' : 'active']);
      assert.equal(a.meta.tag, undefined);
    }
  });

  it('a SOAP allergy list OSCAR fails for one patient is handled the same way', async () => {
    const data = stack.sim.store.data;
    const active = activePatients(data);
    const rows = data.allergies.filter((a) => active.includes(a.demographicNo));
    seen.length = 0;
    const { m, diagnostics } = await exportWithFault(stack, { match: { operation: 'getAllergiesByProgramProviderDemographicDate' }, mode: 'soapFault', times: 1 }, '/Patient/$export?_type=AllergyIntolerance');
    const failed = Number(/<arg2>(\d+)<\/arg2>/.exec(seen.find((x) => x.body.includes('getAllergiesByProgramProviderDemographicDate'))!.body.toString('utf8'))?.[1]);
    assert.deepEqual(diagnostics, [notExported('AllergyIntolerance', failed)]);
    const parsed = await resourcesOf(m, 'AllergyIntolerance') as AllergyLine[];
    assert.deepEqual(sorted(parsed.map((a) => Number(a.id))), sorted(rows.filter((a) => a.demographicNo !== failed).map((a) => a.allergyId)));
  });
});

describe('a per-patient call OSCAR fails for one patient, for appointments too', () => {
  let stack: Stack;
  const seen: SimRequestSeen[] = [];
  before(async () => {
    stack = await startStack({ sim: { patients: 20, seed: 11, onRequest: (r) => seen.push(r) }, env: { BULK_MIN_POLL_MS: '0' } });
  });
  after(async () => { await stack.close(); });

  it('leaves that patient\'s appointments out and names it in the error file', async () => {
    const data = stack.sim.store.data;
    const active = activePatients(data);
    const { m, diagnostics } = await exportWithFault(stack, { match: { operation: 'getAppointmentsForPatient2' }, mode: 'soapFault', times: 1 }, '/Patient/$export?_type=Appointment');
    const failed = Number(/<arg0>(\d+)<\/arg0>/.exec(seen.find((x) => x.body.includes('getAppointmentsForPatient2'))!.body.toString('utf8'))?.[1]);
    assert.ok(active.includes(failed));
    assert.deepEqual(diagnostics, [notExported('Appointment', failed)]);
    const got = (await resourcesOf(m, 'Appointment')).map((a: { id: string }) => Number(a.id));
    const expected = data.appointments.filter((a) => active.includes(a.demographicNo) && a.demographicNo !== failed).map((a) => a.appointmentNo);
    assert.deepEqual(sorted(got), sorted(expected));
  });
});

describe('exported allergies on an OSCAR without REST (variants B2, B14)', () => {
  let stack: Stack;
  const seen: SimRequestSeen[] = [];
  before(async () => {
    stack = await startStack({
      sim: { patients: 40, seed: 11, restModule: false, onRequest: (r) => seen.push(r) },
      env: { BULK_MIN_POLL_MS: '0' },
      facade: { capabilities: { current: () => VARIANT_MAPS['REST module off']! } },
    });
  });
  after(async () => { await stack.close(); });

  it('are active and tagged clinical-status-unverified, archived ones too, each the text of GET AllergyIntolerance/{id}, and REST is never asked', async () => {
    const data = stack.sim.store.data;
    const active = new Set(activePatients(data));
    const rows = data.allergies.filter((a) => active.has(a.demographicNo));
    assert.ok(rows.some((a) => a.archived), 'an archived allergy is exported');
    const m = await manifestOf(await kickOff(stack, '/Patient/$export?_type=AllergyIntolerance'));
    assert.deepEqual(m.error, []);
    const { lines, parsed } = await allergyLines(m);
    assert.deepEqual(sorted(parsed.map((a) => Number(a.id))), sorted(rows.map((a) => a.allergyId)));
    for (const a of parsed) {
      assert.deepEqual(statusOf(a), ['active']);
      assert.equal(a.clinicalStatus.text, 'Active or archived: this OSCAR does not say which');
      assert.deepEqual(a.meta.tag, [{ system: `${stack.base}/CodeSystem/fidelity`, code: 'clinical-status-unverified' }]);
    }
    await assertLinesAreReads(stack, lines);
    assert.deepEqual(seen.filter((r) => r.path.includes('/ws/services')).map((r) => r.path), []);
  });
});
