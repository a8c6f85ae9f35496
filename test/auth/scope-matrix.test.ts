// The scope matrix over real HTTP (simulator + facade): every interaction × every kind of token
// (patient/user/system, v1/v2, read-only/write, type-limited), compartment escapes by a patient/
// token, and tampered tokens. A refused request must not reach OSCAR: the simulator counts calls.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { keyPair, startSecureStack, unsignedToken, type SecureStack } from './fixture.js';

const JSON_BODY = { 'content-type': 'application/fhir+json' };

interface Interaction {
  code: string;
  what: string;
  run(s: SecureStack, token: string): ReturnType<SecureStack['as']>;
}

// One simulator + facade for the whole file (each costs a second to start).
let s: SecureStack;
before(async () => { s = await startSecureStack(); });
after(async () => { await s.close(); });

describe('scope matrix', () => {
  let admin: string;
  let jane: Record<string, unknown>;
  let vid: string;
  let imm: string;
  let doc: string;
  let created = 0;

  before(async () => {
    admin = await s.backendToken('system/*.cruds');
    jane = (await s.as(admin, '/Patient/1001')).body;
    vid = (jane.meta as { versionId: string }).versionId;
    imm = (await s.as(admin, '/Immunization?patient=1001')).body.entry[0].resource.id;
    doc = String(s.sim.store.data.ctlDocuments.find((c) => c.module === 'demographic' && c.moduleId === 1001)!.documentNo);
  });

  const interactions: Interaction[] = [
    { code: 'R', what: 'read Patient', run: (st, t) => st.as(t, '/Patient/1001') },
    { code: 'V', what: 'vread Patient', run: (st, t) => st.as(t, `/Patient/1001/_history/${vid}`) },
    { code: 'I', what: 'read Immunization', run: (st, t) => st.as(t, `/Immunization/${imm}`) },
    { code: 'S', what: 'search Immunization', run: (st, t) => st.as(t, '/Immunization?patient=1001') },
    { code: 'P', what: 'POST Patient/_search', run: (st, t) => st.as(t, '/Patient/_search', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '_id=1001' }) },
    { code: 'N', what: 'search AllergyIntolerance + _include Patient', run: (st, t) => st.as(t, '/AllergyIntolerance?patient=1001&_include=AllergyIntolerance:patient') },
    { code: 'E', what: 'Patient/$everything', run: (st, t) => st.as(t, '/Patient/1001/$everything') },
    { code: 'B', what: 'read Binary', run: (st, t) => st.as(t, `/Binary/${doc}`) },
    {
      code: 'C', what: 'create Patient', run: (st, t) => {
        const { id: _id, identifier: _identifier, meta: _meta, ...rest } = jane;
        return st.as(t, '/Patient', { method: 'POST', headers: JSON_BODY, body: JSON.stringify({ ...rest, name: [{ family: `MATRIX${++created}`, given: ['TEST'] }] }) });
      },
    },
    { code: 'U', what: 'update Patient', run: (st, t) => st.as(t, '/Patient/1001', { method: 'PUT', headers: JSON_BODY, body: JSON.stringify(jane) }) },
  ];

  // Token kinds × interactions R V I S P N E B C U: Y = allowed, - = 403 insufficient_scope,
  // x = 403 because a patient/ token can never create another patient (more scope would not help).
  const matrix: [string, string, () => Promise<string>][] = [
    ['patient v2 read', 'Y Y Y Y Y Y Y Y - -', () => s.issuer.token({ scope: 'launch/patient openid patient/*.rs', patient: '1001' })],
    ['patient v1 read', 'Y Y Y Y Y Y Y Y - -', () => s.issuer.token({ scope: 'patient/*.read', patient: '1001' })],
    ['patient v2 write', 'Y Y Y Y Y Y Y Y x Y', () => s.issuer.token({ scope: 'patient/*.cruds', patient: '1001' })],
    ['patient v1 write only', '- - - - - - - - x Y', () => s.issuer.token({ scope: 'patient/*.write', patient: '1001' })],
    ['patient one type, read only', 'Y Y - - - - - - - -', () => s.issuer.token({ scope: 'patient/Patient.r', patient: '1001' })],
    ['user v2 read', 'Y Y Y Y Y Y Y Y - -', () => s.issuer.token({ scope: 'openid fhirUser user/*.rs', fhirUser: 'Practitioner/999998' })],
    ['user v1 all', 'Y Y Y Y Y Y Y Y Y Y', () => s.issuer.token({ scope: 'user/*.*' })],
    ['user one type', '- - Y Y - - - - - -', () => s.issuer.token({ scope: 'user/Immunization.rs' })],
    ['user mixed', 'Y Y - - Y Y - - - -', () => s.issuer.token({ scope: 'user/Patient.rs user/AllergyIntolerance.s' })],
    ['system v2 read', 'Y Y Y Y Y Y Y Y - -', () => s.backendToken('system/*.rs', s.clients.es)],
    ['system v1 read', 'Y Y Y Y Y Y Y Y - -', () => s.backendToken('system/*.read', s.clients.es)],
    ['system v2 write', 'Y Y Y Y Y Y Y Y Y Y', () => s.backendToken('system/*.cruds', s.clients.rs)],
    ['system v1 write only', '- - - - - - - - Y Y', () => s.backendToken('system/Patient.write', s.clients.rs)],
  ];

  for (const [kind, row, mint] of matrix) {
    it(`${kind}: ${row}`, async () => {
      const token = await mint();
      const expected = row.split(' ');
      assert.equal(expected.length, interactions.length);
      for (const [i, inter] of interactions.entries()) {
        const before = s.sim.stats.snapshot().total;
        const r = await inter.run(s, token);
        if (expected[i] === 'Y') {
          assert.ok(r.status >= 200 && r.status < 300, `${kind} / ${inter.what}: expected success, got ${r.status} ${r.text.slice(0, 300)}`);
        } else {
          assert.equal(r.status, 403, `${kind} / ${inter.what}: expected 403, got ${r.status} ${r.text.slice(0, 300)}`);
          if (expected[i] === '-') assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer .*error="insufficient_scope"/);
          assert.equal(s.sim.stats.snapshot().total, before, `${kind} / ${inter.what}: a refused request reached OSCAR`);
        }
      }
    });
  }
});

