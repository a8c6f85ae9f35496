// OSCAR_GZIP: the client asks for gzip by default (CXF compresses every answer when asked,
// contract 4.1) and decompresses it; with gzip off it asks for the identity encoding.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { HttpTransport } from '../../src/oscar/http-transport.js';
import { loadConfig } from '../../src/config.js';

async function exchange(gzip: boolean | undefined): Promise<{ asked: IncomingHttpHeaders; body: string }> {
  let asked: IncomingHttpHeaders = {};
  const server = createServer((req, res) => {
    asked = req.headers;
    const payload = Buffer.from('<return>ok</return>');
    if (req.headers['accept-encoding'] === 'gzip') {
      res.writeHead(200, { 'content-type': 'text/xml', 'content-encoding': 'gzip' });
      res.end(gzipSync(payload));
    } else {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(payload);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const transport = new HttpTransport(gzip === undefined ? {} : { gzip });
  try {
    const { port } = server.address() as AddressInfo;
    const reply = await transport.send({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/oscar/ws/X`), headers: {}, timeoutMs: 2000, operation: 'test' });
    return { asked, body: reply.body.toString('utf8') };
  } finally {
    transport.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

test('gzip is asked for by default and the answer is decompressed', async () => {
  const r = await exchange(undefined);
  assert.equal(r.asked['accept-encoding'], 'gzip');
  assert.equal(r.body, '<return>ok</return>');
});

test('with gzip off the client asks for the identity encoding', async () => {
  const r = await exchange(false);
  assert.equal(r.asked['accept-encoding'], 'identity');
  assert.equal(r.body, '<return>ok</return>');
});

test('OSCAR_GZIP is validated', () => {
  // The embedded simulator is on this host: no gzip unless asked (test/config/gzip-default.test.ts).
  assert.equal(loadConfig({}).upstream.gzip, false);
  assert.equal(loadConfig({ OSCAR_GZIP: 'true' }).upstream.gzip, true);
  assert.equal(loadConfig({ OSCAR_GZIP: 'false' }).upstream.gzip, false);
  assert.throws(() => loadConfig({ OSCAR_GZIP: 'no' }), /OSCAR_GZIP must be "true" or "false"/);
});
