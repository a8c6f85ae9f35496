// The simulator's app shell over real HTTP: routing around stub protocol routers, fault injection,
// request accounting and the /__sim admin API.
import assert from 'node:assert/strict';
import { request as httpRequest, createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { after, before, beforeEach, describe, it } from 'node:test';
import express from 'express';
import { createSimApp, type SimRouters } from '../../src/sim/app.js';
import { FaultInjector, FaultRuleError, parseFaultRule, soapOperationOf } from '../../src/sim/faults.js';
import { SimStats } from '../../src/sim/stats.js';

const soapBody = (op: string): string =>
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header/><soap:Body>'
  + `<!-- call --><ws:${op} xmlns:ws="http://ws.oscarehr.org/"><arg0>1001</arg0></ws:${op}></soap:Body></soap:Envelope>`;

function stubRouters(): SimRouters {
  const soap = express.Router();
  soap.post('/:service', (req, res) => {
    const op = soapOperationOf(req.body) ?? 'unknown';
    res.locals.simOperation = `${req.params.service}.${op}`;
    res.type('text/xml;charset=UTF-8').send(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:${op}Response xmlns:ns2="http://ws.oscarehr.org/"/></soap:Body></soap:Envelope>`);
  });
  const rest = express.Router();
  rest.get('/demographics/:id', (req, res) => {
    res.locals.simOperation = 'REST GET /demographics/{id}';
    res.json({ demographicNo: Number(req.params.id) });
  });
  rest.post('/echo', (req, res) => {
    res.locals.simOperation = 'REST POST /echo';
    res.json({ isBuffer: Buffer.isBuffer(req.body), length: Buffer.isBuffer(req.body) ? req.body.length : -1 });
  });
  const oauth = express.Router();
  oauth.post('/ws/oauth/initiate', (_req, res) => {
    res.locals.simOperation = 'OAUTH POST /ws/oauth/initiate';
    res.type('application/x-www-form-urlencoded').send('oauth_token=a&oauth_token_secret=b&oauth_callback_confirmed=true');
  });
  return { soap, rest, oauth };
}

interface Harness { base: string; origin: string; faults: FaultInjector; stats: SimStats; restarts: number; server: Server }

async function start(admin = true): Promise<Harness> {
  const stats = new SimStats();
  const faults = new FaultInjector({ seed: 7, onFault: (m) => stats.recordFault(m) });
  const h = { restarts: 0 } as Harness;
  const app = createSimApp({ contextPath: '/oscar', routers: stubRouters(), soapServices: ['LoginService', 'DemographicService'], faults, stats, admin: admin ? { restart: () => ++h.restarts } : null });
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(h, { base: `${origin}/oscar`, origin, faults, stats, server });
}

async function stop(h: Harness): Promise<void> {
  await new Promise<void>((r) => { h.server.close(() => r()); h.server.closeAllConnections(); });
}

const soapCall = (h: Harness, service: string, op: string): Promise<Response> =>
  fetch(`${h.base}/ws/${service}`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=UTF-8', soapaction: '""' }, body: soapBody(op) });

/** Raw node:http GET, so socket-level failures surface as error codes. */
function rawGet(url: string): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent: false }, (res) => { res.resume(); res.on('end', () => resolve({ status: res.statusCode ?? 0 })); });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

/** Every byte a GET gets on its connection, until the server closes it (end) or resets it (error). */
function wireBytes(url: string): Promise<{ bytes: Buffer; ended: 'end' | string }> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    const socket = net.connect(Number(u.port), u.hostname, () => { socket.write(`GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\n\r\n`); });
    socket.on('data', (d: Buffer) => parts.push(d));
    let ended: 'end' | string | undefined;
    socket.on('end', () => { ended ??= 'end'; });
    socket.on('error', (e: NodeJS.ErrnoException) => { ended ??= e.code ?? e.message; });
    socket.on('close', () => resolve({ bytes: Buffer.concat(parts), ended: ended ?? 'end' }));
  });
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('simulator app shell', () => {
  let h: Harness;
  before(async () => { h = await start(); });
  after(async () => { await stop(h); });
  beforeEach(() => { h.faults.clear(); h.stats.reset(); });

  it('routes REST, SOAP and OAuth below the context path and 404s elsewhere, like Tomcat', async () => {
    const rest = await fetch(`${h.base}/ws/services/demographics/1001`);
    assert.equal(rest.status, 200);
    assert.deepEqual(await rest.json(), { demographicNo: 1001 });
    assert.equal(rest.headers.get('x-powered-by'), null);
    assert.equal(rest.headers.get('etag'), null);
    const soap = await soapCall(h, 'DemographicService', 'getDemographic');
    assert.match(await soap.text(), /getDemographicResponse/);
    const oauth = await fetch(`${h.base}/ws/oauth/initiate`, { method: 'POST' });
    assert.match(await oauth.text(), /oauth_callback_confirmed=true/);
    for (const path of [`${h.origin}/elsewhere`, `${h.origin}/ws/services/demographics/1`]) {
      const r = await fetch(path);
      assert.equal(r.status, 404, path);
      assert.match(await r.text(), /HTTP Status 404/);
    }
    // below /ws the CXF servlet answers for paths no endpoint owns (contract 1.7)
    const cxf = await fetch(`${h.base}/ws/NoSuchService`);
    assert.equal(cxf.status, 404);
    assert.equal(await cxf.text(), '<html><body>No service was found.</body></html>');
  });

  it('serves the CXF service list at /ws/', async () => {
    const r = await fetch(`${h.base}/ws/`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    const html = await r.text();
    assert.match(html, /Available SOAP services/);
    assert.ok(html.includes(`${h.base}/ws/DemographicService?wsdl`));
    assert.ok(html.includes(`${h.base}/ws/services`));
  });

  it('hands the routers the raw body as a Buffer, whatever the content type', async () => {
    const r = await fetch(`${h.base}/ws/services/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"é"}' });
    assert.deepEqual(await r.json(), { isBuffer: true, length: 10 });
  });

  it('counts answered requests per operation, with a method+path fallback', async () => {
    await fetch(`${h.base}/ws/services/demographics/1`);
    await fetch(`${h.base}/ws/services/demographics/2?x=1`);
    await (await soapCall(h, 'AllergyService', 'getAllergy')).text();
    await (await fetch(`${h.origin}/nowhere?q=1`)).text();
    assert.equal(h.stats.count('REST GET /demographics/{id}'), 2);
    assert.equal(h.stats.count('AllergyService.getAllergy'), 1);
    assert.equal(h.stats.count('GET /nowhere'), 1);
    assert.equal(h.stats.count(), 4);
    const snap = h.stats.snapshot();
    assert.equal(snap.total, 4);
    assert.equal(snap.inFlight, 0);
    h.stats.reset();
    assert.equal(h.stats.count(), 0);
    assert.deepEqual(h.stats.snapshot().byOperation, {});
  });

  it('tracks concurrent requests in flight', async () => {
    h.faults.add({ match: { path: '/ws/services' }, mode: 'timeout' });
    const ac = new AbortController();
    const calls = [1, 2, 3].map((i) => fetch(`${h.base}/ws/services/demographics/${i}`, { signal: ac.signal }).catch(() => 'aborted'));
    await until(() => h.stats.snapshot().inFlight === 3);
    ac.abort();
    assert.deepEqual(await Promise.all(calls), ['aborted', 'aborted', 'aborted']);
    await until(() => h.stats.snapshot().inFlight === 0);
    const snap = h.stats.snapshot();
    assert.equal(snap.maxInFlight, 3);
    assert.equal(snap.faults.timeout, 3);
    assert.equal(snap.total, 0);
  });
});

