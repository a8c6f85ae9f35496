// Text with XML markup, CDATA ends, quotes and CR/LF travels to OSCAR escaped — as data, never as
// SOAP structure or HTTP headers — and comes back unchanged. A recording proxy between the facade
// and the simulator shows exactly what OSCAR received.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { createFacade, type Facade } from '../../src/app.js';
import { connectionFromCredentials, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }

let sim: Simulator;
let proxy: http.Server;
let facade: Facade;
let base: string;
const seen: Seen[] = [];

before(async () => {
  sim = await startSimulator({ port: 0 });
  const target = new URL(sim.url);
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: body.toString('utf8') });
      const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${target.pathname}`;
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', VALIDATION_MODE: 'strict', CACHE_MAX_BYTES: '0', OSCAR_TIMEZONE: sim.store.timezone, CAPABILITY_DISCOVERY: 'false' });
  const c = sim.options.credentials;
  facade = createFacade(config, connectionFromCredentials(proxyUrl, c), createLogger('silent'));
  base = `http://127.0.0.1:${await facade.listen()}/fhir`;
});
after(async () => {
  await facade.close();
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
  await sim.close();
});

const HOSTILE = `O'Brien & <Sons></arg2><arg0>1001</arg0> ]]> "q"\r\nX-Injected: yes`;
const parser = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: false });

it('a hostile search value reaches OSCAR as one escaped SOAP argument and no header', async () => {
  seen.length = 0;
  const r = await fetch(`${base}/Patient?family=${encodeURIComponent(HOSTILE)}`);
  assert.equal(r.status, 200);
  assert.equal(((await r.json()) as { total?: number }).total, 0);
  const call = seen.find((s) => s.body.includes('searchDemographicsByAttributes'));
  assert.ok(call, 'the search went to SOAP');
  assert.ok(!call.body.includes('</arg2><arg0>1001'), 'markup was not passed through raw');
  assert.ok(call.body.includes('&lt;/arg2&gt;&lt;arg0&gt;1001'), 'markup was escaped');
  const op = parser.parse(call.body).Envelope.Body.searchDemographicsByAttributes as Record<string, unknown>;
  assert.equal(op.arg0, undefined, 'no injected element');
  // The whole value is the one lastName argument: markup as text, CR LF as character references
  // (so no XML parser can normalise them away). The search itself may rewrite characters it
  // treats specially (an apostrophe), which is not what is checked here.
  assert.ok(call.body.includes('&#xD;&#xA;X-Injected: yes'), 'CR LF escaped as character references');
  assert.ok(String(op.arg2).includes('& <Sons></arg2><arg0>1001</arg0> ]]> "q"&#xD;&#xA;X-Injected: yes'), String(op.arg2));
  for (const s of seen) assert.equal(s.headers['x-injected'], undefined, 'no header injection');
});

it('a patient created with hostile text is stored and read back exactly', async () => {
  seen.length = 0;
  const family = `O'Brien & <b>Sons</b> ]]>`;
  const given = `"Zed"\r\nNext line`;
  const res = await fetch(`${base}/Patient`, {
    method: 'POST', headers: { 'content-type': 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'Patient', name: [{ family, given: [given] }], gender: 'male', birthDate: '1979-12-31' }),
  });
  assert.equal(res.status, 201);
  const created = (await res.json()) as { id: string };
  const write = seen.find((s) => s.method === 'POST' && s.url.includes('/ws/services/demographics'));
  assert.ok(write, 'the create went to REST');
  assert.equal(write.headers['content-type'], 'application/json');
  const sent = JSON.parse(write.body) as { lastName: string; firstName: string };
  assert.equal(sent.lastName, family);
  assert.equal(sent.firstName, given);
  const row = sim.store.demographic(Number(created.id));
  assert.equal(row?.lastName, family, 'OSCAR stored the text itself');
  assert.equal(row?.firstName, given);
  const read = (await (await fetch(`${base}/Patient/${created.id}`)).json()) as { name: { family: string; given: string[] }[] };
  assert.equal(read.name[0]?.family, family, 'read back through SOAP unchanged');
  assert.equal(read.name[0]?.given[0], given, 'CR LF survives the SOAP answer too');
});
