// The facade's cache as one piece (src/cache/index.ts): switched off by a zero budget; evictions
// applied here at once and told to the other instances; what the others tell applied here; a write
// refused before its OSCAR call when the bus is down; the feed polled only when configured and led.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFacadeCache, type CacheSettings, type FacadeCacheOptions } from '../../src/cache/index.js';
import type { Logger } from '../../src/logging.js';
import type { OscarClient } from '../../src/oscar/client.js';
import type { Invalidation } from '../../src/state/index.js';

const SETTINGS: CacheSettings = { maxBytes: 1_000_000, documentMaxBytes: 0, ttlSeconds: 600, pollSeconds: 0, feedRows: 100 };
const IDENTITY = { baseUrl: 'http://oscar', restToken: 't', soapUser: 'u' };

interface Fake { client: OscarClient; reads: () => number; feedPolls: () => number }
function fakeOscar(): Fake {
  let reads = 0;
  let feedPolls = 0;
  const none = async (): Promise<unknown[]> => { feedPolls++; return []; };
  const client = {
    async soapGetDemographic2(id: number) { reads++; return { demographicNo: id }; },
    async restUpdateDemographic() { return undefined; },
    soapGetActiveDemographicsAfter: none, soapGetAppointmentsUpdatedAfterDate: none, soapGetAllergiesUpdatedAfterDate: none,
    soapGetPreventionsUpdatedAfterDate: none, soapGetDocumentsUpdateAfterDate: none,
    somethingNew: () => 1,
  } as unknown as OscarClient;
  return { client, reads: () => reads, feedPolls: () => feedPolls / 5 };
}

function busAndLog() {
  const published: Invalidation[] = [];
  const listeners: ((m: Invalidation) => void)[] = [];
  const logs: string[] = [];
  let connected = true;
  let publishFails = false;
  const state = {
    invalidation: {
      async publish(m: Invalidation) { if (publishFails) throw Object.assign(new Error('down'), { name: 'StateUnavailableError' }); published.push(m); },
      subscribe(l: (m: Invalidation) => void) { listeners.push(l); },
      assertConnected() { if (!connected) throw Object.assign(new Error('bus down'), { name: 'StateUnavailableError' }); },
    },
    leadership: { leads: async (role: string) => { logs.push(`leads? ${role}`); return true; } },
  };
  const logger = { warn: (f: unknown, msg: string) => logs.push(`warn ${JSON.stringify(f)} ${msg}`), info: () => {} } as unknown as Logger;
  return {
    state, logger, published, logs, hear: (m: Invalidation) => listeners.forEach((l) => l(m)),
    disconnect: () => { connected = false; }, failPublish: () => { publishFails = true; },
  };
}

const create = (f: Fake, over: Partial<FacadeCacheOptions> = {}) =>
  createFacadeCache({ oscar: f.client, identity: IDENTITY, settings: SETTINGS, timezone: 'America/Toronto', ...over });