describe('compartment escapes by a patient/ token', () => {
  let token: string;
  let admin: string;
  const otherAllergy = { id: '', patient: '' };
  let otherAppointment = '';
  let otherDoc = '';
  let otherFamily = '';

  before(async () => {
    token = await s.issuer.token({ scope: 'patient/*.cruds', patient: '1001' });
    admin = await s.backendToken('system/*.rs', s.clients.es);
    const d = s.sim.store.data;
    const allergy = (await s.as(admin, '/AllergyIntolerance?patient=1025')).body.entry[0].resource;
    otherAllergy.id = allergy.id;
    otherAllergy.patient = allergy.patient.reference;
    otherAppointment = (await s.as(admin, '/Appointment?patient=1002')).body.entry[0].resource.id;
    otherDoc = String(d.ctlDocuments.find((c) => c.module === 'demographic' && c.moduleId !== 1001)!.documentNo);
    otherFamily = d.demographics.find((p) => p.demographicNo === 1002)!.lastName;
  });

  async function upstreamCalls<T>(fn: () => Promise<T>): Promise<[T, number]> {
    const before = s.sim.stats.snapshot().total;
    const r = await fn();
    return [r, s.sim.stats.snapshot().total - before];
  }

  it('reads of another patient are 404 exactly like unknown ids; Patient ones never reach OSCAR', async () => {
    const [other, calls] = await upstreamCalls(() => s.as(token, '/Patient/1002'));
    assert.equal(other.status, 404);
    assert.equal(calls, 0);
    const missing = await s.as(token, '/Patient/999999');
    assert.equal(other.text.replace('1002', 'X'), missing.text.replace('999999', 'X'));
    const [everything, calls2] = await upstreamCalls(() => s.as(token, '/Patient/1002/$everything'));
    assert.deepEqual([everything.status, calls2], [404, 0]);
    const [update, calls3] = await upstreamCalls(() => s.as(token, '/Patient/1002', { method: 'PUT', headers: JSON_BODY, body: JSON.stringify({ resourceType: 'Patient', id: '1002', name: [{ family: 'X' }], gender: 'male' }) }));
    assert.deepEqual([update.status, calls3], [404, 0]);

    const allergy = await s.as(token, `/AllergyIntolerance/${otherAllergy.id}`);
    const unknownAllergy = await s.as(token, '/AllergyIntolerance/987654');
    assert.equal(allergy.status, 404);
    assert.equal(allergy.text.replace(otherAllergy.id, 'X'), unknownAllergy.text.replace('987654', 'X'));
    assert.doesNotMatch(allergy.text, new RegExp(otherAllergy.patient));
    const appt = await s.as(token, `/Appointment/${otherAppointment}`);
    assert.equal(appt.status, 404);
  });

  it('refuses the Binary of another patient\'s document without sending any bytes', async () => {
    s.sim.stats.reset();
    const r = await s.as(token, `/Binary/${otherDoc}`, { headers: { accept: '*/*' } });
    assert.equal(r.status, 404);
    assert.match(r.headers.get('content-type') ?? '', /fhir\+json/);
    assert.doesNotMatch(r.text, /%PDF|PNG/);
    const unknown = await s.as(token, '/Binary/987654', { headers: { accept: '*/*' } });
    assert.equal(r.text.replace(otherDoc, 'X'), unknown.text.replace('987654', 'X'));
    // The document's owner can only be learnt from OSCAR: one document lookup, nothing else
    // (WSDL, login and provider-list fetches are the client's own set-up).
    const data = Object.entries(s.sim.stats.snapshot().byOperation).filter(([op]) => !/wsdl|login2|getProviders/i.test(op));
    assert.deepEqual(data.filter(([op]) => op !== 'DocumentService.getDocument'), []);
    const mine = String(s.sim.store.data.ctlDocuments.find((c) => c.module === 'demographic' && c.moduleId === 1001)!.documentNo);
    assert.equal((await s.as(token, `/Binary/${mine}`, { headers: { accept: '*/*' } })).status, 200);
  });

  it('narrows searches without (or with another) patient to the token\'s patient', async () => {
    for (const path of ['/Immunization', '/AllergyIntolerance', '/Appointment', '/DocumentReference', `/Patient?family=${otherFamily}`, '/Patient']) {
      const r = await s.as(token, path);
      assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 200)}`);
      for (const e of r.body.entry ?? []) {
        const text = JSON.stringify(e.resource);
        assert.ok(e.resource.id === '1001' || text.includes('"Patient/1001"'), `${path} returned ${e.resource.resourceType}/${e.resource.id}`);
        assert.doesNotMatch(text, /"Patient\/(?!1001")\d+"/);
      }
    }
    const foreign = await s.as(token, '/AllergyIntolerance?patient=1025');
    assert.equal(foreign.status, 200);
    assert.deepEqual(foreign.body.entry ?? [], [], 'patient 1025 has allergies, but not for this token');
    const byId = await s.as(token, `/AllergyIntolerance?_id=${otherAllergy.id}`);
    assert.equal((byId.body.entry ?? []).length, 0);
  });

  it('_include cannot reach another patient', async () => {
    const viaInclude = await s.as(token, `/Appointment?_id=${otherAppointment}&_include=Appointment:patient`);
    assert.equal(viaInclude.status, 200);
    assert.deepEqual(viaInclude.body.entry ?? [], []);
    const allergyInclude = await s.as(token, `/AllergyIntolerance?_id=${otherAllergy.id}&_include=AllergyIntolerance:patient`);
    assert.deepEqual(allergyInclude.body.entry ?? [], []);
    const own = await s.as(token, '/AllergyIntolerance?_include=AllergyIntolerance:patient');
    const types = (own.body.entry ?? []).map((e: { resource: { resourceType: string; id: string } }) => `${e.resource.resourceType}/${e.resource.id}`);
    assert.ok(types.includes('Patient/1001'));
    assert.ok(types.every((t: string) => !t.startsWith('Patient/') || t === 'Patient/1001'));
  });

  it('cannot create resources for another patient', async () => {
    const [r, calls] = await upstreamCalls(() => s.as(token, '/DocumentReference', {
      method: 'POST', headers: JSON_BODY,
      body: JSON.stringify({ resourceType: 'DocumentReference', status: 'current', subject: { reference: 'Patient/1002' }, content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('x').toString('base64'), title: 'x.txt' } }] }),
    }));
    assert.equal(r.status, 403, r.text.slice(0, 300));
    assert.equal(calls, 0);
  });
});

describe('tampered and invalid tokens', () => {

  function flipPayload(token: string, change: (p: Record<string, unknown>) => void): string {
    const [h, p, sig] = token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    change(payload);
    return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
  }

  it('answers 401 WWW-Authenticate: Bearer, and nothing reaches OSCAR', async () => {
    const now = Math.floor(Date.now() / 1000);
    const stranger = await keyPair('RS256');
    const sameKid = { ...stranger, kid: s.issuer.key.kid };
    const good = await s.issuer.token({ scope: 'patient/*.rs', patient: '1001' });
    const system = await s.backendToken('system/Patient.rs', s.clients.es);
    const hmacWithPublicKey = await new SignJWT({ scope: 'user/*.rs' }).setProtectedHeader({ alg: 'HS256', kid: s.issuer.key.kid })
      .setIssuer(s.issuer.issuer).setAudience(s.base).setExpirationTime('5m').sign(new TextEncoder().encode(JSON.stringify(s.issuer.key.publicJwk)));
    const cases: [string, Record<string, string>, RegExp][] = [
      ['no Authorization header', {}, /^Bearer realm="oscar-fhir"$/],
      ['Basic credentials', { authorization: 'Basic b3NjYXI6bWFjMjAwMg==' }, /invalid_token/],
      ['not a JWT', { authorization: 'Bearer not.a.jwt' }, /invalid_token/],
      ['signed with a stranger key', { authorization: `Bearer ${await s.issuer.token({ scope: 'user/*.rs' }, { key: stranger })}` }, /invalid_token/],
      ['stranger key under the issuer kid', { authorization: `Bearer ${await s.issuer.token({ scope: 'user/*.rs' }, { key: sameKid })}` }, /invalid_token/],
      ['expired', { authorization: `Bearer ${await s.issuer.token({ scope: 'user/*.rs' }, { expiresIn: -120 })}` }, /expired/],
      ['wrong audience', { authorization: `Bearer ${await s.issuer.token({ scope: 'user/*.rs' }, { audience: 'https://other.example.org/fhir' })}` }, /audience/],
      ['wrong issuer', { authorization: `Bearer ${await s.issuer.token({ scope: 'user/*.rs' }, { issuer: 'https://evil.example.org' })}` }, /issuer/],
      ['alg none', { authorization: `Bearer ${unsignedToken({ iss: s.issuer.issuer, aud: s.base, exp: now + 300, scope: 'user/*.rs' })}` }, /alg/],
      ['HS256 with the public key as secret', { authorization: `Bearer ${hmacWithPublicKey}` }, /invalid_token/],
      ['patient claim changed after signing', { authorization: `Bearer ${flipPayload(good, (p) => { p.patient = '1002'; })}` }, /signature/],
      ['this server\'s opaque token with one character changed', { authorization: `Bearer ${system.slice(0, -1)}${system.endsWith('A') ? 'B' : 'A'}` }, /unknown, expired or revoked/],
      ['patient/ scopes without a patient claim', { authorization: `Bearer ${await s.issuer.token({ scope: 'patient/*.rs' })}` }, /patient/],
    ];
    for (const [what, headers, header] of cases) {
      const before = s.sim.stats.snapshot().total;
      const r = await s.fhir('/Patient/1001', { headers });
      assert.equal(r.status, 401, `${what}: ${r.status} ${r.text.slice(0, 200)}`);
      assert.match(r.headers.get('www-authenticate') ?? '', header, what);
      assert.equal(r.body.resourceType, 'OperationOutcome', what);
      assert.equal(s.sim.stats.snapshot().total, before, `${what}: reached OSCAR`);
    }
    assert.equal((await s.fhir('/Patient/1001', { headers: { authorization: `Bearer ${good}` } })).status, 200, 'the untampered token works');
  });

  it('a replayed client assertion gets no token, so no request of its can reach OSCAR', async () => {
    const before = s.sim.stats.snapshot().total;
    const assertion = await s.assertion(s.clients.es);
    const form = { grant_type: 'client_credentials', scope: 'system/Patient.rs', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion };
    assert.equal((await s.tokenRequest(form)).status, 200);
    const replay = await s.tokenRequest(form);
    assert.deepEqual([replay.status, replay.body.error, replay.body.access_token], [401, 'invalid_client', undefined]);
    assert.equal(s.sim.stats.snapshot().total, before);
  });
});
