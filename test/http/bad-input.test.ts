// Bad input is refused cleanly — the right 4xx and an OperationOutcome — before any OSCAR call.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, type FhirAnswer, type Stack } from '../helpers/stack.js';
import { assertOutcome } from '../resilience/support.js';
import { rawRequest } from './raw-http.js';

let stack: Stack;
let port: number;
before(async () => {
  stack = await startStack({ env: { MAX_BODY_BYTES: '4096', CHANGE_POLL_SECONDS: '0' } });
  port = new URL(stack.base).port ? Number(new URL(stack.base).port) : 80;
});
after(async () => { await stack.close(); });

const json = (body: string, type = 'application/fhir+json'): RequestInit => ({ method: 'POST', headers: { 'content-type': type }, body });

/** Runs a request and asserts it was refused with `status`/`code` without any call to OSCAR. */
async function refused(status: number, code: string, send: () => Promise<FhirAnswer>): Promise<FhirAnswer> {
  const before = stack.sim.stats.snapshot().total;
  const r = await send();
  assertOutcome(r, status, code);
  assert.equal(stack.sim.stats.snapshot().total, before, 'no upstream call');
  return r;
}

describe('bodies', () => {
  it('413 for a body over MAX_BODY_BYTES, declared or streamed', async () => {
    await refused(413, 'too-long', () => stack.fhir('/Patient', json(JSON.stringify({ resourceType: 'Patient', text: 'x'.repeat(5000) }))));
    // Chunked: no Content-Length to trust, the limit applies while reading.
    const chunked = await rawRequest(port, `POST /fhir/Patient HTTP/1.1\r\nHost: x\r\nContent-Type: application/fhir+json\r\nTransfer-Encoding: chunked\r\n\r\n2000\r\n${'a'.repeat(0x2000)}\r\n0\r\n\r\n`);
    assert.equal(chunked.status, 413);
    assert.equal(JSON.parse(chunked.body).issue[0].code, 'too-long');
  });

  it('400 for malformed JSON, without echoing it', async () => {
    const r = await refused(400, 'structure', () => stack.fhir('/Patient', json('{"resourceType": "Patient", "name": [SECRET')));
    assert.ok(!r.text.includes('SECRET'));
  });

  it('415 for a body that is not FHIR JSON, or not UTF-8', async () => {
    await refused(415, 'not-supported', () => stack.fhir('/Patient', json('<Patient/>', 'application/fhir+xml')));
    await refused(415, 'not-supported', () => stack.fhir('/Patient', json('{}', 'application/fhir+json; charset=iso-8859-1')));
  });

  it('400 for text OSCAR cannot store (NUL, lone surrogates), and for absurd nesting', async () => {
    await refused(400, 'invalid', () => stack.fhir('/Patient', json('{"resourceType":"Patient","name":[{"family":"A\\u0000B"}]}')));
    await refused(400, 'invalid', () => stack.fhir('/Patient', json('{"resourceType":"Patient","name":[{"family":"\\ud800"}]}')));
    await refused(400, 'too-long', () => stack.fhir('/Patient', json(`${'['.repeat(200)}${']'.repeat(200)}`)));
  });
});

describe('URLs and headers', () => {
  it('406 for an Accept or _format this server cannot produce', async () => {
    await refused(406, 'not-supported', () => stack.fhir('/Patient/1001', { headers: { accept: 'application/fhir+xml' } }));
    await refused(406, 'not-supported', () => stack.fhir('/Patient/1001?_format=xml'));
  });

  it('404 for ids that cannot exist in OSCAR, with no upstream call', async () => {
    for (const id of ['abc', '-1', '1.5', '01001', '2147483648', '99999999999999999999', '%E2%80%AE1001', '1001%00']) {
      await refused(404, 'not-found', () => stack.fhir(`/Patient/${id}`));
    }
  });

  it('400 for invalid search values and unknown parameters', async () => {
    await refused(400, 'value', () => stack.fhir('/Patient?birthdate=notadate'));
    await refused(400, 'value', () => stack.fhir('/Patient?_count=-1'));
    await refused(400, 'not-supported', () => stack.fhir('/Patient?nosuchparam=1'));
    await refused(400, 'invalid', () => stack.fhir('/Patient?family=DOE&_count=1&_count=2'));
  });

  it('400 for overlong or too many parameters, and control characters in values', async () => {
    await refused(400, 'too-long', () => stack.fhir(`/Patient?family=${'A'.repeat(5000)}`));
    await refused(400, 'too-long', () => stack.fhir(`/Patient?${Array.from({ length: 101 }, (_, i) => `family=A${i}`).join('&')}`));
    await refused(400, 'invalid', () => stack.fhir('/Patient?family=DOE%00'));
    await refused(400, 'invalid', () => stack.fhir('/Patient?family=%1B%5B31m'));
    await refused(400, 'too-long', () => stack.fhir('/Patient/_search', json(Array.from({ length: 101 }, (_, i) => `given=B${i}`).join('&'), 'application/x-www-form-urlencoded')));
    await refused(400, 'invalid', () => stack.fhir('/Patient/_search', json('family=DOE%00', 'application/x-www-form-urlencoded')));
  });

  it('POST _search counts the query and the form together: 100 + 100 parameters is a 400', async () => {
    const hundred = (name: string): string => Array.from({ length: 100 }, (_, i) => `${name}=A${i}`).join('&');
    const form = (query: string, body: string) => () => stack.fhir(`/Patient/_search?${query}`, json(body, 'application/x-www-form-urlencoded'));
    const r = await refused(400, 'too-long', form(hundred('family'), hundred('given')));
    assert.match(r.body.issue[0].diagnostics, /query and form body\) has more than 100 parameters/);
    const fits = await form(hundred('family').split('&').slice(0, 50).join('&'), hundred('given').split('&').slice(0, 50).join('&'))();
    assert.equal(fits.status, 200, 'fifty and fifty fit');
  });

  it('client text quoted in a diagnostic is cut short', async () => {
    const r = await refused(406, 'not-supported', () => stack.fhir('/metadata', { headers: { accept: `text/${'x'.repeat(5000)}` } }));
    assert.ok(r.body.issue[0].diagnostics.length < 400, `diagnostics of ${r.body.issue[0].diagnostics.length} characters`);
    const p = await refused(404, 'not-found', () => stack.fhir(`/Patient/1/${'y'.repeat(3000)}/z/w`));
    assert.ok(p.body.issue[0].diagnostics.length < 400);
  });

  it('431 for oversized headers and 400 for requests that are not HTTP, as OperationOutcomes', async () => {
    const big = await rawRequest(port, `GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.equal(big.status, 431);
    assert.equal(JSON.parse(big.body).resourceType, 'OperationOutcome');
    const junk = await rawRequest(port, 'GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    assert.equal(junk.status, 400);
    assert.equal(JSON.parse(junk.body).issue[0].code, 'structure');
    const ctl = await rawRequest(port, 'GET /fhir/Patient?family=A\x01B HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(ctl.status, 400);
    const smuggle = await rawRequest(port, 'POST /fhir/Patient HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    assert.equal(smuggle.status, 400, 'ambiguous framing is refused');
  });

  it('odd but valid Unicode is just data', async () => {
    const r = await stack.fhir(`/Patient?family=${encodeURIComponent('Ｄｏｅ\u202E\u0301😀')}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.resourceType, 'Bundle');
  });
});
