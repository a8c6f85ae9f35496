// A real third-party FHIR client (fhir-kit-client) reading a patient's clinical record the way an
// integration would: appointments, allergies, immunizations and documents of patient 1001 (JANE
// DOE of samples §1), paged with nextPage, _include references followed, a referenced Practitioner
// read, the CBC results PDF downloaded through its attachment url and checked against the
// attachment's SHA-1 and size; an appointment booked, rescheduled and cancelled; $everything.
// The same flow runs twice: without authentication, and with AUTH_MODE=smart where the client
// gets SMART Backend Services tokens (private_key_jwt) from the facade's token endpoint.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type {
  AllergyIntolerance, Appointment, Binary, Bundle, BundleEntry, DocumentReference, Immunization, Practitioner, Resource,
} from 'fhir/r4.js';
import { Client } from 'fhir-kit-client';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { medplumValidate } from '../helpers/independent-validator.js';
import { startStack, type Stack } from '../helpers/stack.js';

const PATIENT = '1001';

/** One running product and the clients the flow uses. */
interface Session {
  stack: Stack;
  /** Reads and searches (in smart mode: a system/*.rs token). */
  reader: Client;
  /** Books and changes appointments (in smart mode: a token with system/Appointment.cu as well). */
  writer: Client;
  /** Bearer token of `reader` for requests made without fhir-kit-client (undefined without auth). */
  readerToken?: string;
  close(): Promise<void>;
}

// --- SMART Backend Services, as a client application does it -----------------------------------

interface BackendApp { clientId: string; scope: string; privateKey: CryptoKey; kid: string }

async function backendApp(clientId: string, scope: string): Promise<{ app: BackendApp; registration: object }> {
  const { privateKey, publicKey } = await generateKeyPair('RS384');
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS384', use: 'sig' };
  return { app: { clientId, scope, privateKey, kid }, registration: { client_id: clientId, scope, jwks: { keys: [publicJwk] } } };
}

/** Discovers the token endpoint with fhir-kit-client, then client_credentials with a signed assertion. */
async function backendToken(base: string, app: BackendApp): Promise<string> {
  const { tokenUrl } = await new Client({ baseUrl: base }).smartAuthMetadata();
  assert.ok(tokenUrl, 'the server advertises a token endpoint');
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS384', kid: app.kid, typ: 'JWT' })
    .setIssuer(app.clientId).setSubject(app.clientId).setAudience(tokenUrl.href)
    .setIssuedAt().setExpirationTime('4m').setJti(randomUUID())
    .sign(app.privateKey);
  const res = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials', scope: app.scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
    }),
  });
  const body = await res.json() as { access_token?: string; scope?: string };
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.scope, app.scope);
  return body.access_token!;
}

async function openSession(): Promise<Session> {
  const stack = await startStack();
  const reader = new Client({ baseUrl: stack.base });
  return { stack, reader, writer: reader, close: () => stack.close() };
}

