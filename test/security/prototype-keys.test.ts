// The names Object.prototype answers for (`__proto__`, `constructor`, `toString`…) sent wherever
// a client or OSCAR supplies text: JSON member names at several depths, search parameter names
// and values, codes, systems, headers, and OSCAR's own columns. The answer is the normal one or a
// 4xx OperationOutcome (never a 500), nothing is written to OSCAR by a refused request, and
// Object.prototype is untouched afterwards (docs/smart-app-launch.md §7.8).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { AllergyIntolerance, DocumentReference } from 'fhir/r4.js';
import { hcTypeForSystem } from '../../src/resources/patient/mapper.js';
import { mimeTypeOf } from '../../src/resources/documentreference/content-types.js';
import { doseQuantityOf } from '../../src/resources/immunization/mapper.js';
import { appointmentStatusFor } from '../../src/resources/appointment/mapper.js';
import { buildAllergy } from '../../src/resources/allergyintolerance/mapper.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { parseMappingOverrides } from '../../src/resources/mapping-file.js';
import { SignJWT } from 'jose';
import { startStack, type Stack } from '../helpers/stack.js';
import { startSecureStack, type SecureStack } from '../auth/fixture.js';

const NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
const PROTOTYPE_MEMBERS = Object.getOwnPropertyNames(Object.prototype).sort();

function assertPrototypeUntouched(): void {
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), PROTOTYPE_MEMBERS);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
  assert.equal(typeof Object.prototype.toString, 'function');
}

describe('code tables looked up by OSCAR or client text find nothing for Object\'s members', () => {
  const cfg = defaultMappingConfig();

  it('an OSCAR appointment status named like a member is unknown: the fallback, booked (mapping §1.10)', () => {
    for (const n of NAMES) assert.equal(appointmentStatusFor(n, cfg), 'booked', n);
  });

  it('a dose unit named like a member stays text, with no UCUM code', () => {
    for (const n of NAMES) {
      const q = doseQuantityOf(`0.5 ${n}`);
      assert.equal(q?.value, 0.5, n);
      assert.equal(q?.unit, n);
      assert.equal(q?.code, undefined, n);
      assert.equal(q?.system, undefined, n);
    }
  });

  it('an allergy TYPECODE OSCAR\'s REST JSON gives as a member name has no category', () => {
    for (const n of NAMES) {
      const a = buildAllergy({ active: true, description: 'PENICILLIN', typeCode: n as unknown as number, severity: n, onsetOfReaction: n });
      assert.equal(a.category, undefined, n);
      assert.equal(a.criticality, undefined, n);
      assert.equal(a.reaction, undefined, n);
    }
  });

  it('a health-card system named like a member is no known system', () => {
    for (const n of NAMES) assert.equal(hcTypeForSystem(n), undefined, n);
  });

  it('a content type or file extension named like a member gives no MIME type', () => {
    for (const n of NAMES) {
      assert.equal(mimeTypeOf(n, undefined), undefined, n);
      assert.equal(mimeTypeOf('', `scan.${n}`), undefined, n);
    }
    assert.equal(mimeTypeOf('', 'scan.pdf'), 'application/pdf', 'a real extension still counts');
  });

  it('a mapping file\'s doctype named `__proto__` or `constructor` is a doctype like any other', () => {
    const problems: string[] = [];
    const loinc = { code: '11502-2', display: 'Laboratory report' };
    const text = `{"documentTypeLoinc":{"__proto__":${JSON.stringify(loinc)},"constructor":${JSON.stringify(loinc)}}}`;
    const table = defaultMappingConfig(parseMappingOverrides(text, problems)).documentTypeLoinc;
    assert.deepEqual(problems, []);
    assert.ok(Object.hasOwn(table, '__proto__'), 'kept as a key, not made the prototype');
    assert.deepEqual(table['__proto__'], loinc);
    assert.deepEqual(table.constructor, loinc);
    assert.equal(table.toString, undefined);
    assert.equal(table.code, undefined, 'nothing inherited from the entry');
    assertPrototypeUntouched();
  });
});

