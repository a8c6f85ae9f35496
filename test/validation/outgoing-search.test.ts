// The outgoing validation of a search covers what the search returns: the page and its included
// resources, not every match an unpaged handler found (src/validation/README.md, "Outgoing
// policy"). Through the router and the registry's validation wrapper, over a handler that
// answers every match (as most OSCAR searches do) and one that pages itself.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Appointment, Bundle, OperationOutcome, Patient, Practitioner } from 'fhir/r4.js';
import {
  ID_PARAM, Registry, createRouter, defineResource, type FhirContext, type FhirResponse, type SearchResult,
} from '../../src/fhir/index.js';
import { createLogger } from '../../src/logging.js';
import type { ResourceDeps } from '../../src/resources/deps.js';
import { withOutgoingValidation } from '../../src/resources/outgoing.js';
import { everythingOperation } from '../../src/resources/patient/everything.js';
import { request } from '../fhir/harness.js';
import { json, valid } from './fixtures.js';

const BASE = 'https://fhir.example.org/fhir';
const MATCHES = 25;

/** The fixture appointment under id `n`. */
const appointment = (n: number): Appointment => ({ ...valid.appointment(), id: String(n) });
/** Invalid, repairable: a participant without its required status is dropped, the rest is sent. */
function repairable(a: Appointment): Appointment {
  const out = json(structuredClone(a));
  delete out.participant[1].status;
  return out as Appointment;
}
/** Invalid beyond repair: app-2 (start without end) names no fix, so the whole resource is withheld. */
function unrepairable(a: Appointment): Appointment {
  const out = json(structuredClone(a));
  out.status = 'proposed';
  delete out.end;
  return out as Appointment;
}

interface World {
  /** The matches the handler answers, in order. */
  matches: Appointment[];
  /** The handler pages itself (answers offset..offset+count and the total) instead of answering every match. */
  paged?: boolean;
  /** Included resources the handler resolves itself. */
  included?: Practitioner[];
  /** The handler's work for returned matches only (SearchResult.finish). */
  finish?: (a: Appointment) => Appointment;
  /** The Practitioner behind `Practitioner/999998` (the fixture's, by default). */
  practitioner: Practitioner;
  /** Resources the policy found invalid, by type, in the order seen. */
  invalid: string[];
  /** Appointments the handler was asked to create. */
  created: Appointment[];
}

function setup(mode: 'strict' | 'sanitize', change: Partial<Omit<World, 'invalid' | 'created'>> = {}) {
  const world: World = {
    matches: Array.from({ length: MATCHES }, (_, i) => appointment(i + 1)),
    practitioner: valid.practitioner(),
    invalid: [],
    created: [],
    ...change,
  };
  const policy = { mode, logger: createLogger('silent'), onInvalid: (type: string) => { world.invalid.push(type); } };
  const registry = new Registry();
  registry.register(withOutgoingValidation(defineResource<Appointment>({
    type: 'Appointment',
    documentation: 'Appointments for the test.',
    searchParams: [
      ID_PARAM,
      { name: 'actor', type: 'reference', description: 'A participant', definition: 'http://hl7.org/fhir/SearchParameter/Appointment-actor', target: ['Practitioner'] },
      { name: 'patient', type: 'reference', description: 'The patient', definition: 'http://hl7.org/fhir/SearchParameter/Appointment-patient', target: ['Patient'] },
    ],
    includes: [{ param: 'actor', targetType: 'Practitioner', references: (r) => ((r as Appointment).participant ?? []).map((p) => p.actor?.reference ?? '') }],
    conditionalCreate: true,
    interactions: {
      async create(_ctx, a) { world.created.push(a); return { ...a, id: '9001' }; },
      async search(_ctx, s): Promise<SearchResult<Appointment>> {
        const extra = { ...(world.included && { included: world.included }), ...(world.finish && { finish: world.finish }) };
        if (world.paged) return { resources: world.matches.slice(s.offset, s.offset + s.count), total: world.matches.length, ...extra };
        return { resources: world.matches, unpaged: true, ...extra };
      },
    },
  }), policy));
  registry.register(withOutgoingValidation(defineResource<Practitioner>({
    type: 'Practitioner',
    documentation: 'Practitioners for the test.',
    searchParams: [],
    interactions: { async read(_ctx, id) { return id === world.practitioner.id ? world.practitioner : undefined; } },
  }), policy));
  registry.register(withOutgoingValidation(defineResource<Patient>({
    type: 'Patient',
    documentation: 'The patient of the appointments.',
    searchParams: [],
    interactions: { async read(_ctx, id) { return id === '1001' ? { ...valid.patient(), id } : undefined; } },
  }), policy));
  registry.check();
  const router = createRouter({ registry, baseUrl: BASE, timezone: 'America/Toronto' });
  const get = (url: string): Promise<FhirResponse> => router(request('GET', url));
  return { world, get, registry, router };
}

