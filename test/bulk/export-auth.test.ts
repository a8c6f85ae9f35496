// The export under SMART Backend Services (bulk-data §a B, C, E): tokens on every request, jobs
// bound to the client that started them, scopes limiting the types, Binary URLs readable with the
// same token, and the 429s that keep one client from piling up jobs or hammering the status URL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSecureStack, type SecureStack } from '../auth/fixture.js';
import { KICK_OFF_HEADERS, linesOf, manifestOf, resourcesOf, waitFor } from './export-helpers.js';

describe('export with SMART Backend Services', () => {
  let stack: SecureStack;
  let reporter: string;
  let other: string;
  before(async () => {
    stack = await startSecureStack({ sim: { patients: 20, seed: 3 }, env: { BULK_MIN_POLL_MS: '300' } });
    reporter = await stack.backendToken('system/*.rs', stack.clients.es);
    other = await stack.backendToken('system/*.rs', stack.clients.rs);
  });
  after(async () => { await stack.close(); });

  const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
  async function start(token: string, path: string): Promise<Response> {
    return fetch(`${stack.base}${path}`, { headers: { ...KICK_OFF_HEADERS, ...auth(token) } });
  }

  it('needs a token for the kick-off, the status and the files', async () => {
    assert.equal((await fetch(`${stack.base}/Patient/$export`, { headers: KICK_OFF_HEADERS })).status, 401);
    const res = await start(reporter, '/Patient/$export?_type=Patient');
    assert.equal(res.status, 202);
    const status = res.headers.get('content-location')!;
    assert.equal((await fetch(status)).status, 401);
    const m = await manifestOf(status, auth(reporter));
    assert.equal((await fetch(m.output[0]!.url)).status, 401);
    assert.equal((await fetch(m.output[0]!.url, { headers: auth(reporter) })).status, 200);
  });

  it('another client\'s token finds no such job: status, files and DELETE are 404', async () => {
    const status = (await start(reporter, '/Patient/$export?_type=Patient')).headers.get('content-location')!;
    const m = await manifestOf(status, auth(reporter));
    assert.equal((await fetch(status, { headers: auth(other) })).status, 404);
    assert.equal((await fetch(m.output[0]!.url, { headers: auth(other) })).status, 404);
    assert.equal((await fetch(status, { method: 'DELETE', headers: auth(other) })).status, 404);
    assert.equal((await fetch(status, { headers: auth(reporter) })).status, 200, 'the owner still has it');
  });

  it('two clients with the same parameters get different jobs', async () => {
    const a = (await start(reporter, '/Patient/$export?_type=Patient')).headers.get('content-location');
    const b = (await start(other, '/Patient/$export?_type=Patient')).headers.get('content-location');
    assert.ok(a && b && a !== b);
    await waitFor(a, auth(reporter));
    await waitFor(b, auth(other));
  });

  it('scopes limit the types: a named type outside them is 403, without _type only the allowed ones are exported', async () => {
    const narrow = await stack.backendToken('system/Immunization.rs system/Patient.r', stack.clients.narrow);
    const refused = await start(narrow, '/Patient/$export?_type=AllergyIntolerance');
    assert.equal(refused.status, 403);
    assert.equal((await refused.json() as { resourceType: string }).resourceType, 'OperationOutcome');
    const m = await manifestOf((await start(narrow, '/Patient/$export')).headers.get('content-location')!, auth(narrow));
    assert.deepEqual([...new Set(m.output.map((o) => o.type))].sort(), ['Immunization', 'Patient']);
  });

  it('a second kick-off while the client\'s export runs is 429 with an integer Retry-After', async () => {
    const first = await start(reporter, '/Patient/$export?_type=Patient,Immunization,AllergyIntolerance,Appointment');
    const second = await start(reporter, '/Patient/$export?_type=Patient');
    const status = first.headers.get('content-location')!;
    assert.equal(second.status, 429);
    assert.match(second.headers.get('retry-after') ?? '', /^\d+$/);
    await waitFor(status, auth(reporter));
  });

  it('polling faster than allowed is 429 with an integer Retry-After; an in-progress job is 202 with X-Progress', async () => {
    const status = (await start(reporter, '/Patient/$export?_type=Patient,Immunization,AllergyIntolerance,Appointment,DocumentReference')).headers.get('content-location')!;
    const one = await fetch(status, { headers: auth(reporter) });
    const two = await fetch(status, { headers: auth(reporter) });
    if (one.status === 202) {
      assert.match(one.headers.get('retry-after') ?? '', /^\d+$/);
      assert.ok((one.headers.get('x-progress') ?? '').length > 0 && (one.headers.get('x-progress') ?? '').length < 100);
      assert.equal(two.status, 429);
      assert.match(two.headers.get('retry-after') ?? '', /^\d+$/);
    }
    assert.equal((await waitFor(status, auth(reporter))).status, 200);
  });

  it('a DocumentReference attachment URL is readable with the export\'s token', async () => {
    const m = await manifestOf((await start(reporter, '/Patient/$export?_type=DocumentReference')).headers.get('content-location')!, auth(reporter));
    const doc = (await resourcesOf(m, 'DocumentReference', auth(reporter))).find((d) => d.content[0].attachment.url);
    const url = doc.content[0].attachment.url as string;
    assert.equal((await fetch(url, { headers: { accept: '*/*', ...auth(reporter) } })).status, 200);
    assert.equal((await fetch(url, { headers: { accept: '*/*' } })).status, 401);
  });

  it('error files and manifests are JSON; the manifest says requiresAccessToken', async () => {
    const s = await fetch(`${stack.base}/Patient/$export?_type=Patient,Nope`, { headers: { ...auth(reporter), accept: 'application/fhir+json', prefer: 'respond-async, handling=lenient' } });
    const res = await waitFor(s.headers.get('content-location')!, auth(reporter));
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const m = await res.json() as { requiresAccessToken: boolean; error: { url: string }[] };
    assert.equal(m.requiresAccessToken, true);
    const [oo] = await linesOf(m.error[0]!.url, auth(reporter));
    assert.equal(oo.resourceType, 'OperationOutcome');
  });
});