describe('the facade cache', () => {
  it('is off with a zero budget: the very client, nothing kept, nothing polled', async () => {
    const f = fakeOscar();
    const c = create(f, { settings: { ...SETTINGS, maxBytes: 0 } });
    assert.equal(c.enabled, false);
    assert.equal(c.oscar, f.client);
    assert.deepEqual(c.usage(), { main: { bytes: 0, entries: 0, maxBytes: 0 }, documents: { bytes: 0, entries: 0, maxBytes: 0 } });
    assert.equal(await c.pollChanges(), 0);
    assert.equal(c.lastChangePoll(), 0);
    const res = await c.serveWith({}, 'http://x/fhir', { all: () => [] })({ method: 'GET', path: '/Patient/1', query: [], headers: {}, requestId: 'r' }, async () => ({ status: 200, headers: {} }));
    assert.deepEqual(res, { status: 200, headers: {} });
    await c.invalidate({ kind: 'demographic', id: 1 });
    await c.invalidateAll();
    c.start();
    c.close();
  });

  it('is on with a budget of one byte, and reports its budgets', () => {
    const c = create(fakeOscar(), { settings: { ...SETTINGS, maxBytes: 1, documentMaxBytes: 4_000 } });
    assert.equal(c.enabled, true);
    assert.deepEqual(c.usage(), { main: { bytes: 0, entries: 0, maxBytes: 1 }, documents: { bytes: 0, entries: 0, maxBytes: 4_000 } });
  });

  it('applies an eviction here, then tells the other instances what it named', async () => {
    const f = fakeOscar();
    const b = busAndLog();
    const c = create(f, { state: b.state as never, logger: b.logger });
    await c.oscar.soapGetDemographic2(1001);
    await c.invalidate({ kind: 'demographic', id: 1001 });
    await c.oscar.soapGetDemographic2(1001);
    assert.equal(f.reads(), 2);
    await c.invalidateAll();
    await c.oscar.soapGetDemographic2(1001);
    assert.equal(f.reads(), 3);
    assert.deepEqual(b.published, [{ tags: ['demographic-lists', 'demographic:1001'] }, { all: true }]);
  });

  it('applies what another instance tells, by tag or all at once', async () => {
    const f = fakeOscar();
    const b = busAndLog();
    const c = create(f, { state: b.state as never });
    await c.oscar.soapGetDemographic2(1001);
    b.hear({ tags: ['demographic:2'] });
    await c.oscar.soapGetDemographic2(1001);
    assert.equal(f.reads(), 1);
    b.hear({ tags: ['demographic:1001'] });
    await c.oscar.soapGetDemographic2(1001);
    assert.equal(f.reads(), 2);
    b.hear({ all: true });
    await c.oscar.soapGetDemographic2(1001);
    assert.equal(f.reads(), 3);
  });

  it('still evicts here when the others cannot be told, and says so without failing the write', async () => {
    const f = fakeOscar();
    const b = busAndLog();
    const c = create(f, { state: b.state as never, logger: b.logger });
    await c.oscar.soapGetDemographic2(1001);
    b.failPublish();
    await c.oscar.restUpdateDemographic({ demographicNo: 1001 } as never);
    await c.oscar.soapGetDemographic2(1001);
    assert.equal(f.reads(), 2);
    assert.deepEqual(b.logs, ['warn {"error":"StateUnavailableError"} cache invalidation could not be told to the other instances']);
  });

  it('refuses a write before its OSCAR call when the bus is down', async () => {
    const f = fakeOscar();
    const b = busAndLog();
    const c = create(f, { state: b.state as never });
    b.disconnect();
    await assert.rejects(c.oscar.restUpdateDemographic({ demographicNo: 1001 } as never), { name: 'StateUnavailableError' });
    assert.deepEqual(b.published, []);
  });

  it('warns once per unclassified client method', () => {
    const f = fakeOscar();
    const b = busAndLog();
    const c = create(f, { logger: b.logger }) as unknown as { oscar: OscarClient & { somethingNew(): number } };
    c.oscar.somethingNew();
    c.oscar.somethingNew();
    assert.deepEqual(b.logs, ['warn {"method":"somethingNew"} OscarClient method not classified in src/cache/upstream-ops.ts: the cache is dropped after every call']);
  });

  it('polls the feed on demand, and on its timer only when an interval is set, asking who leads', async () => {
    const f = fakeOscar();
    const off = create(f);
    off.start();
    await new Promise((r) => setTimeout(r, 1_200));
    off.close();
    assert.equal(f.feedPolls(), 0, 'pollSeconds 0: no timer');
    assert.equal(await off.pollChanges(), 0);
    assert.equal(f.feedPolls(), 1);
    assert.ok(off.lastChangePoll() > 0);

    const g = fakeOscar();
    const b = busAndLog();
    const on = create(g, { settings: { ...SETTINGS, pollSeconds: 1 }, state: b.state as never });
    on.start();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(g.feedPolls(), 0, 'not before the interval');
    for (let i = 0; i < 50 && g.feedPolls() < 1; i++) await new Promise((r) => setTimeout(r, 100));
    on.close();
    assert.equal(g.feedPolls(), 1, 'one poll after one second');
    assert.deepEqual(b.logs, ['leads? change-feed']);
  });
});
