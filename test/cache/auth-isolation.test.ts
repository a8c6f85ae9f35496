// Cached entries never reach a client that may not see them: the cache is shared by everyone
// (keyed by OSCAR request, not by caller), and the router's auth hooks run on every request,
// before (beforeInteraction) and after (checkResource) the cache. Built here from the real
// pieces (simulator, OscarClient, cache, registry, router, HTTP handler) with test hooks: the
// caller is named by a header, may read only its own Patient, and needs a read scope.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createFacadeCache, type FacadeCache } from '../../src/cache/index.js';
import { createRouter, forbidden, type RouterHooks } from '../../src/fhir/index.js';
import { createFhirHandler } from '../../src/http/fhir-handler.js';
import { createRouteLabeler } from '../../src/http/route-label.js';
import { fhirSecurityHeaders } from '../../src/http/security-headers.js';
import { createLogger } from '../../src/logging.js';
import { OscarClient } from '../../src/oscar/client.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { DEFAULT_SEARCH_LIMITS } from '../../src/resources/deps.js';
import { ProviderDirectory } from '../../src/resources/provider-directory.js';
import { buildRegistry } from '../../src/resources/registry.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { loadValidators } from '../../src/validation/index.js';

interface Caller { patient: string; scopes: string[] }

const hooks: Pick<RouterHooks, 'beforeInteraction' | 'checkResource'> = {
  beforeInteraction(ctx, info) {
    const who = ctx.auth as Caller;
    if (info.type && !who.scopes.includes(`${info.type}.read`)) throw forbidden(`no ${info.type}.read scope`);
  },
  checkResource(ctx, r) {
    const who = ctx.auth as Caller;
    if (r.resourceType === 'Patient' && r.id !== who.patient) throw forbidden('outside your compartment');
  },
};

describe('two clients with different access share the cache but never each other\'s entries', () => {
  let sim: Simulator;
  let server: Server;
  let cache: FacadeCache;
  let oscar: OscarClient;
  let base = '';

  before(async () => {
    loadValidators();
    const c = demoCredentials({});
    sim = await startSimulator({ port: 0, credentials: c });
    oscar = new OscarClient({
      baseUrl: sim.url, timezone: sim.store.timezone,
      oauth: { consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, token: c.accessToken, tokenSecret: c.accessTokenSecret },
      soap: { userName: c.soapUserName, password: c.soapPassword },
    });
    cache = createFacadeCache({
      oscar, timezone: sim.store.timezone,
      identity: { baseUrl: sim.url, restToken: c.accessToken, soapUser: c.soapUserName },
      settings: { maxBytes: 8 * 1024 * 1024, documentMaxBytes: 0, ttlSeconds: 600, pollSeconds: 0, feedRows: 1000 },
    });
    const logger = createLogger('silent');
    const baseUrl = 'http://127.0.0.1/fhir';
    const registry = buildRegistry({
      oscar: cache.oscar, mapping: defaultMappingConfig({ timezone: sim.store.timezone }), providers: new ProviderDirectory(cache.oscar),
      baseUrl, limits: DEFAULT_SEARCH_LIMITS,
    }, { mode: 'strict', logger });
    const router = createRouter({ registry, baseUrl, timezone: sim.store.timezone, hooks });
    const handler = createFhirHandler({
      router, basePath: '/fhir', bodyLimitBytes: 1_000_000, logger, routeLabel: createRouteLabeler(registry.types()),
      baseHeaders: fhirSecurityHeaders({ https: false, cors: false }),
      authenticate: (req): Caller => ({ patient: String(req.headers['x-patient']), scopes: String(req.headers['x-scopes'] ?? '').split(' ') }),
      serve: cache.serveWith(hooks, baseUrl, registry),
    });
    server = createServer((req, res) => { void handler(req, res); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  });
  after(async () => {
    await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
    oscar.close();
    await sim.close();
  });

  const read = async (id: string, patient: string, scopes = 'Patient.read'): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${base}/Patient/${id}`, { headers: { 'x-patient': patient, 'x-scopes': scopes } });
    return { status: res.status, text: await res.text() };
  };

  test('a cached Patient is refused to the other patient, to a caller without the scope, and served to its owner', async () => {
    const own = await read('1001', '1001');
    assert.equal(own.status, 200);
    assert.match(own.text, /"family":"DOE"/);
    assert.equal((await read('1001', '1001')).status, 200, 'now a cache hit');

    sim.stats.reset();
    const other = await read('1001', '1002');
    assert.equal(other.status, 403);
    assert.doesNotMatch(other.text, /DOE/, 'not a byte of the cached entry');
    const noScope = await read('1001', '1001', 'Appointment.read');
    assert.equal(noScope.status, 403);
    assert.doesNotMatch(noScope.text, /DOE/);
    assert.equal(sim.stats.count(), 0, 'refusals are decided without OSCAR');

    assert.equal((await read('1002', '1002')).status, 200);
    assert.equal((await read('1002', '1001')).status, 403, 'and the other way round');
  });

  test('a refused If-None-Match with the right ETag still gets a 403, not a 304', async () => {
    const own = await fetch(`${base}/Patient/1003`, { headers: { 'x-patient': '1003', 'x-scopes': 'Patient.read' } });
    const etag = own.headers.get('etag')!;
    await own.arrayBuffer();
    const other = await fetch(`${base}/Patient/1003`, { headers: { 'x-patient': '1004', 'x-scopes': 'Patient.read', 'if-none-match': etag } });
    assert.equal(other.status, 403);
    await other.arrayBuffer();
  });
});