const bundleOf = (res: FhirResponse): Bundle => res.body as Bundle;
const ids = (b: Bundle): string[] => (b.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!.id!);
const nextOf = (b: Bundle): string | undefined => b.link?.find((l) => l.relation === 'next')?.url.slice(BASE.length);
const notes = (b: Bundle): string[] => (b.entry ?? [])
  .filter((e) => e.resource?.resourceType === 'OperationOutcome')
  .flatMap((e) => (e.resource as OperationOutcome).issue.map((i) => `${i.severity} ${i.code}: ${i.diagnostics ?? ''}`));
const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe('outgoing validation of a search: only what is returned', () => {
  it('strict: an invalid match outside the page does not fail the request; inside the page it does', async () => {
    const matches = Array.from({ length: MATCHES }, (_, i) => (i + 1 === 15 ? repairable(appointment(i + 1)) : appointment(i + 1)));
    const { get } = setup('strict', { matches });
    const first = await get('/Appointment?_count=10');
    assert.equal(first.status, 200);
    assert.deepEqual(ids(bundleOf(first)), range(1, 10));
    assert.equal(bundleOf(first).total, MATCHES);
    // The next page holds match 15.
    const second = await get(nextOf(bundleOf(first))!);
    assert.equal(second.status, 500);
    assert.equal((await get('/Appointment?_count=20')).status, 500);
  });

  it('sanitize: the policy sees the page only (every match invalid, 10 of 25 returned → 10 findings)', async () => {
    const { world, get } = setup('sanitize', { matches: Array.from({ length: MATCHES }, (_, i) => repairable(appointment(i + 1))) });
    const res = await get('/Appointment?_count=10');
    assert.equal(res.status, 200);
    assert.deepEqual(world.invalid, Array(10).fill('Appointment'));
    // What is returned is repaired: the participant without a status is gone.
    for (const e of bundleOf(res).entry ?? []) assert.equal((e.resource as Appointment).participant.length, 1);
  });

  it('_summary=count validates none and still counts every match', async () => {
    const matches = Array.from({ length: MATCHES }, (_, i) => repairable(appointment(i + 1)));
    const strict = setup('strict', { matches });
    const res = await strict.get('/Appointment?_summary=count');
    assert.equal(res.status, 200);
    assert.equal(bundleOf(res).total, MATCHES);
    assert.equal(bundleOf(res).entry, undefined);
    const sanitize = setup('sanitize', { matches });
    await sanitize.get('/Appointment?_summary=count');
    assert.deepEqual(sanitize.world.invalid, []);
  });

  it('sanitize: a withheld match on the page is left out, counted in total and said; the next page starts after it', async () => {
    const matches = Array.from({ length: MATCHES }, (_, i) => (i + 1 === 4 ? unrepairable(appointment(i + 1)) : appointment(i + 1)));
    const { world, get } = setup('sanitize', { matches });
    const first = bundleOf(await get('/Appointment?_count=10'));
    assert.deepEqual(ids(first), range(1, 10).filter((id) => id !== '4'));
    assert.equal(first.total, MATCHES);
    assert.deepEqual(notes(first), ['warning incomplete: 1 matching resource of this page could not be converted from OSCAR to valid FHIR and is left out; Bundle.total counts the matches left out']);
    assert.deepEqual(world.invalid, ['Appointment']);
    // Neither repeated nor skipped: the page spanned matches 1-10, the withheld one included.
    const second = bundleOf(await get(nextOf(first)!));
    assert.deepEqual(ids(second), range(11, 20));
    assert.equal(second.total, MATCHES);
    assert.deepEqual(notes(second), []);
    const third = bundleOf(await get(nextOf(second)!));
    assert.deepEqual(ids(third), range(21, 25));
    assert.equal(nextOf(third), undefined);
  });

  it('sanitize: a handler that pages itself is held to the same total and paging', async () => {
    const matches = Array.from({ length: MATCHES }, (_, i) => (i + 1 === 10 ? unrepairable(appointment(i + 1)) : appointment(i + 1)));
    const { get } = setup('sanitize', { matches, paged: true });
    const first = bundleOf(await get('/Appointment?_count=10'));
    assert.deepEqual(ids(first), range(1, 9));
    assert.equal(first.total, MATCHES);
    assert.equal(notes(first).length, 1);
    assert.deepEqual(ids(bundleOf(await get(nextOf(first)!))), range(11, 20));
  });

  it("_include'd resources are validated: read through the target type, or answered by the handler", async () => {
    const broken = json(valid.practitioner());
    broken.telecom[0].system = 'beeper';
    // Resolved by the router through Practitioner read.
    assert.equal((await setup('strict', { practitioner: broken as Practitioner }).get('/Appointment?_count=5&_include=Appointment:actor')).status, 500);
    assert.equal((await setup('strict').get('/Appointment?_count=5&_include=Appointment:actor')).status, 200);
    // Answered by the search handler itself.
    assert.equal((await setup('strict', { included: [broken as Practitioner] }).get('/Appointment?_count=5&_include=Appointment:actor')).status, 500);
    const sanitize = setup('sanitize', { included: [broken as Practitioner] });
    const res = bundleOf(await sanitize.get('/Appointment?_count=5&_include=Appointment:actor'));
    const included = (res.entry ?? []).filter((e) => e.search?.mode === 'include').map((e) => e.resource as Practitioner);
    assert.deepEqual(included.map((p) => p.id), ['999998']);
    assert.equal(included[0]!.telecom?.[0]?.system, undefined);
    assert.deepEqual(sanitize.world.invalid, ['Practitioner']);
  });

  it("a handler's finishing work is done on the page alone, before validation", async () => {
    const finished: string[] = [];
    // Repairs what the handler left invalid: if validation came first, strict mode would fail.
    const finish = (a: Appointment): Appointment => { finished.push(a.id!); return { ...a, participant: a.participant.map((p) => ({ ...p, status: 'accepted' as const })) }; };
    const { get } = setup('strict', { matches: Array.from({ length: MATCHES }, (_, i) => repairable(appointment(i + 1))), finish });
    const res = await get('/Appointment?_count=10&_id=' + range(1, MATCHES).join(','));
    assert.equal(res.status, 200);
    assert.deepEqual(finished, range(1, 10));
    assert.equal((bundleOf(res).entry![0]!.resource as Appointment).participant.length, 2);
    finished.length = 0;
    await get('/Appointment?_summary=count');
    assert.deepEqual(finished, []);
  });

  it('conditional create: a withheld sole match is still a match, so nothing is created (409, not a duplicate)', async () => {
    const post = (router: ReturnType<typeof setup>) => router.router(request('POST', '/Appointment', {
      headers: { 'content-type': 'application/fhir+json', 'if-none-exist': 'patient=Patient/1001' },
      body: { ...valid.appointment(), id: undefined },
    }));
    const withheld = setup('sanitize', { matches: [unrepairable(appointment(1))] });
    const res = await post(withheld);
    assert.equal(res.status, 409);
    assert.match(JSON.stringify(res.body), /could not be converted to valid FHIR; nothing was created/);
    assert.deepEqual(withheld.world.created, []);
    // The same condition with a match that converts answers it, and with none creates.
    const shown = setup('sanitize', { matches: [appointment(1)] });
    assert.equal((await post(shown)).status, 200);
    assert.deepEqual(shown.world.created, []);
    const none = setup('sanitize', { matches: [] });
    assert.equal((await post(none)).status, 201);
    assert.equal(none.world.created.length, 1);
  });

  it('$everything: a withheld match is left out, counted in total and said', async () => {
    const matches = Array.from({ length: MATCHES }, (_, i) => (i + 1 === 4 ? unrepairable(appointment(i + 1)) : appointment(i + 1)));
    const { world, registry } = setup('sanitize', { matches });
    const deps = { baseUrl: BASE, limits: { upstreamRows: 1000 }, mapping: { timezone: 'America/Toronto' } } as unknown as ResourceDeps;
    const ctx: FhirContext = { requestId: 't', baseUrl: BASE, auth: undefined, signal: new AbortController().signal, prefer: {} };
    const b = await everythingOperation(deps, registry).handler(ctx, { id: '1001', method: 'GET', params: [] }) as Bundle;
    const appointments = (b.entry ?? []).filter((e) => e.resource?.resourceType === 'Appointment').map((e) => e.resource!.id!);
    assert.deepEqual(appointments, range(1, MATCHES).filter((id) => id !== '4'));
    // The patient, 24 appointments and the withheld one.
    assert.equal(b.total, 1 + MATCHES);
    assert.equal(notes(b).filter((n) => n.startsWith('warning incomplete: 1 matching resource')).length, 1);
    assert.deepEqual(world.invalid, ['Appointment']);
  });
});