describe('the server with Object\'s member names in requests and in OSCAR\'s answers', () => {
  let stack: Stack;
  before(async () => { stack = await startStack({ sim: { patients: 6 }, env: { CACHE_MAX_BYTES: '0', CHANGE_POLL_SECONDS: '0' } }); });
  after(async () => { await stack.close(); });

  const JSON_TYPE = { 'content-type': 'application/fhir+json' };
  const outcome = (r: { status: number; body: { resourceType?: string }; text: string }, what: string): void => {
    assert.ok(r.status < 500, `${what}: ${r.status} ${r.text.slice(0, 200)}`);
    if (r.status >= 400) assert.equal(r.body?.resourceType, 'OperationOutcome', what);
  };
  const stored = (): string => JSON.stringify(stack.sim.store.data);

  it('_format named like a member: 406 in FHIR JSON, never that member as the Content-Type', async () => {
    for (const n of NAMES) {
      for (const path of [`/metadata?_format=${n}`, `/Patient/1001?_format=${n}`]) {
        const r = await stack.fhir(path);
        assert.equal(r.status, 406, `${path}: ${r.text.slice(0, 200)}`);
        assert.equal(r.body.resourceType, 'OperationOutcome');
        assert.match(r.headers.get('content-type') ?? '', /^application\/fhir\+json/, path);
      }
      const accepted = await stack.fhir('/metadata', { headers: { accept: n } });
      outcome(accepted, `Accept: ${n}`);
      assert.match(accepted.headers.get('content-type') ?? '', /^application\/fhir\+json/, `Accept: ${n}`);
    }
    assertPrototypeUntouched();
  });

  it('OSCAR columns named like a member: read as unknown codes, the resource served', async () => {
    const data = stack.sim.store.data;
    const appointment = data.appointments.find((a) => a.demographicNo > 0)!;
    const document = data.documents.find((d) => d.status !== 'D')!;
    const allergy = data.allergies.find((a) => !a.archived)!;
    for (const n of NAMES) {
      appointment.status = n;
      document.doctype = n;
      allergy.severityOfReaction = n;
      allergy.onsetOfReaction = n;
      const a = await stack.fhir(`/Appointment/${appointment.appointmentNo}`);
      assert.equal(a.status, 200, `${n}: ${a.text.slice(0, 200)}`);
      assert.equal(a.body.status, 'booked', n);
      const d = await stack.fhir(`/DocumentReference/${document.documentNo}`);
      assert.equal(d.status, 200, `${n}: ${d.text.slice(0, 200)}`);
      assert.deepEqual((d.body as DocumentReference).type, { text: n }, 'no LOINC coding without a code');
      const g = await stack.fhir(`/AllergyIntolerance/${allergy.allergyId}`);
      assert.equal(g.status, 200, `${n}: ${g.text.slice(0, 200)}`);
      const body = g.body as AllergyIntolerance;
      assert.equal(body.criticality, undefined, n);
      assert.equal(body.reaction?.[0]?.severity, undefined, n);
      assert.equal(body.reaction?.[0]?.description, undefined, n);
    }
    assertPrototypeUntouched();
  });

  it('an upload whose content type is named like a member is refused with nothing stored, or stored under a plain name', async () => {
    for (const n of ['constructor', '__proto__']) {
      const before = new Set(stack.sim.store.data.documents.map((d) => d.documentNo));
      const r = await stack.fhir('/DocumentReference', {
        method: 'POST', headers: JSON_TYPE, body: JSON.stringify({
          resourceType: 'DocumentReference', status: 'current', subject: { reference: 'Patient/1001' },
          content: [{ attachment: { contentType: n, data: Buffer.from('note').toString('base64') } }],
        }),
      });
      outcome(r, `contentType ${n}`);
      const added = stack.sim.store.data.documents.filter((d) => !before.has(d.documentNo));
      if (r.status === 201) assert.deepEqual(added.map((d) => d.docfilename), ['document.bin'], n);
      else assert.deepEqual(added, [], `${n}: refused, nothing stored`);
    }
    assertPrototypeUntouched();
  });

  it('JSON member names like a member at several depths: 4xx OperationOutcome, OSCAR unchanged', async () => {
    const at = (n: string, type: string): unknown[] => [
      { resourceType: type, [n]: { polluted: 1 } },
      { resourceType: type, meta: { [n]: { polluted: 1 } } },
      { resourceType: type, identifier: [{ system: 'urn:x', value: '1', [n]: { polluted: 1 } }] },
      { resourceType: type, extension: [{ url: 'urn:x', valueCodeableConcept: { coding: [{ code: 'x', [n]: { polluted: 1 } }] } }] },
      { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: { resourceType: type, [n]: { polluted: 1 } } }] },
    ];
    const before = stored();
    for (const type of ['Patient', 'Appointment', 'Immunization', 'AllergyIntolerance', 'DocumentReference']) {
      for (const n of NAMES) {
        for (const resource of at(n, type)) {
          // A computed `[n]` is an own member, `__proto__` included: JSON.stringify writes it, and
          // the server's JSON.parse makes it an own member again.
          const text = JSON.stringify(resource);
          for (const [method, path, headers] of [
            ['POST', `/${type}`, JSON_TYPE], ['PUT', `/${type}/1001`, JSON_TYPE], ['PUT', `/${type}?identifier=urn:x|1`, JSON_TYPE],
            ['POST', `/${type}`, { ...JSON_TYPE, 'if-none-exist': `${n}=1` }], ['POST', `/${type}/$validate`, JSON_TYPE],
          ] as const) {
            const r = await stack.fhir(path, { method, headers, body: text });
            outcome(r, `${method} ${path} ${text}`);
            if (path.endsWith('$validate')) continue;
            assert.ok(r.status >= 400, `${method} ${path} ${text}: ${r.status}`);
          }
        }
      }
    }
    assert.equal(stored(), before, 'no refused write reached OSCAR');
    assertPrototypeUntouched();
  });

  it('search parameter names, modifiers and values like a member: the normal answer or 4xx', async () => {
    for (const type of ['Patient', 'Appointment', 'Immunization', 'AllergyIntolerance', 'DocumentReference', 'Slot', 'Practitioner']) {
      for (const n of NAMES) {
        for (const q of [`${n}=x`, `${n}:exact=x`, `identifier=${n}|1`, `identifier=urn:x|${n}`, `patient=${n}`, `patient:${n}=1001`,
          `status=${n}`, `type=http://loinc.org|${n}`, `vaccine-code=${n}|x`, `_sort=${n}`, `_elements=${n}`, `_summary=${n}`,
          `_include=${type}:${n}`, `_count=${n}`]) {
          outcome(await stack.fhir(`/${type}?${q}`), `${type}?${q}`);
        }
        outcome(await stack.fhir(`/${type}/_search`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `${n}=x&_count=${n}` }), `${type} _search ${n}`);
        outcome(await stack.fhir(`/${type}/${n}`), `${type}/${n}`);
        outcome(await stack.fhir(`/${type}/$${n}`), `${type}/$${n}`);
        outcome(await stack.fhir(`/${type}/1001`, { headers: { prefer: `return=${n}`, 'if-none-match': `W/"${n}"` } }), `${type} headers ${n}`);
      }
    }
    assertPrototypeUntouched();
  });

  it('$export kick-off with parameters and types named like a member: 4xx, never 500', async () => {
    const async = { prefer: 'respond-async', accept: 'application/fhir+json' };
    for (const n of NAMES) {
      for (const q of [`_type=${n}`, `${n}=x`, `_typeFilter=${n}?x=1`, `_typeFilter=Patient?${n}=1`, `_elements=${n}`]) outcome(await stack.fhir(`/$export?${q}`, { headers: async }), `$export?${q}`);
      const body = `{"resourceType":"Parameters","${n}":{"polluted":1},"parameter":[{"name":"${n}","valueString":"x"},{"name":"_type","valueString":"${n}"}]}`;
      outcome(await stack.fhir('/$export', { method: 'POST', headers: { ...async, ...JSON_TYPE }, body }), `POST $export ${n}`);
      outcome(await stack.fhir(`/Group/${n}/$export`, { headers: async }), `Group/${n}/$export`);
    }
    assertPrototypeUntouched();
  });
});

