// A signing-key fetch through the environment's proxy that fails (egress-fetch.ts): it goes on
// OSCAR's transport, but what it throws and logs names the key fetch and the proxy — never OSCAR,
// never the proxy's credentials, nothing of the URL's path or query. One made directly (no proxy,
// or NO_PROXY) is logged the same way, with what Node's fetch throws passed on.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { egressFetch } from '../../src/auth/egress-fetch.js';
import { startOutboundProxy, type OutboundProxy } from '../helpers/outbound-proxy.js';

const USER = 'keyfetch';
const PASSWORD = 's3cret-proxy-pw';
const KEYS = 'http://keys.example.org/realms/clinic/certs?patient=DOE';
const HTTPS_KEYS = 'https://keys.example.org/realms/clinic/certs';

interface Logged { fields: Record<string, string | undefined>; message: string }

/** What the fetch threw and logged. */
async function failure(f: typeof fetch, url: string, logged: Logged[], init: RequestInit = {}): Promise<{ error: Error; text: string }> {
  const error = await f(url, { redirect: 'manual', ...init }).then(() => assert.fail('the fetch succeeded'), (e: unknown) => e as Error);
  const text = [error.name, error.message, (error.cause as Error | undefined)?.message ?? '', JSON.stringify(logged)].join('\n');
  assert.ok(!/OSCAR/i.test(text), text);
  assert.ok(!text.includes(PASSWORD) && !text.includes(USER), text);
  assert.ok(!text.includes('/realms/') && !text.includes('DOE'), `no path or query: ${text}`);
  return { error, text };
}