async function smartSession(): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-e2e-'));
  const records = await backendApp('records-viewer', 'system/*.rs');
  const desk = await backendApp('front-desk', 'system/*.rs system/Appointment.cu');
  const clientsFile = join(dir, 'clients.json');
  writeFileSync(clientsFile, JSON.stringify({ clients: [records.registration, desk.registration] }));
  const stack = await startStack({ env: { AUTH_MODE: 'smart', SMART_CLIENTS_FILE: clientsFile } });
  const readerToken = await backendToken(stack.base, records.app);
  return {
    stack, readerToken,
    reader: new Client({ baseUrl: stack.base, bearerToken: readerToken }),
    writer: new Client({ baseUrl: stack.base, bearerToken: await backendToken(stack.base, desk.app) }),
    async close() {
      await stack.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// --- helpers -------------------------------------------------------------------------------------

function valid<T extends Resource>(r: T): T {
  assert.deepEqual(medplumValidate(r), [], `${r.resourceType}/${r.id ?? ''}`);
  return r;
}

const entries = (b: Bundle, mode: 'match' | 'include'): BundleEntry[] => (b.entry ?? []).filter((e) => e.search?.mode === mode);
const resourcesOf = <T extends Resource>(b: Bundle, mode: 'match' | 'include' = 'match'): T[] => entries(b, mode).map((e) => valid(e.resource as T));
const refOf = (r: Resource): string => `${r.resourceType}/${r.id!}`;

/** The HTTP answer of a request fhir-kit-client rejected (it throws on any non-2xx status). */
async function failure(request: Promise<unknown>): Promise<{ status: number; data: { resourceType?: string } }> {
  const answer = await request.then(() => undefined, (e: { response?: { status: number; data: { resourceType?: string } } }) => e.response);
  assert.ok(answer, 'the request was refused');
  return answer;
}

/** Every page of a search, following Bundle.link next with fhir-kit-client's nextPage. */
async function allPages(client: Client, resourceType: string, searchParams: Record<string, string>): Promise<Bundle[]> {
  const pages: Bundle[] = [];
  let page = await client.search({ resourceType, searchParams }) as unknown as Bundle | undefined;
  while (page) {
    assert.equal(page.type, 'searchset');
    pages.push(page);
    assert.ok(pages.length <= 20, 'paging ends');
    page = await client.nextPage({ bundle: page as never }) as unknown as Bundle | undefined;
  }
  return pages;
}

/** Asserts the pages hold `total` distinct matches, `count` per page, and returns them in order. */
function pagedMatches<T extends Resource>(pages: readonly Bundle[], count: number): T[] {
  const total = pages[0]!.total!;
  const all = pages.flatMap((p) => resourcesOf<T>(p));
  assert.equal(pages.length, Math.max(1, Math.ceil(total / count)), 'one page per _count matches');
  for (const p of pages.slice(0, -1)) assert.equal(entries(p, 'match').length, count);
  assert.equal(all.length, total);
  assert.equal(new Set(all.map((r) => r.id)).size, total, 'no match on two pages');
  return all;
}

/**
 * Each page's _include entries are exactly the targets its matches reference (of `targetType`),
 * and fhir-kit-client resolves each reference from the Bundle to that same resource.
 */
async function assertIncludes(client: Client, page: Bundle, targetType: string, refsOf: (r: Resource) => string[]): Promise<Resource[]> {
  const included = resourcesOf<Resource>(page, 'include');
  const wanted = new Set(entries(page, 'match').flatMap((e) => refsOf(e.resource!)).filter((r) => r.startsWith(`${targetType}/`)));
  assert.ok(wanted.size > 0, `the page references a ${targetType}`);
  assert.deepEqual(new Set(included.map(refOf)), wanted);
  for (const ref of wanted) {
    const resolved = await client.resolve({ reference: ref, context: page as never }) as unknown as Resource;
    assert.ok(included.includes(resolved), `${ref} resolves inside the Bundle, without another request`);
  }
  return included;
}

const practitionersOf = (r: Resource): string[] => ((r as Appointment).participant ?? []).flatMap((p) => p.actor?.reference ?? []);
const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest('base64');

// --- the flow ------------------------------------------------------------------------------------

function clinicalRecordFlow(name: string, open: () => Promise<Session>, smart: boolean): void {
  describe(name, () => {
    let s: Session;
    before(async () => { s = await open(); });
    after(async () => { await s.close(); });
    /** Ids found by the searches, compared with $everything at the end. */
    const found = new Map<string, Set<string>>();
    /** The Practitioner read through an appointment's reference (the booking below books with them). */
    let practitionerId = '';
    const remember = (rs: readonly Resource[]): void => {
      for (const r of rs) found.set(r.resourceType, new Set([...(found.get(r.resourceType) ?? []), r.id!]));
    };

    test('appointments: every one of the patient, in start order over pages, with their Practitioners included', async () => {
      const pages = await allPages(s.reader, 'Appointment', { patient: PATIENT, _include: 'Appointment:practitioner', _count: '2' });
      const appointments = pagedMatches<Appointment>(pages, 2);
      const stored = s.stack.sim.store.data.appointments.filter((a) => a.demographicNo === Number(PATIENT));
      assert.ok(stored.length > 2, 'patient 1001 has more appointments than one page holds');
      assert.deepEqual(appointments.map((a) => a.id).sort(), stored.map((a) => String(a.appointmentNo)).sort());
      const starts = appointments.map((a) => Date.parse(a.start!));
      assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
      for (const a of appointments) assert.ok(a.participant.some((p) => p.actor?.reference === `Patient/${PATIENT}`));
      const practitioners = new Set<string>();
      for (const page of pages) {
        for (const p of await assertIncludes(s.reader, page, 'Practitioner', practitionersOf)) practitioners.add(refOf(p));
      }
      assert.deepEqual(practitioners, new Set(stored.map((a) => `Practitioner/${a.providerNo}`)));
      remember(appointments);
    });

    test('reads a Practitioner an appointment references; the read equals the included copy', async () => {
      const bundle = await s.reader.search({ resourceType: 'Appointment', searchParams: { patient: PATIENT, _include: 'Appointment:practitioner' } }) as unknown as Bundle;
      const appointment = resourcesOf<Appointment>(bundle)[0]!;
      const ref = appointment.participant.map((p) => p.actor?.reference ?? '').find((r) => r.startsWith('Practitioner/'))!;
      const [, id] = ref.split('/');
      const practitioner = valid(await s.reader.read({ resourceType: 'Practitioner', id: id! }) as unknown as Practitioner);
      assert.equal(practitioner.id, id);
      assert.equal(practitioner.name?.[0]?.family, s.stack.sim.store.provider(id!)?.lastName);
      assert.ok(appointment.participant.find((p) => p.actor?.reference === ref)?.actor?.display, 'the reference is labelled');
      assert.deepEqual(resourcesOf<Practitioner>(bundle, 'include').find((p) => p.id === id), practitioner);
      const missing = await failure(s.reader.read({ resourceType: 'Practitioner', id: 'nobody' }));
      assert.equal(missing.status, 404);
      assert.equal(missing.data.resourceType, 'OperationOutcome');
      practitionerId = id!;
    });

    test('allergies: PENICILLIN G and PEANUTS, one per page, with the Patient included', async () => {
      const pages = await allPages(s.reader, 'AllergyIntolerance', { patient: PATIENT, _include: 'AllergyIntolerance:patient', _count: '1' });
      const allergies = pagedMatches<AllergyIntolerance>(pages, 1);
      assert.deepEqual(allergies.map((a) => a.code?.text).sort(), ['PEANUTS', 'PENICILLIN G']);
      for (const a of allergies) {
        assert.equal(a.patient.reference, `Patient/${PATIENT}`);
        assert.equal(a.clinicalStatus?.coding?.[0]?.code, 'active');
      }
      assert.equal(allergies.find((a) => a.code?.text === 'PEANUTS')?.criticality, 'high');
      assert.deepEqual(allergies.find((a) => a.code?.text === 'PENICILLIN G')?.category, ['medication']);
      for (const page of pages) {
        const [patient] = await assertIncludes(s.reader, page, 'Patient', (r) => [(r as AllergyIntolerance).patient.reference ?? '']);
        assert.equal((patient as { birthDate?: string }).birthDate, '1980-01-17');
      }
      remember(allergies);
    });

    test('immunizations: the 2023-10-11 flu shot, with the Patient included', async () => {
      const pages = await allPages(s.reader, 'Immunization', { patient: PATIENT, _include: 'Immunization:patient' });
      const shots = pagedMatches<Immunization>(pages, 20);
      const flu = shots.find((i) => i.occurrenceDateTime === '2023-10-11');
      assert.ok(flu, 'the flu shot of samples §6');
      assert.equal(flu.status, 'completed');
      assert.ok(flu.vaccineCode.coding?.some((c) => c.system === 'http://hl7.org/fhir/sid/cvx' && c.code === '88'), 'CVX 88 (influenza, unspecified formulation)');
      assert.equal(flu.lotNumber, 'AB1234');
      for (const i of shots) assert.equal(i.patient.reference, `Patient/${PATIENT}`);
      await assertIncludes(s.reader, pages[0]!, 'Patient', (r) => [(r as Immunization).patient.reference ?? '']);
      remember(shots);
    });

    test('documents: the CBC results PDF, its bytes downloaded through the attachment url match its SHA-1 and size', async () => {
      const pages = await allPages(s.reader, 'DocumentReference', { patient: PATIENT, _count: '1' });
      const docs = pagedMatches<DocumentReference>(pages, 1);
      const cbc = docs.find((d) => d.description === 'CBC results');
      assert.ok(cbc, 'the CBC results document of samples §7');
      assert.deepEqual(cbc.subject, { reference: `Patient/${PATIENT}` });
      const attachment = cbc.content[0]!.attachment;
      assert.equal(attachment.contentType, 'application/pdf');
      assert.equal(attachment.url, `${s.stack.base}/Binary/${cbc.id!}`);
      assert.equal(attachment.data, undefined, 'the bytes are not inlined');

      // fhir-kit-client parses every answer as JSON, so the raw bytes come with a plain fetch.
      const res = await fetch(attachment.url!, { headers: { accept: 'application/pdf', ...(s.readerToken ? { authorization: `Bearer ${s.readerToken}` } : {}) } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.equal(bytes.length, attachment.size);
      assert.equal(sha1(bytes), attachment.hash);
      assert.deepEqual(bytes, s.stack.sim.store.data.documents.find((d) => d.documentNo === Number(cbc.id))!.file, 'the bytes OSCAR stored');

      // The same url through fhir-kit-client (Accept: application/fhir+json) is a FHIR Binary of the same bytes.
      const binary = valid(await s.reader.resolve({ reference: attachment.url! }) as unknown as Binary);
      assert.equal(binary.resourceType, 'Binary');
      assert.equal(binary.contentType, 'application/pdf');
      assert.deepEqual(Buffer.from(binary.data!, 'base64'), bytes);
      remember(docs);
    });

    if (smart) {
      test('smart: no token is a 401; the read-only token cannot book', async () => {
        const anonymous = new Client({ baseUrl: s.stack.base });
        const refused = await failure(anonymous.search({ resourceType: 'Appointment', searchParams: { patient: PATIENT } }));
        assert.equal(refused.status, 401);
        const before = s.stack.sim.store.data.appointments.length;
        const forbidden = await failure(s.reader.create({ resourceType: 'Appointment', body: booking('999998') as never }));
        assert.equal(forbidden.status, 403);
        assert.equal(forbidden.data.resourceType, 'OperationOutcome');
        assert.equal(s.stack.sim.store.data.appointments.length, before, 'nothing was booked');
      });
    }

    test('books an appointment with create, reschedules it with update (If-Match), cancels it', async () => {
      const practitioner = practitionerId;
      assert.ok(practitioner, 'a Practitioner was read above');
      const created = valid(await s.writer.create({ resourceType: 'Appointment', body: booking(practitioner) as never }) as unknown as Appointment);
      const { response } = Client.httpFor(created as never);
      assert.equal(response?.status, 201);
      assert.match(response?.headers.get('location') ?? '', new RegExp(`/Appointment/${created.id!}/_history/`));
      assert.deepEqual([created.status, created.start, created.end, created.minutesDuration], ['booked', '2030-09-17T10:00:00-04:00', '2030-09-17T10:20:00-04:00', 20]);
      const row = () => s.stack.sim.store.appointment(Number(created.id))!;
      assert.deepEqual([row().demographicNo, row().providerNo, row().appointmentDate, row().startTime, row().status], [Number(PATIENT), practitioner, '2030-09-17', '10:00:00', 't']);

      // Reschedule: read, change, write back with the version read (a stale version is refused).
      const current = await s.writer.read({ resourceType: 'Appointment', id: created.id! }) as unknown as Appointment;
      const ifMatch = { 'If-Match': `W/"${current.meta!.versionId!}"` };
      const moved = valid(await s.writer.update({
        resourceType: 'Appointment', id: created.id!, options: { headers: ifMatch },
        body: { ...current, start: '2030-09-18T14:30:00-04:00', end: '2030-09-18T14:45:00-04:00' } as never,
      }) as unknown as Appointment);
      assert.deepEqual([moved.start, moved.end, moved.status], ['2030-09-18T14:30:00-04:00', '2030-09-18T14:45:00-04:00', 'booked']);
      assert.deepEqual([row().appointmentDate, row().startTime, row().endTime], ['2030-09-18', '14:30:00', '14:44:59']);
      const stale = await failure(s.writer.update({ resourceType: 'Appointment', id: created.id!, options: { headers: ifMatch }, body: { ...current, comment: 'late' } as never }));
      assert.equal(stale.status, 412);

      const cancelled = valid(await s.writer.update({ resourceType: 'Appointment', id: created.id!, body: { ...moved, status: 'cancelled' } as never }) as unknown as Appointment);
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(row().status, 'C');
      assert.equal(row().startTime, '14:30:00', 'cancelling keeps the time');

      // The patient's appointments now list it, cancelled (OSCAR keeps cancelled bookings).
      const listed = await s.reader.search({ resourceType: 'Appointment', searchParams: { patient: PATIENT, status: 'cancelled' } }) as unknown as Bundle;
      assert.deepEqual(resourcesOf<Appointment>(listed).map((a) => a.id), [created.id]);
      remember([cancelled]);
    });

    test('Patient/1001/$everything holds everything the searches found, and their Practitioners', async () => {
      const bundle = await s.reader.operation({ name: 'everything', resourceType: 'Patient', id: PATIENT, method: 'GET' }) as unknown as Bundle;
      assert.equal(bundle.type, 'searchset');
      const byType = new Map<string, Set<string>>();
      for (const r of resourcesOf<Resource>(bundle)) byType.set(r.resourceType, new Set([...(byType.get(r.resourceType) ?? []), r.id!]));
      assert.deepEqual(byType.get('Patient'), new Set([PATIENT]));
      for (const type of ['Appointment', 'AllergyIntolerance', 'Immunization', 'DocumentReference']) {
        assert.deepEqual(byType.get(type), found.get(type), type);
      }
      assert.equal(bundle.total, 1 + [...found.values()].reduce((n, ids) => n + ids.size, 0));
      const included = resourcesOf<Resource>(bundle, 'include');
      assert.ok(included.length > 0 && included.every((r) => r.resourceType === 'Practitioner'));
      const referenced = new Set(entries(bundle, 'match').flatMap((e) => JSON.stringify(e.resource).match(/Practitioner\/[A-Za-z0-9]+/g) ?? []));
      assert.deepEqual(new Set(included.map(refOf)), referenced);

      const narrowed = await s.reader.operation({
        name: 'everything', resourceType: 'Patient', id: PATIENT, method: 'GET', input: { _type: 'Immunization,AllergyIntolerance' },
      }) as unknown as Bundle;
      assert.deepEqual(new Set(resourcesOf<Resource>(narrowed).map((r) => r.resourceType)), new Set(['Immunization', 'AllergyIntolerance']));
    });
  });
}

function booking(practitioner: string): Appointment {
  return {
    resourceType: 'Appointment', status: 'booked', description: 'Follow-up on bloodwork', comment: 'Review CBC results',
    start: '2030-09-17T10:00:00-04:00', end: '2030-09-17T10:20:00-04:00',
    participant: [
      { actor: { reference: `Patient/${PATIENT}` }, status: 'accepted' },
      { actor: { reference: `Practitioner/${practitioner}` }, status: 'accepted' },
    ],
  };
}

clinicalRecordFlow('clinical records through fhir-kit-client (no authentication)', openSession, false);
clinicalRecordFlow('clinical records through fhir-kit-client (AUTH_MODE=smart, Backend Services tokens)', smartSession, true);
