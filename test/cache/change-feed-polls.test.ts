// Change-feed polls over time (src/cache/change-feed.ts): a row seen again with the same stamp is
// no new change, a new stamp is; a failing feed does not stop the others; the outage is logged once
// and its end once; only the leading instance polls on the timer. Stamps are wall-clock text in
// the clinic's zone (America/Toronto, EST in December: UTC-5), instants are literals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangeFeed, type ChangeFeedOptions } from '../../src/cache/change-feed.js';
import type { RecordChange } from '../../src/cache/tags.js';
import type { Logger } from '../../src/logging.js';
import type { OscarClient } from '../../src/oscar/client.js';

type Rows = Record<string, unknown>[];

interface Harness {
  feed: ChangeFeed;
  /** The appointment feed's next answer (an Error is thrown). */
  appointments: { next: Rows | Error };
  since: number[];
  invalidated: RecordChange[][];
  cleared: () => number;
  polls: string[];
  logs: string[];
}

function harness(over: Partial<ChangeFeedOptions> = {}): Harness {
  const appointments: { next: Rows | Error } = { next: [] };
  const since: number[] = [];
  const none = async (): Promise<Rows> => [];
  const oscar = {
    soapGetActiveDemographicsAfter: none, soapGetAllergiesUpdatedAfterDate: none, soapGetPreventionsUpdatedAfterDate: none,
    soapGetDocumentsUpdateAfterDate: none,
    async soapGetAppointmentsUpdatedAfterDate(s: number) {
      since.push(s);
      if (appointments.next instanceof Error) throw appointments.next;
      return appointments.next;
    },
  } as unknown as OscarClient;
  const invalidated: RecordChange[][] = [];
  let cleared = 0;
  const polls: string[] = [];
  const logs: string[] = [];
  const logger = {
    warn: (fields: unknown, msg: string) => logs.push(`warn ${JSON.stringify(fields)} ${msg}`),
    info: (msg: string) => logs.push(`info ${msg}`),
  } as unknown as Logger;
  const feed = new ChangeFeed({
    oscar, timezone: 'America/Toronto', intervalMs: 60_000, pageRows: 3, now: () => Date.parse('2026-12-06T15:00:00Z'),
    invalidate: (c) => { invalidated.push([...c]); }, clearAll: () => { cleared++; }, logger,
    observer: { poll: (outcome) => polls.push(outcome), changes: () => {} },
    ...over,
  });
  return { feed, appointments, since, invalidated, cleared: () => cleared, polls, logs };
}

const row = (id: number, stamp: string) => ({ id, demographicNo: 1001, updateDateTime: stamp });

test('a row seen again with the same stamp is no change; with a new stamp it is', async () => {
  const h = harness();
  h.appointments.next = [row(7, '2026-12-06T10:00:00'), row(8, '2026-12-06T10:00:01')];
  assert.equal(await h.feed.pollNow(), 2);
  assert.equal(await h.feed.pollNow(), 0);
  h.appointments.next = [row(7, '2026-12-06T10:00:00'), row(8, '2026-12-06T10:00:02')];
  assert.equal(await h.feed.pollNow(), 1);
  assert.deepEqual(h.invalidated, [
    [{ kind: 'appointment', id: 7, patient: 1001 }, { kind: 'appointment', id: 8, patient: 1001 }],
    [{ kind: 'appointment', id: 8, patient: 1001 }],
  ]);
  // the cursor: the newest stamp seen (15:00:02Z), less the 5 s overlap
  assert.equal(h.since[3 - 1], Date.parse('2026-12-06T15:00:01Z') - 5_000);
  assert.equal(h.since.length, 3);
});

test('the cursor never moves back for an older row', async () => {
  const h = harness();
  h.appointments.next = [row(7, '2026-12-06T10:00:00')];
  await h.feed.pollNow();
  h.appointments.next = [row(9, '2026-12-06T09:00:00')];
  await h.feed.pollNow();
  await h.feed.pollNow();
  assert.deepEqual(h.since.slice(1), [Date.parse('2026-12-06T15:00:00Z') - 5_000, Date.parse('2026-12-06T15:00:00Z') - 5_000]);
});