describe('fault injection', () => {
  let h: Harness;
  before(async () => { h = await start(); });
  after(async () => { await stop(h); });
  beforeEach(() => { h.faults.clear(); h.stats.reset(); });

  it('latency delays the matched path, then answers normally', async () => {
    h.faults.add({ match: { path: '/ws/services/demographics' }, mode: 'latency', latencyMs: 200 });
    const t0 = performance.now();
    const slow = await fetch(`${h.base}/ws/services/demographics/1001`);
    assert.ok(performance.now() - t0 >= 190, 'delayed');
    assert.deepEqual(await slow.json(), { demographicNo: 1001 });
    await (await soapCall(h, 'DemographicService', 'getDemographic')).text();
    assert.equal(h.stats.snapshot().faults.latency, 1, 'other paths are not delayed');
  });

  it('http500 is the container error page for REST and a soap:Server fault for SOAP', async () => {
    h.faults.add({ match: {}, mode: 'http500' });
    const rest = await fetch(`${h.base}/ws/services/demographics/1001`);
    assert.equal(rest.status, 500);
    assert.match(rest.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await rest.text(), /An error has occurred/);
    const soap = await soapCall(h, 'DemographicService', 'getDemographic');
    assert.equal(soap.status, 500);
    assert.equal(soap.headers.get('content-type'), 'text/xml;charset=UTF-8');
    const xml = await soap.text();
    assert.match(xml, /<faultcode>soap:Server<\/faultcode><faultstring>Fault occurred while processing\.<\/faultstring>/);
    assert.equal(h.stats.count('DemographicService.getDemographic'), 1, 'a faulted SOAP call is counted under its operation');
    assert.equal(h.stats.snapshot().faults.http500, 2);
  });

  it('soapFault hits only the matched operation, with the given faultstring', async () => {
    h.faults.add({ match: { path: '/ws/DemographicService', operation: 'getDemographic' }, mode: 'soapFault', faultString: 'Cannot invoke "x" because <y> & z' });
    const hit = await soapCall(h, 'DemographicService', 'getDemographic');
    assert.equal(hit.status, 500);
    assert.match(await hit.text(), /<faultstring>Cannot invoke "x" because &lt;y> &amp; z<\/faultstring>/);
    const miss = await soapCall(h, 'DemographicService', 'getDemographic2');
    assert.equal(miss.status, 200);
    await miss.text();
  });

  it('garbage answers 200 with a cut-off body of the right content type', async () => {
    h.faults.add({ match: {}, mode: 'garbage' });
    const soap = await soapCall(h, 'DemographicService', 'getDemographic');
    assert.equal(soap.status, 200);
    assert.equal(soap.headers.get('content-type'), 'text/xml;charset=UTF-8');
    const xml = await soap.text();
    assert.match(xml, /^<soap:Envelope/);
    assert.ok(!xml.includes('</soap:Envelope>'));
    const rest = await fetch(`${h.base}/ws/services/demographics/1001`);
    assert.equal(rest.status, 200);
    assert.match(rest.headers.get('content-type') ?? '', /^application\/json/);
    const text = await rest.text();
    assert.throws(() => JSON.parse(text) as unknown);
  });

  it('redirect answers as nginx\'s `return 301 https://$host$request_uri`, for the matched path only', async () => {
    h.faults.add({ match: { path: '/ws/services/demographics/quickSearch' }, mode: 'redirect' });
    const hit = await fetch(`${h.base}/ws/services/demographics/quickSearch?query=DOE`, { redirect: 'manual' });
    assert.equal(hit.status, 301);
    assert.equal(hit.headers.get('server'), 'nginx');
    assert.equal(hit.headers.get('location'), `https://127.0.0.1${new URL(h.base).pathname}/ws/services/demographics/quickSearch?query=DOE`);
    assert.match(await hit.text(), /<title>301 Moved Permanently<\/title>/);
    const miss = await fetch(`${h.base}/ws/services/demographics/1001`, { redirect: 'manual' });
    assert.notEqual(miss.status, 301);
    await miss.text();
  });

  it('reset drops the connection', async () => {
    h.faults.add({ match: { path: /^\/ws\/services\// }, mode: 'reset' });
    const r = await rawGet(`${h.base}/ws/services/demographics/1001`);
    assert.ok('error' in r, 'the client sees a socket error');
    assert.equal(r.error, 'ECONNRESET');
    await until(() => h.stats.snapshot().inFlight === 0);
    assert.equal(h.stats.count(), 0, 'a reset request is not an answer');
  });

  it('cut sends the real answer\'s head and half its body, then ends the connection as asked', async () => {
    const whole = '{"demographicNo":1001}'; // what the stub router answers
    const url = `${h.base}/ws/services/demographics/1001`;
    const headAndBody = (b: Buffer): [string, Buffer] => { const at = b.indexOf('\r\n\r\n'); return [b.toString('latin1', 0, at), b.subarray(at + 4)]; };
    const half = whole.slice(0, whole.length >> 1);

    h.faults.add({ match: {}, mode: 'cut', cut: 'short', times: 1 });
    let r = await wireBytes(url);
    let [head, body] = headAndBody(r.bytes);
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(head, /\r\nContent-Type: application\/json/);
    assert.match(head, new RegExp(`\r\nContent-Length: ${whole.length}$`, 'm'));
    assert.equal(body.toString(), half);
    assert.equal(r.ended, 'end', 'closed, not reset');

    h.faults.add({ match: {}, mode: 'cut', cut: 'chunked', times: 1 });
    r = await wireBytes(url);
    [head, body] = headAndBody(r.bytes);
    assert.match(head, /\r\nTransfer-Encoding: chunked$/m);
    assert.equal(body.toString(), `${half.length.toString(16)}\r\n${half}\r\n`, 'one chunk, no last chunk');
    assert.equal(r.ended, 'end');

    h.faults.add({ match: {}, mode: 'cut', cut: 'gzip', times: 1 });
    r = await wireBytes(url);
    [head, body] = headAndBody(r.bytes);
    assert.match(head, /\r\nContent-Encoding: gzip\r\nConnection: close$/);
    assert.doesNotMatch(head, /Content-Length|Transfer-Encoding/i, 'framed by the close');
    assert.throws(() => zlib.gunzipSync(body), (e: NodeJS.ErrnoException) => e.code === 'Z_BUF_ERROR', 'a gzip stream cut short');
    assert.ok(whole.startsWith(zlib.gunzipSync(body, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString()), 'of the real answer');

    h.faults.add({ match: {}, mode: 'cut', times: 1 });
    r = await wireBytes(url);
    assert.equal(r.ended, 'ECONNRESET', 'the default cut ends with a reset');
    assert.equal(h.stats.snapshot().faults.cut, 4);
    // Nothing left over: the next answer is whole.
    assert.deepEqual(await (await fetch(url)).json(), { demographicNo: 1001 });
  });

  it('timeout never answers and lets go when the client gives up', async () => {
    h.faults.add({ match: { method: 'GET' }, mode: 'timeout' });
    const ac = new AbortController();
    const pending = fetch(`${h.base}/ws/services/demographics/1001`, { signal: ac.signal });
    await until(() => h.faults.held === 1);
    assert.equal(h.stats.snapshot().inFlight, 1);
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(pending, (e: Error) => e.name === 'AbortError');
    await until(() => h.faults.held === 0 && h.stats.snapshot().inFlight === 0);
    assert.equal(h.stats.count(), 0);
    const post = await fetch(`${h.base}/ws/services/echo`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 200, 'method filter: POST is not held');
  });

  it('times: the rule expires after that many hits', async () => {
    const id = h.faults.add({ match: { path: '/ws/services' }, mode: 'http500', times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) { const r = await fetch(`${h.base}/ws/services/demographics/1`); statuses.push(r.status); await r.arrayBuffer(); }
    assert.deepEqual(statuses, [500, 500, 200]);
    assert.equal(h.faults.list().find((r) => r.id === id), undefined);
  });

  it('probability: 0 never fires, a fraction fires reproducibly for a given seed', async () => {
    h.faults.add({ match: {}, mode: 'http500', probability: 0 });
    assert.equal((await fetch(`${h.base}/ws/services/demographics/1`)).status, 200);
    h.faults.clear();
    const run = async (): Promise<number[]> => {
      const other = await start();
      try {
        other.faults.add({ match: {}, mode: 'http500', probability: 0.5 });
        const out: number[] = [];
        for (let i = 0; i < 40; i++) { const r = await fetch(`${other.base}/ws/services/demographics/${i}`); out.push(r.status); await r.arrayBuffer(); }
        return out;
      } finally { await stop(other); }
    };
    const a = await run();
    const hits = a.filter((s) => s === 500).length;
    assert.ok(hits > 5 && hits < 35, `${hits} of 40`);
    assert.deepEqual(await run(), a, 'same seed, same decisions');
  });

  it('latency stacks with a later fault rule', async () => {
    h.faults.add({ match: {}, mode: 'latency', latencyMs: 120 });
    h.faults.add({ match: {}, mode: 'http500' });
    const t0 = performance.now();
    const r = await fetch(`${h.base}/ws/services/demographics/1`);
    assert.equal(r.status, 500);
    assert.ok(performance.now() - t0 >= 110);
  });

  it('lists, removes and validates rules', () => {
    const a = h.faults.add({ match: { path: /x/ }, mode: 'reset' });
    const b = h.faults.add({ match: { operation: 'getDemographic' }, mode: 'soapFault', times: 3 });
    assert.deepEqual(h.faults.list().map((r) => [r.id, r.mode, r.remaining]), [[a, 'reset', null], [b, 'soapFault', 3]]);
    assert.equal(h.faults.remove(a), true);
    assert.equal(h.faults.remove(a), false);
    assert.throws(() => h.faults.add({ match: {}, mode: 'explode' as never }), FaultRuleError);
    assert.throws(() => h.faults.add({ match: {}, mode: 'http500', probability: 2 }), FaultRuleError);
    assert.throws(() => h.faults.add({ match: {}, mode: 'latency' }), FaultRuleError);
    assert.throws(() => h.faults.add({ match: {}, mode: 'cut', cut: 'halfway' as never }), FaultRuleError);
    assert.throws(() => h.faults.add({ match: {}, mode: 'reset', cut: 'short' }), FaultRuleError, 'cut is for cut rules');
    assert.deepEqual(parseFaultRule({ mode: 'cut', cut: 'gzip', match: {} }), { match: {}, mode: 'cut', cut: 'gzip' });
    assert.throws(() => parseFaultRule({ mode: 'reset', match: { pathRegex: '(' } }), FaultRuleError);
    assert.equal(soapOperationOf(Buffer.from(soapBody('login2'))), 'login2');
    assert.equal(soapOperationOf(Buffer.from('{"json":true}')), null);
  });
});

describe('admin API (/__sim)', () => {
  let h: Harness;
  before(async () => { h = await start(); });
  after(async () => { await stop(h); });
  beforeEach(() => { h.faults.clear(); });

  const admin = (path: string, init?: RequestInit): Promise<Response> => fetch(`${h.origin}/__sim${path}`, init);
  const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('adds, lists, applies and deletes fault rules', async () => {
    const created = await admin('/faults', json({ match: { pathRegex: '^/ws/services/demographics' }, mode: 'http500', times: 1 }));
    assert.equal(created.status, 201);
    const { id } = await created.json() as { id: string };
    const listed = await (await admin('/faults')).json() as { rules: { id: string; match: { pathRegex?: string } }[] };
    assert.deepEqual(listed.rules.map((r) => r.id), [id]);
    assert.equal(new RegExp(listed.rules[0]?.match.pathRegex ?? '').source, new RegExp('^/ws/services/demographics').source);
    assert.equal((await fetch(`${h.base}/ws/services/demographics/1`)).status, 500);
    assert.equal((await fetch(`${h.base}/ws/services/demographics/1`)).status, 200);

    const many = await admin('/faults', json([{ match: { path: '/ws/AllergyService' }, mode: 'reset' }, { match: {}, mode: 'latency', latencyMs: 5 }]));
    const { ids } = await many.json() as { ids: string[] };
    assert.equal(ids.length, 2);
    assert.equal((await admin(`/faults/${ids[0]}`, { method: 'DELETE' })).status, 204);
    assert.equal((await admin(`/faults/${ids[0]}`, { method: 'DELETE' })).status, 404);
    assert.equal((await admin('/faults', { method: 'DELETE' })).status, 204);
    assert.equal(h.faults.list().length, 0);
  });

  it('rejects malformed rules with a message', async () => {
    const bad = await admin('/faults', json({ match: {}, mode: 'latency' }));
    assert.equal(bad.status, 400);
    assert.match((await bad.json() as { error: string }).error, /latencyMs/);
    const unknown = await admin('/faults', json({ match: { host: 'x' }, mode: 'reset' }));
    assert.equal(unknown.status, 400);
    const notJson = await admin('/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    assert.equal(notJson.status, 400);
  });

  it('reports and resets stats, and restarts', async () => {
    h.stats.reset();
    await (await fetch(`${h.base}/ws/services/demographics/9`)).arrayBuffer();
    const snap = await (await admin('/stats')).json() as { total: number; byOperation: Record<string, number> };
    assert.equal(snap.total, 1, 'admin calls are not counted');
    assert.equal(snap.byOperation['REST GET /demographics/{id}'], 1);
    assert.equal((await admin('/stats/reset', { method: 'POST' })).status, 204);
    assert.equal(h.stats.count(), 0);
    const r = await admin('/restart', { method: 'POST' });
    assert.deepEqual(await r.json(), { jvmStartMillis: 1 });
    assert.equal(h.restarts, 1);
  });

  it('is absent when disabled', async () => {
    const off = await start(false);
    try {
      const r = await fetch(`${off.origin}/__sim/stats`);
      assert.equal(r.status, 404);
      assert.match(await r.text(), /HTTP Status 404/);
    } finally { await stop(off); }
  });
});
