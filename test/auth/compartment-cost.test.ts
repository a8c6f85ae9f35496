// What a patient/ token can learn about other patients' records, and what it costs OSCAR, over
// real HTTP (simulator + facade, upstream cache off so every OSCAR call is counted). A foreign
// record must answer exactly like an unknown id: same status, same body, same OSCAR calls.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSecureStack, type SecureStack } from './fixture.js';

let s: SecureStack;
let jane: string;
let admin: string;

before(async () => {
  s = await startSecureStack({ env: { CACHE_MAX_BYTES: '0' } });
  jane = await s.issuer.token({ scope: 'patient/*.rs', patient: '1001' });
  admin = await s.backendToken('system/*.rs', s.clients.es);
});
after(async () => { await s.close(); });

/** The OSCAR operations one request made (client set-up calls left out), and its answer. */
async function costOf(path: string, token = jane): Promise<{ status: number; text: string; ops: Record<string, number> }> {
  s.sim.stats.reset();
  const r = await s.as(token, path, { headers: { accept: 'application/fhir+json' } });
  const ops = Object.fromEntries(Object.entries(s.sim.stats.snapshot().byOperation).filter(([op]) => !/wsdl|login2|getProviders/i.test(op)));
  return { status: r.status, text: r.text, ops };
}

const UNKNOWN = '987654';

/** A read of `id` answers like a read of an unknown id: status, body (but the id) and OSCAR calls. */
async function assertLooksUnknown(type: string, id: string): Promise<void> {
  const foreign = await costOf(`/${type}/${id}`);
  const unknown = await costOf(`/${type}/${UNKNOWN}`);
  assert.equal(foreign.status, 404, `${type}/${id}: ${foreign.text.slice(0, 200)}`);
  assert.equal(foreign.text.replace(id, 'X'), unknown.text.replace(UNKNOWN, 'X'), `${type}/${id}`);
  assert.deepEqual(foreign.ops, unknown.ops, `${type}/${id} costs OSCAR what an unknown id costs`);
}

describe('existence oracle: another patient\'s record looks like an unknown id', () => {
  it('AllergyIntolerance, Immunization, Appointment and DocumentReference: same answer, same OSCAR calls', async () => {
    const first = async (path: string): Promise<string> => (await s.as(admin, path)).body.entry[0].resource.id;
    await assertLooksUnknown('AllergyIntolerance', await first('/AllergyIntolerance?patient=1025'));
    await assertLooksUnknown('Immunization', await first('/Immunization?patient=1002'));
    await assertLooksUnknown('Appointment', await first('/Appointment?patient=1002'));
    const doc = s.sim.store.data.ctlDocuments.find((c) => c.module === 'demographic' && c.moduleId !== 1001 && s.sim.store.data.documents.find((d) => d.documentNo === c.documentNo)?.file);
    await assertLooksUnknown('DocumentReference', String(doc!.documentNo));
    // The own record still reads, and fetches what it needs.
    const own = await costOf(`/AllergyIntolerance/${await first('/AllergyIntolerance?patient=1001')}`);
    assert.equal(own.status, 200);
  });

  it('a document of another patient whose file is missing is a 404, not a 502 (DocumentReference and Binary)', async () => {
    const d = s.sim.store.data;
    const missing = d.documents.find((x) => x.file === null && d.ctlDocuments.some((c) => c.documentNo === x.documentNo && c.module === 'demographic' && c.moduleId !== 1001));
    assert.ok(missing, 'the simulated clinic has a document whose file is missing');
    const id = String(missing.documentNo);
    assert.equal((await s.as(admin, `/DocumentReference/${id}`)).status, 502, 'staff are told OSCAR cannot read it');
    await assertLooksUnknown('DocumentReference', id);
    await assertLooksUnknown('Binary', id);
  });

  it('a deleted appointment of another patient is a 404, not a 410', async () => {
    const rows = s.sim.store.data.appointments;
    const template = rows.find((a) => a.demographicNo === 1002)!;
    const appointmentNo = Math.max(...rows.map((a) => a.appointmentNo)) + 1;
    s.sim.store.insertAppointment({ ...template, appointmentNo, status: 'D' });
    assert.equal((await s.as(admin, `/Appointment/${appointmentNo}`)).status, 410, 'staff are told it was deleted');
    await assertLooksUnknown('Appointment', String(appointmentNo));
  });

  it('a staff booking (no patient) is hidden from patient/ tokens', async () => {
    const lunch = s.sim.store.data.appointments.find((a) => a.demographicNo === 0);
    assert.ok(lunch, 'the simulated clinic has bookings without a patient');
    await assertLooksUnknown('Appointment', String(lunch.appointmentNo));
  });
});

describe('upstream fan-out: a patient/ search costs OSCAR its own patient\'s rows only', () => {
  const ids = (from: number, n: number): string => Array.from({ length: n }, (_, i) => from + i).join(',');
  const entries = (text: string): string[] => ((JSON.parse(text) as { entry?: { resource: { resourceType: string; id: string } }[] }).entry ?? []).map((e) => `${e.resource.resourceType}/${e.resource.id}`);
  const byIdOps = /getAppointment2$|getAllergy$|getPrevention$|getDocument$/;

  it('an _id list is matched against the patient\'s own rows, with no call per id', async () => {
    const own = (await s.as(jane, '/Appointment')).body.entry[0].resource.id as string;
    const foreign = (await s.as(admin, '/Appointment?patient=1002')).body.entry[0].resource.id as string;
    const r = await costOf(`/Appointment?_id=${own},${foreign},${ids(7000, 98)}`);
    assert.equal(r.status, 200);
    assert.deepEqual(entries(r.text), [`Appointment/${own}`]);
    assert.deepEqual(Object.keys(r.ops).filter((op) => byIdOps.test(op)), [], JSON.stringify(r.ops));
    assert.ok(Object.values(r.ops).reduce((a, b) => a + b, 0) <= 2, `a page or two of the patient's appointments: ${JSON.stringify(r.ops)}`);

    for (const [type, n] of [['AllergyIntolerance', 50], ['Immunization', 50]] as const) {
      const t = await costOf(`/${type}?_id=${ids(1, n)}`);
      assert.equal(t.status, 200, t.text.slice(0, 200));
      assert.deepEqual(Object.keys(t.ops).filter((op) => byIdOps.test(op)), [], `${type}: ${JSON.stringify(t.ops)}`);
    }
  });

  it('DocumentReference never fetches another patient\'s file', async () => {
    const d = s.sim.store.data;
    const others = d.ctlDocuments.filter((c) => c.module === 'demographic' && c.moduleId !== 1001).slice(0, 50).map((c) => c.documentNo);
    const r = await costOf(`/DocumentReference?_id=${others.join(',')}`);
    assert.equal(r.status, 200);
    assert.deepEqual(entries(r.text), []);
    assert.equal(r.ops['DocumentService.getDocument'] ?? 0, 0, JSON.stringify(r.ops));
    assert.equal(r.ops['DocumentService.getDocumentsUpdateAfterDate'] ?? 0, 0);
    // Staff searching the same ids read each document.
    assert.equal((await costOf(`/DocumentReference?_id=${others.slice(0, 3).join(',')}`, admin)).ops['DocumentService.getDocument'], 3);
  });
});