test('a row without a stamp is a change at every poll (it has no place in the window to be remembered by)', async () => {
  const h = harness();
  h.appointments.next = [{ id: 7, demographicNo: 1001, updateDateTime: '' }];
  assert.equal(await h.feed.pollNow(), 1);
  assert.equal(await h.feed.pollNow(), 1);
  assert.equal(h.since[1], Date.parse('2026-12-06T14:59:50Z'), 'and it does not move the cursor');
});

test('a full page drops everything instead of invalidating; one short of it invalidates', async () => {
  const h = harness();
  h.appointments.next = [row(1, '2026-12-06T10:00:00'), row(2, '2026-12-06T10:00:00'), row(3, '2026-12-06T10:00:00')];
  assert.equal(await h.feed.pollNow(), 3);
  assert.equal(h.cleared(), 1);
  assert.deepEqual(h.invalidated, []);
  h.appointments.next = [row(4, '2026-12-06T10:00:01'), row(5, '2026-12-06T10:00:01')];
  await h.feed.pollNow();
  assert.equal(h.cleared(), 1);
  assert.equal(h.invalidated.length, 1);
});

test('a failing feed leaves the others applied, is logged once per outage, and its recovery once', async () => {
  const h = harness();
  const failure = Object.assign(new Error('down'), { name: 'UpstreamError', operation: 'getAppointmentsUpdatedAfterDate' });
  h.appointments.next = failure;
  assert.equal(await h.feed.pollNow(), 0);
  assert.equal(h.feed.lastSuccess, 0);
  await h.feed.pollNow();
  h.appointments.next = [row(7, '2026-12-06T10:00:00')];
  assert.equal(await h.feed.pollNow(), 1);
  assert.equal(h.feed.lastSuccess, Date.parse('2026-12-06T15:00:00Z'));
  await h.feed.pollNow();
  assert.deepEqual(h.polls, ['error', 'error', 'ok', 'ok']);
  assert.deepEqual(h.logs, [
    'warn {"error":"UpstreamError","operation":"getAppointmentsUpdatedAfterDate"} cache change feed: poll failed; cached entries rely on their TTL until it recovers',
    'info cache change feed: polls succeed again',
  ]);
  // while it failed, its cursor stayed where it was: 10 s before the start
  assert.deepEqual(h.since.slice(0, 3), [Date.parse('2026-12-06T14:59:50Z'), Date.parse('2026-12-06T14:59:50Z'), Date.parse('2026-12-06T14:59:50Z')]);
});

test('a poll asked for while one runs joins it', async () => {
  const h = harness();
  h.appointments.next = [row(7, '2026-12-06T10:00:00')];
  const a = h.feed.pollNow();
  const b = h.feed.pollNow();
  assert.equal(a, b);
  assert.equal(await a, 1);
  assert.equal(h.since.length, 1);
  await h.feed.pollNow();
  assert.equal(h.since.length, 2, 'a later poll is a new one');
});

test('a row the window has passed is forgotten, one at the window’s edge is still known', async () => {
  // Every cursor stays at its start, 15:00:15Z (now less 5 s): the window starts 5 s before, at 15:00:10Z.
  const h = harness({ now: () => Date.parse('2026-12-06T15:00:20Z') });
  const rows = [row(1, '2026-12-06T10:00:10'), row(2, '2026-12-06T10:00:09')];
  h.appointments.next = rows;
  assert.equal(await h.feed.pollNow(), 2);
  assert.equal(await h.feed.pollNow(), 1);
  assert.deepEqual(h.invalidated.at(-1), [{ kind: 'appointment', id: 2, patient: 1001 }]);
});

test('on the timer, only the instance that leads polls; one that cannot tell polls too', async () => {
  const run = async (leads: ChangeFeedOptions['leads']): Promise<number> => {
    const h = harness({ intervalMs: 5, leads });
    h.appointments.next = [];
    h.feed.start();
    h.feed.start();
    await new Promise((r) => setTimeout(r, 120));
    h.feed.stop();
    const n = h.since.length;
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(h.since.length, n, 'no poll after stop');
    return n;
  };
  assert.equal(await run(async () => false), 0);
  assert.ok(await run(async () => true) >= 1);
  assert.ok(await run(async () => { throw new Error('state down'); }) >= 1);
  assert.ok(await run(undefined) >= 1);
});

test('a stopped feed does not start', async () => {
  const h = harness({ intervalMs: 5 });
  h.feed.stop();
  h.feed.start();
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(h.since.length, 0);
});