describe('a signing-key fetch through the proxy that fails', () => {
  let withAuth: OutboundProxy;
  let refusing: OutboundProxy;
  let hanging: OutboundProxy;
  let closedPort: number;
  let untrusted: HttpsServer;
  before(async () => {
    // A key server whose certificate Node's public roots do not vouch for (test/oscar/tls-fixtures).
    const fixture = (name: string): Buffer => readFileSync(new URL(`../oscar/tls-fixtures/${name}`, import.meta.url));
    untrusted = createHttpsServer({ key: fixture('self-signed.key'), cert: fixture('self-signed.pem') }, (_req, res) => { res.end('{"keys":[]}'); });
    await new Promise<void>((resolve) => untrusted.listen(0, '127.0.0.1', resolve));
    withAuth = await startOutboundProxy({ credentials: `${USER}:${PASSWORD}` });
    refusing = await startOutboundProxy({ refuseConnect: 403 });
    hanging = await startOutboundProxy({ hangOnConnect: true });
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
  after(async () => {
    await withAuth.close(); await refusing.close(); await hanging.close();
    await new Promise<void>((resolve) => untrusted.close(() => resolve()));
  });

  it('wrong proxy credentials: a TypeError naming the key fetch and the proxy\'s 407, logged as such', async () => {
    const logged: Logged[] = [];
    const f = egressFetch({ http: `http://${USER}:wrong-${PASSWORD}@127.0.0.1:${withAuth.port}`, noProxy: [] }, undefined, (fields, message) => logged.push({ fields, message }));
    const { error } = await failure(f, KEYS, logged);
    assert.ok(error instanceof TypeError);
    assert.equal(error.message, `fetch of signing keys from keys.example.org failed: the proxy http://127.0.0.1:${withAuth.port} refused it (HTTP 407)`);
    assert.deepEqual(logged, [{
      fields: { host: 'keys.example.org', proxy: `http://127.0.0.1:${withAuth.port}`, reason: 'proxy', code: 'HTTP 407' },
      message: `a signing-key fetch from keys.example.org through the proxy failed: the proxy http://127.0.0.1:${withAuth.port} refused it (HTTP 407)`,
    }]);
    assert.equal((error.cause as { code?: string }).code, 'HTTP 407');
  });

  it('a CONNECT refused: the proxy\'s status', async () => {
    const logged: Logged[] = [];
    const f = egressFetch({ https: `http://127.0.0.1:${refusing.port}`, noProxy: [] }, undefined, (fields, message) => logged.push({ fields, message }));
    const { error } = await failure(f, HTTPS_KEYS, logged);
    assert.equal(error.message, `fetch of signing keys from keys.example.org failed: the proxy http://127.0.0.1:${refusing.port} refused it (HTTP 403)`);
    assert.equal(logged.length, 1);
  });

  it('no proxy listening: no connection through the proxy, with the socket\'s code', async () => {
    const logged: Logged[] = [];
    const f = egressFetch({ http: `http://${USER}:${PASSWORD}@127.0.0.1:${closedPort}`, noProxy: [] }, undefined, (fields, message) => logged.push({ fields, message }));
    const { error } = await failure(f, KEYS, logged);
    assert.equal(error.message, `fetch of signing keys from keys.example.org failed: no connection through the proxy http://127.0.0.1:${closedPort} (ECONNREFUSED)`);
    assert.deepEqual(logged.map((l) => l.fields), [{ host: 'keys.example.org', proxy: `http://127.0.0.1:${closedPort}`, reason: 'connection', code: 'ECONNREFUSED' }]);
  });

  it('a key server whose certificate is refused, through the tunnel: said as the key server\'s, with TLS\'s code', async () => {
    const logged: Logged[] = [];
    const port = (untrusted.address() as { port: number }).port;
    const f = egressFetch({ https: `http://127.0.0.1:${withAuth.port}`.replace('//', `//${USER}:${PASSWORD}@`), noProxy: [] }, undefined, (fields, message) => logged.push({ fields, message }));
    const { error } = await failure(f, `https://keys.example.org:${port}/realms/clinic/certs`, logged);
    assert.match(error.message, new RegExp(`^fetch of signing keys from keys\\.example\\.org:${port} failed: the key server's certificate was refused \\((DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_CERT_ALTNAME_INVALID)\\)$`));
    assert.equal(logged[0]?.fields.reason, 'tls');
  });

  it('a proxy that never answers: the caller\'s own TimeoutError, as fetch gives, and a log line saying so', async () => {
    const logged: Logged[] = [];
    const f = egressFetch({ https: `http://127.0.0.1:${hanging.port}`, noProxy: [] }, undefined, (fields, message) => logged.push({ fields, message }));
    const { error } = await failure(f, HTTPS_KEYS, logged, { signal: AbortSignal.timeout(200) });
    assert.equal(error.name, 'TimeoutError');
    assert.deepEqual(logged, [{
      fields: { host: 'keys.example.org', proxy: `http://127.0.0.1:${hanging.port}`, reason: 'timeout', code: undefined },
      message: 'a signing-key fetch from keys.example.org through the proxy failed: no answer in time',
    }]);
  });
});

describe('a signing-key fetch made directly (no proxy, or NO_PROXY) that fails', () => {
  let closedPort: number;
  let untrusted: HttpsServer;
  let silent: Server;
  let answering: Server;
  const held: Socket[] = [];
  before(async () => {
    const fixture = (name: string): Buffer => readFileSync(new URL(`../oscar/tls-fixtures/${name}`, import.meta.url));
    untrusted = createHttpsServer({ key: fixture('self-signed.key'), cert: fixture('self-signed.pem') }, (_req, res) => { res.end('{"keys":[]}'); });
    await new Promise<void>((resolve) => untrusted.listen(0, '127.0.0.1', resolve));
    // Takes the connection and never answers.
    silent = createServer((socket) => { held.push(socket); });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    answering = createHttpServer((_req, res) => { res.setHeader('Content-Type', 'application/json'); res.end('{"keys":[]}'); });
    await new Promise<void>((resolve) => answering.listen(0, '127.0.0.1', resolve));
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
  after(async () => {
    for (const socket of held) socket.destroy();
    for (const s of [untrusted, silent, answering]) await new Promise<void>((resolve) => { s.close(() => resolve()); (s as { closeAllConnections?: () => void }).closeAllConnections?.(); });
  });

  const portOf = (s: Server): number => (s.address() as { port: number }).port;

  it('nothing listening: logged like a fetch through the proxy, with the host and the socket\'s code, and no proxy', async () => {
    const logged: Logged[] = [];
    const f = egressFetch(undefined, undefined, (fields, message) => logged.push({ fields, message }));
    const { error } = await failure(f, `http://127.0.0.1:${closedPort}/realms/clinic/certs?patient=DOE`, logged);
    assert.ok(error instanceof TypeError, 'what fetch itself throws, passed on');
    assert.deepEqual(logged, [{
      fields: { host: `127.0.0.1:${closedPort}`, reason: 'connection', code: 'ECONNREFUSED' },
      message: `a signing-key fetch from 127.0.0.1:${closedPort} failed: no connection (ECONNREFUSED)`,
    }]);
  });

  it('NO_PROXY sends it direct: a refused certificate of the key server is said as such, with TLS\'s code', async () => {
    const logged: Logged[] = [];
    const f = egressFetch({ https: `http://${USER}:${PASSWORD}@127.0.0.1:1`, noProxy: ['127.0.0.1'] }, undefined, (fields, message) => logged.push({ fields, message }));
    await failure(f, `https://127.0.0.1:${portOf(untrusted)}/realms/clinic/certs`, logged);
    assert.equal(logged.length, 1);
    assert.match(logged[0]!.message, new RegExp(`^a signing-key fetch from 127\\.0\\.0\\.1:${portOf(untrusted)} failed: the key server's certificate was refused \\((DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_CERT_ALTNAME_INVALID)\\)$`));
    assert.equal(logged[0]!.fields.reason, 'tls');
    assert.equal(logged[0]!.fields.proxy, undefined);
  });

  it('no answer before the caller\'s deadline: its TimeoutError, logged as no answer in time; a caller that gives up is not logged', async () => {
    const logged: Logged[] = [];
    const f = egressFetch(undefined, undefined, (fields, message) => logged.push({ fields, message }));
    const url = `http://127.0.0.1:${portOf(silent)}/realms/clinic/certs?patient=DOE`;
    const { error } = await failure(f, url, logged, { signal: AbortSignal.timeout(200) });
    assert.equal(error.name, 'TimeoutError');
    assert.deepEqual(logged, [{ fields: { host: `127.0.0.1:${portOf(silent)}`, reason: 'timeout', code: undefined }, message: `a signing-key fetch from 127.0.0.1:${portOf(silent)} failed: no answer in time` }]);
    const stop = new AbortController();
    const gaveUp = failure(f, url, logged, { signal: stop.signal });
    stop.abort();
    assert.equal((await gaveUp).error.name, 'AbortError');
    assert.equal(logged.length, 1);
  });

  it('an address with a user and password: neither is logged; a fetch that succeeds logs nothing', async () => {
    const logged: Logged[] = [];
    const f = egressFetch(undefined, undefined, (fields, message) => logged.push({ fields, message }));
    // Node's own error repeats the address, credentials included: it is the caller's; the log line is not.
    await assert.rejects(f(`http://${USER}:${PASSWORD}@127.0.0.1:${closedPort}/realms/clinic/certs?patient=DOE`, { redirect: 'manual' }), TypeError);
    assert.deepEqual(logged, [{ fields: { host: `127.0.0.1:${closedPort}`, reason: 'other', code: undefined }, message: `a signing-key fetch from 127.0.0.1:${closedPort} failed: TypeError` }]);
    const ok = await f(`http://127.0.0.1:${portOf(answering)}/realms/clinic/certs`, { redirect: 'manual' });
    assert.deepEqual(await ok.json(), { keys: [] });
    assert.equal(logged.length, 1);
  });
});
