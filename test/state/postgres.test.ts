// The state on PostgreSQL (STATE_DATABASE_URL), on a real server started by the test: the same
// contract as in-process, then what only a shared store does — several instances (here several
// states on one database) see one another's locks, messages and leadership, the schema is
// versioned, and an outage is survived without a restart.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { LockTimeoutError, StateUnavailableError, type FacadeState, type Invalidation, type Place } from '../../src/state/index.js';
import { openPostgresState, SchemaTooNewError, SCHEMA_VERSION } from '../../src/state/postgres/index.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { stateContract } from './contract.js';

let db: TestPostgres;
const opened: FacadeState[] = [];
const open = async (clinic = 'default', ackTimeoutMs = 2_000): Promise<FacadeState> => {
  const s = await openPostgresState({ url: db.url, clinic, ackTimeoutMs });
  opened.push(s);
  return s;
};

before(async () => { db = await startPostgres(); });
after(async () => {
  for (const s of opened) {
    const t = Date.now();
    await s.close().catch(() => {});
    if (process.env.DEBUG_CLOSE) console.log('closed state', Date.now() - t);
  }
  const t = Date.now();
  await db.close();
  if (process.env.DEBUG_CLOSE) console.log('closed db', Date.now() - t);
});

stateContract('postgres', () => open(), () => open('clinic-2'));

const until = async (what: string, ok: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return;
    await sleep(50);
  }
  assert.fail(`${what}: not within ${ms} ms`);
};

describe('postgres: between instances', () => {
  it('a lock held by one instance keeps the other waiting, then passes to it', async () => {
    const [a, b] = [await open(), await open()];
    const held = await a.locks.acquire('Appointment/7', { waitMs: 1_000, leaseMs: 10_000 });
    await assert.rejects(b.locks.acquire('Appointment/7', { waitMs: 100, leaseMs: 10_000 }), LockTimeoutError);
    const waiting = b.locks.acquire('Appointment/7', { waitMs: 5_000, leaseMs: 10_000 });
    await sleep(100);
    await held.release();
    await (await waiting).release();
  });

  it('a holder that never releases loses the lock when its lease ends', async () => {
    const [a, b] = [await open(), await open()];
    await a.locks.acquire('Patient/9', { waitMs: 1_000, leaseMs: 300 });
    const next = await b.locks.acquire('Patient/9', { waitMs: 5_000, leaseMs: 10_000 });
    await next.release();
  });

  it('a used assertion id is refused by another instance', async () => {
    const [a, b] = [await open(), await open()];
    assert.equal(await a.once.claim('client-x\u0000jti-1', 60_000), true);
    assert.equal(await b.once.claim('client-x\u0000jti-1', 60_000), false);
  });

  it('rate limits count every instance\'s requests', async () => {
    const [a, b] = [await open(), await open()];
    assert.equal(await a.rateLimits.take('ip:10.0.0.1', 2), 0);
    assert.equal(await b.rateLimits.take('ip:10.0.0.1', 2), 0);
    assert.ok(await a.rateLimits.take('ip:10.0.0.1', 2) >= 1, 'the third request of the minute, through either instance, waits');
  });

  it('publish resolves only after every other instance has applied the message', async () => {
    const [a, b, c] = [await open(), await open(), await open()];
    const heard: string[] = [];
    b.invalidation.subscribe((m) => { if ('tags' in m) heard.push(`b:${m.tags.join()}`); });
    c.invalidation.subscribe((m) => { if ('tags' in m) heard.push(`c:${m.tags.join()}`); });
    await a.invalidation.publish({ tags: ['demographic:1001'] });
    assert.deepEqual(heard.sort(), ['b:demographic:1001', 'c:demographic:1001']);
    const other = await open('clinic-2');
    let otherHeard = false;
    other.invalidation.subscribe((m) => { if ('tags' in m) otherHeard = true; });
    await a.invalidation.publish({ tags: ['demographic:1002'] });
    await sleep(100);
    assert.equal(otherHeard, false, 'another clinic\'s instances are not told');
  });

  it('an instance that does not acknowledge is cut off in time, and the write goes on', async () => {
    const a = await open('default', 300);
    // A member that listens but never acknowledges (a hung instance).
    const mute = new pg.Client({ connectionString: db.url });
    let cutOff = false;
    mute.on('error', () => { cutOff = true; });
    await mute.connect();
    await mute.query('LISTEN oscar_fhir_invalidate');
    await mute.query(`INSERT INTO oscar_fhir_state.member (instance, clinic, pid, backend_start)
      SELECT 'mute', 'default', pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()`);
    const started = Date.now();
    await a.invalidation.publish({ tags: ['appointment:5'] });
    assert.ok(Date.now() - started >= 250, 'it waited for the acknowledgement');
    await until('the silent member is disconnected', () => cutOff, 5_000);
    await mute.end().catch(() => {});
  });

  it('instances of a clinic count one another, and only their clinic\'s; one that leaves is no longer counted', async () => {
    const a = await open('members');
    assert.deepEqual(a.membership.place(), { rank: 0, count: 1 });
    const told: Place[] = [];
    a.membership.onChange((p) => told.push(p));
    const b = await open('members');
    await open('members-elsewhere');
    await until('a counts b', () => a.membership.place().count === 2);
    assert.deepEqual(b.membership.place().count, 2);
    assert.deepEqual([a.membership.place().rank, b.membership.place().rank].sort(), [0, 1], 'each has a place of its own');
    await b.close();
    await until('a alone again', () => a.membership.place().count === 1);
    assert.deepEqual(a.membership.place(), { rank: 0, count: 1 });
    assert.deepEqual(told.map((p) => p.count), [2, 1], 'a was told of each change');
  });

  it('one instance leads a role; another takes it over when the leader goes', async () => {
    const [a, b] = [await open(), await open()];
    const first = await a.leadership.leads('feed-test');
    assert.equal(first, true);
    assert.equal(await b.leadership.leads('feed-test'), false);
    assert.equal(await a.leadership.leads('feed-test'), true, 'still the leader');
    await a.close();
    await until('b leads', () => b.leadership.leads('feed-test'));
  });
});

