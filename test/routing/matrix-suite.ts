// The variant × host matrix (variants §7.7): the facade over one simulated OSCAR line or host,
// discovering what that OSCAR offers (variants §7.2); the discovered map must route every
// interaction as the hand-written map of that line or host does. Its CapabilityStatement must hold
// what the combination can serve (a literal expectation per combination), every advertised
// interaction must work (read, search, paging, _include, create, update, $everything), every
// interaction the facade implements but does not advertise must be answered 501 / 400 with an
// OperationOutcome without calling OSCAR, no answer may be a 5xx other than 501, and OSCAR must
// never have been sent a call that fails.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, CapabilityStatement, CapabilityStatementRestResource, Resource } from 'fhir/r4.js';
import type { CapabilityMap } from '../../src/oscar/capabilities/map.js';
import { resolveRoutes, type Resolved } from '../../src/routing/resolve.js';
import type { StartSimulatorOptions } from '../../src/sim/server.js';
import { nextPath } from '../helpers/paging.js';
import { startRecordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js';
import { startStack, type FhirAnswer, type Stack } from '../helpers/stack.js';

export interface Combination {
  name: string;
  sim: StartSimulatorOptions;
  /** What the line or host offers, written by hand from docs/oscar-variants.md. */
  map: CapabilityMap;
  /** The interactions the CapabilityStatement must list per type (absent type: not listed at all). */
  interactions: Readonly<Record<string, readonly string[]>>;
}

export const READ = ['read', 'vread'];
/** Every interaction the facade implements, as a CapabilityStatement lists them. */
export const EVERYTHING = {
  Patient: [...READ, 'search-type', 'create', 'update'],
  Appointment: [...READ, 'search-type', 'create', 'update'],
  Practitioner: [...READ, 'search-type'],
  AllergyIntolerance: [...READ, 'search-type'],
  Immunization: [...READ, 'search-type'],
  DocumentReference: [...READ, 'search-type', 'create'],
  Binary: READ,
  Schedule: [...READ, 'search-type'],
  Slot: [...READ, 'search-type'],
};

const JSON_HEADERS = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
const TYPES = ['Patient', 'Appointment', 'Practitioner', 'AllergyIntolerance', 'Immunization', 'DocumentReference', 'Binary'];

function matches(bundle: Bundle): Resource[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!);
}

/** The patient with the most clinical rows, so every type's search finds something. */
function richestPatient(stack: Stack): number {
  const d = stack.sim.store.data;
  const score = new Map<number, number>();
  const add = (n: number): void => { score.set(n, (score.get(n) ?? 0) + 1); };
  for (const r of d.appointments) add(r.demographicNo);
  for (const r of d.allergies) add(r.demographicNo);
  for (const r of d.preventions) add(r.demographicNo);
  for (const r of d.documents) add(Number(d.ctlDocuments.find((c) => c.documentNo === r.documentNo && c.module === 'demographic')?.moduleId ?? 0));
  return [...score.entries()].filter(([n]) => n > 0).sort((a, b) => b[1] - a[1])[0]![0];
}

function searchQuery(type: string, patient: number): string {
  if (type === 'Patient') return `_id=${patient}`;
  if (type === 'Practitioner') return 'active=true';
  return `patient=${patient}`;
}

