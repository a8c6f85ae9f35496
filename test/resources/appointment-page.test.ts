// Appointment search names the practitioners of the returned page alone (their display names are
// looked up in the provider list), and a match carries the same display, and so the same version
// id, as its read: the real Appointment definition over an OSCAR client that answers from memory.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Appointment, Bundle, BundleEntry } from 'fhir/r4.js';
import { createRouter, type FhirResponse } from '../../src/fhir/index.js';
import { createLogger } from '../../src/logging.js';
import type { OscarClient } from '../../src/oscar/client.js';
import type { AppointmentTransfer, DemographicTransfer, ProviderTransfer } from '../../src/oscar/types.js';
import { DEFAULT_SEARCH_LIMITS } from '../../src/resources/deps.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { ProviderDirectory } from '../../src/resources/provider-directory.js';
import { buildRegistry } from '../../src/resources/registry.js';

const TZ = 'America/Toronto';
const PATIENT = 1001;
const PROVIDERS: ProviderTransfer[] = [
  { providerNo: '101', firstName: 'Ann', lastName: 'Lee' },
  { providerNo: '102', firstName: 'Raj', lastName: 'Patel' },
];
const DISPLAY: Record<string, string | undefined> = { 101: 'Ann Lee', 102: 'Raj Patel', 103: undefined };

/** Twelve bookings of the patient on 2026-03-02..13 at 09:00, by providers 101, 102, 103 (not in the list) in turn; ids 20..9 (newest first). */
const ROWS: AppointmentTransfer[] = Array.from({ length: 12 }, (_, i) => {
  const day = String(2 + i).padStart(2, '0');
  return {
    id: 20 - i, demographicNo: PATIENT, name: 'DOE, JANE', providerNo: String(101 + (i % 3)), status: 't',
    appointmentStartDateTime: `2026-03-${day}T09:00:00-05:00`, appointmentEndDateTime: `2026-03-${day}T09:14:59-05:00`,
    createDateTime: '2026-01-05T10:00:00-05:00', updateDateTime: '2026-01-05T10:00:00-05:00', reason: 'Follow-up',
  };
});
const DEMOGRAPHIC: DemographicTransfer = {
  demographicNo: PATIENT, lastName: 'DOE', firstName: 'JANE', sex: 'F', yearOfBirth: '1980', monthOfBirth: '01', dateOfBirth: '17', patientStatus: 'AC',
};

/** OSCAR as far as these searches and reads ask it; any other list is empty ($everything asks many). */
function fakeOscar(): OscarClient {
  const known: Partial<OscarClient> = {
    soapGetAppointmentsForPatient2: async (demographicNo: number, start: number) => (start === 0 ? ROWS.filter((r) => r.demographicNo === demographicNo) : []),
    soapGetAppointment2: async (id: number) => ROWS.find((r) => r.id === id),
    soapGetAppointmentsForDateRangeAndProvider2: async (_from: string, _to: string, providerNo: string) => ROWS.filter((r) => r.providerNo === providerNo),
    soapGetProviders2: async () => PROVIDERS,
    soapGetDemographic: async (id: number) => (id === PATIENT ? DEMOGRAPHIC : undefined),
    soapGetDemographic2: async (id: number) => (id === PATIENT ? DEMOGRAPHIC : undefined),
  };
  return new Proxy(known, { get: (t, k) => (t as Record<string | symbol, unknown>)[k] ?? (async () => []) }) as OscarClient;
}

/** Counts the display names asked for. */
class CountingDirectory extends ProviderDirectory {
  asked = 0;
  override async displayOf(providerNo: string | null | undefined): Promise<string | undefined> {
    this.asked++;
    return super.displayOf(providerNo);
  }
}

function setup(): { get: (path: string, headers?: Record<string, string>) => Promise<FhirResponse>; post: (path: string, body: unknown, headers: Record<string, string>) => Promise<FhirResponse>; providers: CountingDirectory } {
  const oscar = fakeOscar();
  const providers = new CountingDirectory(oscar);
  const registry = buildRegistry(
    { oscar, mapping: defaultMappingConfig({ timezone: TZ }), providers, baseUrl: 'http://x/fhir', limits: DEFAULT_SEARCH_LIMITS },
    { mode: 'strict', logger: createLogger('silent') },
  );
  const router = createRouter({ registry, baseUrl: 'http://x/fhir', timezone: TZ });
  const request = (method: string, url: string, headers: Record<string, string> = {}, body?: unknown): Promise<FhirResponse> => {
    const [path = '', qs = ''] = url.split('?');
    return router({ method, path, query: [...new URLSearchParams(qs)], headers, body, requestId: 't' });
  };
  return { get: (p, h) => request('GET', p, h), post: (p, b, h) => request('POST', p, h, b), providers };
}