describe('postgres: schema versions', () => {
  it('migrating again changes nothing; a database newer than the code is refused with a clear error', async () => {
    const s = await open();
    await s.close();
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      assert.equal(Number((await c.query('SELECT max(version) AS v FROM oscar_fhir_state.schema_version')).rows[0].v), SCHEMA_VERSION);
      await c.query('INSERT INTO oscar_fhir_state.schema_version (version) VALUES ($1)', [SCHEMA_VERSION + 1]);
      await assert.rejects(openPostgresState({ url: db.url, clinic: 'default' }),
        (e: unknown) => e instanceof SchemaTooNewError && (e as Error).message.includes(`schema version ${SCHEMA_VERSION + 1}, newer than this oscar-fhir knows (${SCHEMA_VERSION})`));
    } finally {
      await c.query('DELETE FROM oscar_fhir_state.schema_version WHERE version > $1', [SCHEMA_VERSION]);
      await c.end();
    }
  });
});

describe('postgres: the database goes away and comes back', () => {
  it('answers 503-errors while down, keeps counting rate limits locally, and recovers without a restart', async () => {
    const a = await open();
    const told: Invalidation[] = [];
    a.invalidation.subscribe((m) => told.push(m));
    assert.equal(await a.check(), undefined);
    await db.stop();
    await assert.rejects(a.once.claim('down-jti', 60_000), StateUnavailableError);
    await assert.rejects(a.documents.get('Session', 'x'), StateUnavailableError);
    await assert.rejects(a.locks.acquire('Patient/1', { waitMs: 500, leaseMs: 1_000 }), StateUnavailableError);
    assert.equal(await a.rateLimits.take('ip:down', 60), 0, 'rate limits still answer');
    assert.equal(await a.check(), 'unreachable');
    await until('the listener notices', () => { try { a.invalidation.assertConnected(); return false; } catch (e) { return e instanceof StateUnavailableError; } });
    assert.ok(told.some((m) => 'all' in m), 'the cache is told to drop everything');
    assert.equal(await a.leadership.leads('change-feed'), true, 'while cut off it polls for itself');
    await db.start();
    await until('ready again', async () => (await a.check()) === undefined, 20_000);
    assert.equal(await a.once.claim('up-jti', 60_000), true);
    await a.invalidation.publish({ tags: ['x:1'] });
  });
});
