// A content type stored in OSCAR goes into a Content-Type header only when it is a well-formed
// media type in visible ASCII; anything else is served as application/octet-stream, never a 500.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { DocumentRow } from '../../src/sim/clinic/model.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { captureLogger } from '../resilience/support.js';

let stack: Stack;
const log = captureLogger('info');
before(async () => { stack = await startStack({ logger: log.logger, env: { CACHE_MAX_BYTES: '0' } }); });
after(async () => { await stack.close(); });

const storedDoc = (): DocumentRow => stack.sim.store.data.documents.find((d) => d.file !== null && d.contenttype === 'text/plain')!;

it('a stored content type with a U+2028 in a quoted parameter: Binary answers 200 application/octet-stream, nothing logged as an error', async () => {
  const row = storedDoc();
  row.contenttype = 'text/html; charset="utf-8\u2028x"';
  const r = await fetch(`${stack.base}/Binary/${row.documentNo}`);
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('content-type'), 'application/octet-stream');
  assert.deepEqual(Buffer.from(await r.arrayBuffer()), row.file);
  const doc = await stack.fhir(`/DocumentReference/${row.documentNo}`);
  assert.equal(doc.status, 200);
  assert.equal(doc.body.content[0].attachment.contentType, undefined, 'no invalid contentType in the resource either');
  assert.deepEqual(log.lines.filter((l) => l.level >= 50), [], 'no error-level log line');
});

it('other malformed stored values are never guessed from the file name', async () => {
  for (const bad of ['text/plain; charset=ü', 'text/plain;\r\nX-Injected: 1', `text/${'x'.repeat(300)}`, 'text /plain']) {
    const row = storedDoc();
    row.contenttype = bad;
    const r = await fetch(`${stack.base}/Binary/${row.documentNo}`);
    assert.equal(r.status, 200, JSON.stringify(bad));
    assert.equal(r.headers.get('content-type'), 'application/octet-stream', JSON.stringify(bad));
    assert.equal(r.headers.get('x-injected'), null);
    row.contenttype = 'text/plain';
  }
  const ok = storedDoc();
  ok.contenttype = 'text/plain; charset="utf-8"';
  assert.equal((await fetch(`${stack.base}/Binary/${ok.documentNo}`)).headers.get('content-type'), 'text/plain; charset="utf-8"');
  ok.contenttype = 'text/plain';
});