const matches = (res: FhirResponse): Appointment[] => {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return ((res.body as Bundle).entry ?? []).filter((e: BundleEntry) => e.search?.mode === 'match').map((e) => e.resource as Appointment);
};
const practitionerOf = (a: Appointment) => a.participant.find((p) => p.actor?.reference?.startsWith('Practitioner/'))?.actor;

describe('Appointment search: display names for the page alone', () => {
  it("looks up the page's practitioners only, and names them", async () => {
    const { get, providers } = setup();
    const page = matches(await get(`/Appointment?patient=Patient/${PATIENT}&_count=4`));
    // Oldest first: 2026-03-02 (id 20, provider 101), 03 (19, 102), 04 (18, 103), 05 (17, 101).
    assert.deepEqual(page.map((a) => a.id), ['20', '19', '18', '17']);
    assert.deepEqual(page.map((a) => practitionerOf(a)), [
      { display: 'Ann Lee', reference: 'Practitioner/101' }, { display: 'Raj Patel', reference: 'Practitioner/102' },
      { reference: 'Practitioner/103' }, { display: 'Ann Lee', reference: 'Practitioner/101' },
    ]);
    assert.equal(providers.asked, 4, 'one practitioner a match, four matches of twelve');
  });

  it('_summary=count looks up none', async () => {
    const { get, providers } = setup();
    const res = await get(`/Appointment?patient=Patient/${PATIENT}&_summary=count`);
    assert.equal(res.status, 200);
    assert.equal((res.body as Bundle).total, 12);
    assert.equal(providers.asked, 0);
  });

  it('a practitioner search still filters on the reference, and names the page', async () => {
    const { get, providers } = setup();
    const page = matches(await get('/Appointment?practitioner=Practitioner/102&date=ge2026-03-01&date=lt2026-04-01&_count=2'));
    assert.deepEqual(page.map((a) => a.id), ['19', '16']);
    assert.deepEqual(page.map((a) => practitionerOf(a)?.display), ['Raj Patel', 'Raj Patel']);
    assert.equal(providers.asked, 2);
  });

  it('every match is its read: same content, same version id', async () => {
    const { get } = setup();
    const all = matches(await get(`/Appointment?patient=Patient/${PATIENT}&_count=50`));
    assert.equal(all.length, 12);
    for (const a of all) {
      const read = await get(`/Appointment/${a.id}`);
      assert.equal(read.status, 200);
      assert.deepEqual(a, read.body, `Appointment/${a.id}`);
      assert.equal(read.headers.etag, `W/"${a.meta!.versionId}"`);
      assert.equal(practitionerOf(a)?.display, DISPLAY[ROWS.find((r) => String(r.id) === a.id)!.providerNo!]);
    }
  });

  it('conditional create answers the existing booking as its read, display and version id', async () => {
    const { get, post } = setup();
    const read = await get('/Appointment/19');
    const body: Appointment = {
      resourceType: 'Appointment', status: 'booked', start: '2026-03-03T09:00:00-05:00', end: '2026-03-03T09:15:00-05:00',
      participant: [{ actor: { reference: `Patient/${PATIENT}` }, status: 'accepted' }, { actor: { reference: 'Practitioner/102' }, status: 'accepted' }],
    };
    const found = await post('/Appointment', body, { 'content-type': 'application/fhir+json', 'if-none-exist': '_id=19' });
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.equal(practitionerOf(found.body as Appointment)?.display, 'Raj Patel', JSON.stringify(found.body));
    assert.deepEqual(found.body, read.body);
    assert.equal(found.headers.etag, read.headers.etag);
  });

  it("$everything holds the patient's bookings as their reads", async () => {
    const { get } = setup();
    const res = await get(`/Patient/${PATIENT}/$everything`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const bookings = ((res.body as Bundle).entry ?? []).map((e) => e.resource!).filter((r): r is Appointment => r.resourceType === 'Appointment');
    assert.equal(bookings.length, 12);
    for (const a of bookings) {
      const read = await get(`/Appointment/${a.id}`);
      assert.deepEqual(a, read.body, `Appointment/${a.id}`);
    }
    assert.equal(practitionerOf(bookings.find((a) => a.id === '19')!)?.display, 'Raj Patel');
  });
});
