// Client text wrapped in <![CDATA[ … ]]> travels to OSCAR as text, never as SOAP structure: a
// patient/ token cannot book, retarget or overwrite another patient's appointment, and a search
// term cannot add elements to searchDemographicsByAttributes. The simulator's request hook shows
// the exact bytes OSCAR received; its store shows what OSCAR did with them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Appointment } from 'fhir/r4.js';
import { startSecureStack, type SecureStack } from '../auth/fixture.js';

const PATIENT = 1001;
const OTHER = 1002;
const PROVIDER = '999998';
const inject = (xml: string): string => `<![CDATA[]]></notes>${xml}<notes><![CDATA[]]>`;

let s: SecureStack;
let patientToken: string;
const soapBodies: { path: string; body: string }[] = [];

before(async () => {
  s = await startSecureStack({
    env: { CACHE_MAX_BYTES: '0' },
    sim: { onRequest: (r) => { if (r.path.startsWith('/oscar/ws/') && !r.path.startsWith('/oscar/ws/services')) soapBodies.push({ path: r.path, body: r.body.toString('utf8') }); } },
  });
  patientToken = await s.issuer.token({ scope: 'patient/Appointment.cruds patient/Patient.rs', patient: String(PATIENT) });
});
after(async () => { await s.close(); });

const json = (body: unknown, method = 'POST', headers: Record<string, string> = {}): RequestInit =>
  ({ method, headers: { 'content-type': 'application/fhir+json', ...headers }, body: JSON.stringify(body) });

/** The one envelope sent for `operation` since `from`. */
function envelopeOf(operation: string, from: number): string {
  const found = soapBodies.slice(from).filter((b) => b.body.includes(`:${operation}>`));
  assert.equal(found.length, 1, `one ${operation} call reached OSCAR`);
  return found[0]!.body;
}

/** Every element of the operation wrapper's transfer object, as OSCAR's JAXB would see them. */
function elementNames(envelope: string): string[] {
  const arg0 = /<arg0>([\s\S]*)<\/arg0>/.exec(envelope)?.[1] ?? '';
  return [...arg0.matchAll(/<([A-Za-z]\w*)>/g)].map((m) => m[1]!);
}

function booking(comment: string, patient = PATIENT): Appointment {
  return {
    resourceType: 'Appointment', status: 'booked', start: '2031-06-02T09:00:00-04:00', end: '2031-06-02T09:15:00-04:00', comment,
    participant: [{ actor: { reference: `Patient/${patient}` }, status: 'accepted' }, { actor: { reference: `Practitioner/${PROVIDER}` }, status: 'accepted' }],
  };
}

