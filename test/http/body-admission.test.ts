// Bodies are read only when the interaction can take one and the caller may attempt it, bounded
// per interaction and checked for nesting before they are parsed. The server runs in its own
// process, so its memory and its event loop are measured apart from the test's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startIssuer, type Issuer } from '../auth/fixture.js';
import { sendBody } from './early-answer.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

const AUDIENCE = 'http://fhir.test/fhir';
const MiB = 1024 * 1024;
/** Only a hang fails on the wall clock (see the CPU note below). */
const HANG_MS = 60_000;

// "Quick" is judged by the server's own CPU time, not the wall clock: on a loaded machine a
// refusal waits for a CPU as long as anything else, while parsing this body costs seconds of CPU
// wherever it runs (refused unread: 10–80 ms; read and scanned for nesting: about 200 ms).
/** A hostile body: 19 MB of nesting, which JSON.parse turned into seconds of CPU and ~600 MB of heap. */
function nested(n: number): string {
  return `{"a":${'['.repeat(n)}${']'.repeat(n)}}`;
}

describe('request bodies: refused before they are read or parsed', () => {
  let issuer: Issuer;
  let srv: ServerProcess;
  let fhir: string;
  let readOnly: string;
  let writer: string;
  before(async () => {
    issuer = await startIssuer(() => AUDIENCE);
    srv = await startServerProcess({
      AUTH_MODE: 'smart', FHIR_BASE_URL: AUDIENCE, SMART_ISSUER: issuer.issuer, SMART_JWKS_URL: issuer.jwksUrl,
      SMART_TOKEN_URL: `${issuer.issuer}/token`, CACHE_MAX_BYTES: '0',
    });
    fhir = `${srv.origin}/fhir`;
    readOnly = await issuer.token({ scope: 'patient/Practitioner.r patient/Patient.r', patient: '1001' });
    writer = await issuer.token({ scope: 'user/*.cruds' });
  });
  after(async () => {
    await srv.stop();
    await issuer.close();
  });

  const json = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

  it('19 MB of nesting from a read-only token on a read-only type: a quick 405, no memory spike, nothing parsed', async () => {
    const before = srv.peakRssBytes();
    const cpu = srv.cpuMs();
    const r = await sendBody(`${fhir}/Practitioner/999998`, 'PUT', json(readOnly), nested(9_500_000), HANG_MS);
    assert.equal(r.status, 405);
    assert.equal(r.headers.connection, 'close', 'the unread body is not left on a reused connection');
    assert.ok(srv.cpuMs() - cpu <= 300, `the server spent ${srv.cpuMs() - cpu} ms of CPU on it`);
    const grew = srv.peakRssBytes() - before;
    assert.ok(grew < 64 * MiB, `peak memory grew by ${(grew / MiB).toFixed(0)} MiB`);
  });

  it('the same body on a writable type without the write scope: a quick 403 before the body is read', async () => {
    const before = srv.peakRssBytes();
    const cpu = srv.cpuMs();
    const r = await sendBody(`${fhir}/Patient/1001`, 'PUT', json(readOnly), nested(9_500_000), HANG_MS);
    assert.equal(r.status, 403, r.text.slice(0, 300));
    assert.match(r.text, /may not update Patient/);
    assert.match(String(r.headers['www-authenticate']), /insufficient_scope/);
    assert.ok(srv.cpuMs() - cpu <= 300, `the server spent ${srv.cpuMs() - cpu} ms of CPU on it`);
    assert.ok(srv.peakRssBytes() - before < 64 * MiB);
  });

  it('with the write scope, a resource body over MAX_RESOURCE_BODY_BYTES (1 MiB) is a 413; a document type may be larger', async () => {
    const big = JSON.stringify({ resourceType: 'Patient', id: '1001', text: { status: 'generated', div: `<div>${'x'.repeat(2 * MiB)}</div>` } });
    const r = await sendBody(`${fhir}/Patient/1001`, 'PUT', json(writer), big, HANG_MS);
    assert.equal(r.status, 413, r.text.slice(0, 300));
    const doc = JSON.stringify({ resourceType: 'DocumentReference', status: 'current', content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('x'.repeat(2 * MiB)).toString('base64') } }] });
    const d = await sendBody(`${fhir}/DocumentReference`, 'POST', json(writer), doc, HANG_MS);
    assert.notEqual(d.status, 413, 'a document upload is bounded by MAX_BODY_BYTES instead');
  });

  it('nesting within the size limit is refused by a scan before parsing: quick, and the same 400 as before', async () => {
    const before = srv.peakRssBytes();
    const cpu = srv.cpuMs();
    // A document create may carry 20 MiB: 19 MB of nesting from a token allowed to write.
    const r = await sendBody(`${fhir}/DocumentReference`, 'POST', json(writer), nested(9_500_000), HANG_MS);
    assert.equal(r.status, 400, r.text.slice(0, 300));
    assert.match(r.text, /nested more than 64 levels deep/);
    assert.ok(srv.cpuMs() - cpu <= 1000, `the server spent ${srv.cpuMs() - cpu} ms of CPU on it`);
    const grew = srv.peakRssBytes() - before;
    assert.ok(grew < 128 * MiB, `peak memory grew by ${(grew / MiB).toFixed(0)} MiB (the body itself is 19 MB)`);
  });
});