describe('the authorization server with Object\'s member names in its requests', () => {
  let s: SecureStack;
  before(async () => { s = await startSecureStack(); });
  after(async () => { await s.close(); });

  const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
  const refusedOrServed = (status: number, body: unknown, what: string): void => {
    assert.ok(status < 500, `${what}: ${status} ${JSON.stringify(body)}`);
  };

  it('token requests with such form fields, scopes and client assertion claims: an answer, never a 500', async () => {
    for (const n of NAMES) {
      // Object.fromEntries makes `__proto__` an own member, so URLSearchParams sends it.
      const extra = Object.fromEntries([[n, 'x']]) as Record<string, string>;
      const plain = await s.tokenRequest({ ...extra, grant_type: 'client_credentials', scope: 'system/Patient.rs', client_assertion_type: ASSERTION_TYPE, client_assertion: await s.assertion(s.clients.es) });
      refusedOrServed(plain.status, plain.body, `form field ${n}`);
      const scoped = await s.tokenRequest({ grant_type: 'client_credentials', scope: `system/${n}.rs ${n}`, client_assertion_type: ASSERTION_TYPE, client_assertion: await s.assertion(s.clients.es) });
      refusedOrServed(scoped.status, scoped.body, `scope ${n}`);
      if (scoped.status === 200) assert.ok(!String(scoped.body.scope).split(' ').some((w) => w.includes(n)), `${n} never granted`);
      const k = s.clients.es.key;
      const now = Math.floor(Date.now() / 1000);
      const claims = JSON.parse(`{"${n}":{"polluted":1},"scope":{"${n}":1}}`) as Record<string, unknown>;
      const odd = await new SignJWT(claims).setProtectedHeader({ alg: k.alg, kid: k.kid, typ: 'JWT' })
        .setIssuer(s.clients.es.clientId).setSubject(s.clients.es.clientId).setAudience(s.tokenUrl)
        .setExpirationTime(now + 120).setIssuedAt(now).setJti(randomUUID()).sign(k.privateKey);
      const asserted = await s.tokenRequest({ grant_type: 'client_credentials', scope: 'system/Patient.rs', client_assertion_type: ASSERTION_TYPE, client_assertion: odd });
      refusedOrServed(asserted.status, asserted.body, `assertion claim ${n}`);
      const stranger = await s.tokenRequest({ grant_type: 'client_credentials', scope: 'system/Patient.rs', client_assertion_type: ASSERTION_TYPE, client_assertion: await s.assertion({ ...s.clients.es, clientId: n }) });
      assert.equal(stranger.status, 401, `client_id ${n}: ${JSON.stringify(stranger.body)}`);
      const authorize = await fetch(`${s.base}/auth/authorize?client_id=${n}&response_type=code&${n}=x&scope=${n}`, { redirect: 'manual' });
      assert.ok(authorize.status < 500, `authorize ${n}: ${authorize.status}`);
      assert.equal((await s.as(n, '/Patient/1001')).status, 401, `bearer ${n}`);
    }
    assertPrototypeUntouched();
  });
});