export function matrixSuite(c: Combination): void {
  describe(c.name, () => {
    let stack: Stack;
    let proxy: RecordingProxy;
    let cs: CapabilityStatement;
    let patient: number;
    let probeCalls = 0;
    const answers: { what: string; status: number }[] = [];

    async function call(path: string, init?: RequestInit): Promise<FhirAnswer> {
      const res = await stack.fhir(path, init);
      answers.push({ what: `${init?.method ?? 'GET'} ${path}`, status: res.status });
      return res;
    }
    const resourceOf = (type: string): CapabilityStatementRestResource | undefined => cs.rest?.[0]?.resource?.find((r) => r.type === type);
    const advertised = (type: string, code: string): boolean => (resourceOf(type)?.interaction ?? []).some((i) => i.code === code);

    before(async () => {
      stack = await startStack({
        sim: { patients: 6, ...c.sim },
        env: { CAPABILITY_DISCOVERY: 'true', CAPABILITY_STARTUP_WAIT_MS: '60000' },
        via: async (url) => (proxy = await startRecordingProxy(url)),
      });
      // The probes ask what may fail on purpose (a PUT, a WADL, every WSDL): only what follows counts.
      probeCalls = proxy.calls.length;
      patient = richestPatient(stack);
      cs = (await call('/metadata')).body as CapabilityStatement;
    });
    after(() => stack.close());

    it('discovers a map that routes every interaction as the hand-written map does', () => {
      const discovered = stack.facade.capabilities.current();
      assert.equal(discovered.source, 'probe');
      const routeOf = (r: Resolved): string => (r.status === 'unavailable' ? 'unavailable' : `${r.status} ${r.option.id}`);
      const routes = (m: CapabilityMap): Record<string, string> => Object.fromEntries([...resolveRoutes(m)].map(([k, r]) => [k, routeOf(r)]));
      assert.deepEqual(routes(discovered), routes(c.map));
    });

    it('advertises exactly the interactions this OSCAR can serve', () => {
      // Group belongs to the export (src/bulk), listed with it where OSCAR's SOAP serves it: test/bulk
      // and instance-capability.test.ts check it; here the registry's types.
      const listed = Object.fromEntries((cs.rest?.[0]?.resource ?? []).filter((r) => r.type !== 'Group').map((r) => [r.type, (r.interaction ?? []).map((i) => i.code)]));
      assert.deepEqual(listed, c.interactions);
    });

    const found = new Map<string, string>();

    it('serves every advertised search, with paging and _include', async () => {
      for (const type of TYPES.filter((t) => advertised(t, 'search-type'))) {
        const res = await call(`/${type}?${searchQuery(type, patient)}`);
        assert.equal(res.status, 200, `${type} search: ${res.text}`);
        const first = matches(res.body as Bundle)[0];
        if (first?.id) found.set(type, first.id);
        const paged = await call(`/${type}?${searchQuery(type, patient)}&_count=1`);
        assert.equal(paged.status, 200, `${type} first page: ${paged.text}`);
        const next = nextPath(paged.body as Bundle, stack.base);
        if (next) assert.equal((await call(next)).status, 200, `${type} next page`);
        for (const inc of resourceOf(type)?.searchInclude ?? []) {
          const res2 = await call(`/${type}?${searchQuery(type, patient)}&_include=${encodeURIComponent(inc)}`);
          assert.equal(res2.status, 200, `${type} _include=${inc}: ${res2.text}`);
        }
        const params = new Set((resourceOf(type)?.searchParam ?? []).map((p) => p.name));
        if (params.has('_lastUpdated')) {
          const res3 = await call(`/${type}?_lastUpdated=ge2020-01-01${type === 'Patient' || type === 'Practitioner' ? '' : `&patient=${patient}`}`);
          assert.equal(res3.status, 200, `${type} _lastUpdated: ${res3.text}`);
        }
        if (params.has('clinical-status')) {
          assert.equal((await call(`/${type}?patient=${patient}&clinical-status=active`)).status, 200, `${type} clinical-status`);
        }
      }
    });

    it('serves every advertised read', async () => {
      const d = stack.sim.store.data;
      const fromStore: Record<string, string[]> = {
        Patient: [String(patient)],
        Practitioner: d.providers.slice(0, 1).map((p) => p.providerNo),
        Appointment: d.appointments.slice(0, 5).map((a) => String(a.appointmentNo)),
        AllergyIntolerance: d.allergies.slice(0, 5).map((a) => String(a.allergyId)),
        // Not every prevention is an immunization: a few candidates, at least one must read.
        Immunization: d.preventions.slice(0, 10).map((p) => String(p.id)),
        DocumentReference: d.documents.slice(0, 5).map((x) => String(x.documentNo)),
        Binary: d.documents.slice(0, 5).map((x) => String(x.documentNo)),
      };
      for (const type of TYPES.filter((t) => advertised(t, 'read'))) {
        const ids = [found.get(type) ?? found.get(type === 'Binary' ? 'DocumentReference' : '') ?? '', ...fromStore[type]!].filter(Boolean);
        let ok = false;
        for (const id of ids) {
          const res = await call(`/${type}/${id}`, { headers: { accept: 'application/fhir+json' } });
          assert.ok(res.status === 200 || res.status === 404 || res.status === 410, `${type}/${id}: ${res.status} ${res.text}`);
          if (res.status === 200) { ok = true; break; }
        }
        assert.ok(ok, `no ${type} could be read`);
      }
    });

    it('serves every advertised create, update and $everything', async () => {
      const practitioner = stack.sim.store.data.providers.find((p) => p.providerType === 'doctor')?.providerNo ?? stack.sim.store.data.providers[0]!.providerNo;
      const bodies: Record<string, unknown> = {
        Patient: { resourceType: 'Patient', name: [{ family: 'MATRIX', given: ['ROW'] }], gender: 'female', birthDate: '1980-02-03' },
        Appointment: {
          resourceType: 'Appointment', status: 'booked', start: '2034-03-07T10:00:00-05:00', end: '2034-03-07T10:15:00-05:00',
          participant: [{ actor: { reference: `Patient/${patient}` }, status: 'accepted' }, { actor: { reference: `Practitioner/${practitioner}` }, status: 'accepted' }],
        },
        DocumentReference: {
          resourceType: 'DocumentReference', status: 'current', type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }] },
          subject: { reference: `Patient/${patient}` }, description: 'Matrix note',
          content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('matrix').toString('base64'), title: 'matrix.txt' } }],
        },
      };
      for (const type of TYPES.filter((t) => advertised(t, 'create'))) {
        const res = await call(`/${type}`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(bodies[type]) });
        assert.equal(res.status, 201, `${type} create: ${res.text}`);
        if (advertised(type, 'update')) found.set(type, (res.body as Resource).id!);
      }
      for (const type of TYPES.filter((t) => advertised(t, 'update'))) {
        const id = found.get(type) ?? (type === 'Patient' ? String(patient) : undefined);
        assert.ok(id, `an id to update ${type}`);
        const current = await call(`/${type}/${id}`);
        assert.equal(current.status, 200, `${type}/${id}: ${current.text}`);
        const res = await call(`/${type}/${id}`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify(current.body) });
        assert.equal(res.status, 200, `${type} update: ${res.text}`);
      }
      if ((resourceOf('Patient')?.operation ?? []).some((o) => o.name === 'everything')) {
        const res = await call(`/Patient/${patient}/$everything`);
        assert.equal(res.status, 200, `$everything: ${res.text}`);
        const types = new Set(matches(res.body as Bundle).map((r) => r.resourceType));
        for (const type of ['Appointment', 'AllergyIntolerance', 'Immunization', 'DocumentReference']) {
          if (!advertised(type, 'search-type')) assert.ok(!types.has(type as Resource['resourceType']), `$everything has no ${type}, which this OSCAR cannot search`);
        }
      }
    });

    it('answers every implemented but unadvertised interaction, parameter and operation 501 / 400 without calling OSCAR', async () => {
      const full = stack.facade.registry;
      const refused = async (what: string, path: string, init?: RequestInit): Promise<void> => {
        const before = proxy.calls.length;
        const res = await call(path, init);
        assert.ok([400, 405, 501].includes(res.status), `${what}: ${res.status} ${res.text}`);
        assert.equal(res.body?.resourceType, 'OperationOutcome', what);
        assert.equal(res.body.issue[0].code, 'not-supported', `${what}: ${res.text}`);
        if (res.status === 501) assert.match(res.body.issue[0].diagnostics, /Remedy: /, what);
        assert.equal(proxy.calls.length, before, `${what} called OSCAR`);
      };
      for (const def of full.all()) {
        const t = def.type;
        const i = def.interactions;
        if (i.read && !advertised(t, 'read')) await refused(`${t} read`, `/${t}/1`, { headers: { accept: 'application/fhir+json' } });
        if (i.search && !advertised(t, 'search-type')) await refused(`${t} search`, `/${t}?_id=1`);
        if (i.create && !advertised(t, 'create')) await refused(`${t} create`, `/${t}`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ resourceType: t }) });
        if (i.update && !advertised(t, 'update')) await refused(`${t} update`, `/${t}/1`, { method: 'PUT', headers: JSON_HEADERS, body: JSON.stringify({ resourceType: t, id: '1' }) });
        if (advertised(t, 'search-type')) {
          const listed = new Set((resourceOf(t)?.searchParam ?? []).map((p) => p.name));
          for (const p of def.searchParams.filter((sp) => !listed.has(sp.name))) await refused(`${t} ${p.name}`, `/${t}?${p.name}=x`);
        }
        const ops = new Set((resourceOf(t)?.operation ?? []).map((o) => o.name));
        for (const op of (def.operations ?? []).filter((o) => !ops.has(o.name))) await refused(`$${op.name}`, `/${t}/${patient}/$${op.name}`);
      }
    });

    it('never answered 5xx other than 501', () => {
      assert.deepEqual(answers.filter((a) => a.status >= 500 && a.status !== 501), []);
    });

    it('never sent OSCAR a call that failed', () => {
      assert.deepEqual(proxy.calls.slice(probeCalls).filter((x) => x.status >= 400), []);
    });
  });
}