describe('CDATA-wrapped markup in appointment text', () => {
  it('a create books the token\'s own patient and stores the markup as the note', async () => {
    const comment = inject(`<demographicNo>${OTHER}</demographicNo>`);
    const from = soapBodies.length;
    const r = await s.as(patientToken, '/Appointment', json(booking(comment)));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.participant[0].actor.reference, `Patient/${PATIENT}`);
    const sent = envelopeOf('addAppointment', from);
    assert.deepEqual(elementNames(sent).filter((n) => n === 'demographicNo'), ['demographicNo'], 'one demographicNo element');
    assert.ok(sent.includes('<notes>&lt;![CDATA[]]&gt;&lt;/notes&gt;&lt;demographicNo&gt;1002&lt;/demographicNo&gt;&lt;notes&gt;&lt;![CDATA[]]&gt;</notes>'), sent);
    const row = s.sim.store.appointment(Number(r.body.id));
    assert.equal(row?.demographicNo, PATIENT, 'OSCAR booked the token\'s patient');
    assert.equal(row?.notes, comment, 'the markup is the note, as text');
  });

  it('an update of one\'s own appointment cannot retarget another appointment', async () => {
    const own = s.sim.store.data.appointments.find((a) => a.demographicNo === PATIENT)!;
    const victim = s.sim.store.data.appointments.find((a) => a.demographicNo === OTHER)!;
    const victimBefore = { ...victim };
    const current = await s.as(patientToken, `/Appointment/${own.appointmentNo}`);
    assert.equal(current.status, 200, current.text);
    const { meta: _meta, ...body } = current.body as Appointment;
    const comment = inject(`<id>${victim.appointmentNo}</id><demographicNo>${OTHER}</demographicNo>`);
    const from = soapBodies.length;
    const r = await s.as(patientToken, `/Appointment/${own.appointmentNo}`, json({ ...body, status: 'cancelled', comment }, 'PUT'));
    assert.equal(r.status, 200, r.text);
    const sent = envelopeOf('updateAppointment', from);
    assert.deepEqual(elementNames(sent).filter((n) => n === 'id' || n === 'demographicNo'), ['demographicNo', 'id']);
    assert.ok(!sent.includes(`<id>${victim.appointmentNo}</id>`), 'no injected id element');
    assert.deepEqual({ ...s.sim.store.appointment(victim.appointmentNo) }, victimBefore, 'the other patient\'s appointment is untouched');
    const ownAfter = s.sim.store.appointment(own.appointmentNo);
    assert.equal(ownAfter?.notes, comment);
    assert.equal(ownAfter?.demographicNo, PATIENT);
  });

  it('description and type travel as text too', async () => {
    const description = inject(`<providerNo>999999</providerNo>`).replace(/notes/g, 'reason');
    const from = soapBodies.length;
    const r = await s.as(patientToken, '/Appointment', json({ ...booking('plain'), start: '2031-06-02T10:00:00-04:00', end: '2031-06-02T10:15:00-04:00', description, appointmentType: { text: '<![CDATA[]]></type><status>C</status><type>' } }));
    assert.equal(r.status, 201, r.text);
    const names = elementNames(envelopeOf('addAppointment', from));
    assert.deepEqual(names.filter((n) => n === 'providerNo' || n === 'status'), ['providerNo', 'status']);
    const row = s.sim.store.appointment(Number(r.body.id));
    assert.equal(row?.providerNo, PROVIDER);
    assert.equal(row?.reason, description);
    assert.equal(row?.type, '<![CDATA[]]></type><status>C</status><type>');
  });
});

describe('CDATA-wrapped markup in patient search terms', () => {
  const TERM = '<![CDATA[x]]></lastName><bogus>1</bogus><lastName><![CDATA[]]>';

  it('reaches searchDemographicsByAttributes as one escaped argument and answers 200', async () => {
    const system = await s.backendToken('system/Patient.rs');
    const from = soapBodies.length;
    const r = await s.as(system, `/Patient?family=${encodeURIComponent(TERM)}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.total, 0);
    const sent = envelopeOf('searchDemographicsByAttributes', from);
    assert.ok(!sent.includes('<bogus>'), 'no injected element');
    assert.ok(sent.includes('&lt;![CDATA[x]]&gt;&lt;/lastName&gt;&lt;bogus&gt;1&lt;/bogus&gt;'), sent);
  });

  it('in a percent-encoded If-None-Exist it is searched escaped and creates no duplicate of a match', async () => {
    const system = await s.backendToken('system/Patient.cruds');
    const from = soapBodies.length;
    const r = await s.as(system, '/Patient', json({ resourceType: 'Patient', name: [{ family: 'Cdata', given: ['Test'] }], gender: 'female', birthDate: '1990-01-01' },
      'POST', { 'if-none-exist': `family=${encodeURIComponent(TERM)}` }));
    assert.equal(r.status, 201, r.text);
    const sent = envelopeOf('searchDemographicsByAttributes', from);
    assert.ok(!sent.includes('<bogus>'), 'no injected element');
    assert.ok(sent.includes('&lt;bogus&gt;'), sent);
  });
});
