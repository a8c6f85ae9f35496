// The change feed against a fake OSCAR: a page of changes short of the page size invalidates each
// changed record; a full page means changes may have been missed, so everything is dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangeFeed } from '../../src/cache/change-feed.js';
import type { RecordChange } from '../../src/cache/tags.js';
import type { OscarClient } from '../../src/oscar/client.js';

/** An OSCAR whose appointment feed answers `rows(itemsToReturn)` rows; the other feeds are quiet. */
function fakeOscar(rows: (itemsToReturn: number) => number): OscarClient {
  const none = async (): Promise<unknown[]> => [];
  return {
    soapGetActiveDemographicsAfter: none, soapGetAllergiesUpdatedAfterDate: none, soapGetPreventionsUpdatedAfterDate: none, soapGetDocumentsUpdateAfterDate: none,
    async soapGetAppointmentsUpdatedAfterDate(_since: unknown, itemsToReturn: number) {
      return Array.from({ length: rows(itemsToReturn) }, (_, i) => ({ id: i + 1, demographicNo: 1001, updateDateTime: '2026-12-06T10:00:00' }));
    },
  } as unknown as OscarClient;
}

function feedOver(oscar: OscarClient): { feed: ChangeFeed; invalidated: RecordChange[]; cleared: () => number } {
  const invalidated: RecordChange[] = [];
  let cleared = 0;
  const feed = new ChangeFeed({
    oscar, timezone: 'America/Toronto', intervalMs: 60_000, pageRows: 7,
    invalidate: (c) => { invalidated.push(...c); }, clearAll: () => { cleared++; },
  });
  return { feed, invalidated, cleared: () => cleared };
}

test('a full page of changes drops the whole cache', async () => {
  const { feed, invalidated, cleared } = feedOver(fakeOscar((page) => page));
  await feed.pollNow();
  assert.equal(cleared(), 1);
  assert.equal(invalidated.length, 0, 'nothing to pick out: everything went');
});

test('one row short of a full page invalidates exactly the changed records', async () => {
  let page = 0;
  const { feed, invalidated, cleared } = feedOver(fakeOscar((n) => { page = n; return n - 1; }));
  await feed.pollNow();
  assert.equal(page, 7, 'the feed asks for the configured page of rows');
  assert.equal(cleared(), 0);
  assert.equal(invalidated.length, page - 1);
  assert.deepEqual(invalidated[0], { kind: 'appointment', id: 1, patient: 1001 });
});

test('each feed reads its own fields, keeps its own cursor and is counted under its own kind', async () => {
  // Wall-clock stamps in the clinic's zone (America/Toronto, EST in December: UTC-5).
  const since: Record<string, unknown[]> = {};
  const asked = (kind: string, s: unknown): void => { (since[kind] ??= []).push(s); };
  const oscar = {
    async soapGetActiveDemographicsAfter(s: unknown) { asked('demographic', s); return [{ demographicNo: 1001, lastUpdateDate: '2026-12-06T10:00:00' }]; },
    async soapGetAppointmentsUpdatedAfterDate(s: unknown) {
      asked('appointment', s);
      return [{ id: 7, demographicNo: 1002, updateDateTime: '2026-12-06T11:00:00' }, { id: 8, demographicNo: 1003, updateDateTime: '2026-12-06T11:30:00' }];
    },
    async soapGetAllergiesUpdatedAfterDate(s: unknown) { asked('allergy', s); return [{ id: 3, demographicNo: 1004, lastUpdateDate: '2026-12-06T09:00:00' }]; },
    async soapGetPreventionsUpdatedAfterDate(s: unknown) { asked('prevention', s); return [{ id: 4, demographicId: 1005, lastUpdateDate: '2026-12-06T08:00:00' }]; },
    async soapGetDocumentsUpdateAfterDate(s: unknown) {
      asked('document', s);
      return [
        { documentNo: 5, ctlModule: 'demographic', ctlModuleId: 1006, updatedatetime: '2026-12-06T07:00:00' },
        { documentNo: 6, ctlModule: 'provider', ctlModuleId: 999998, updatedatetime: '2026-12-06T07:00:00' },
      ];
    },
  } as unknown as OscarClient;
  const counted: [string, number][] = [];
  const invalidated: RecordChange[] = [];
  const feed = new ChangeFeed({
    oscar, timezone: 'America/Toronto', intervalMs: 60_000, pageRows: 7, now: () => Date.parse('2026-12-06T05:00:00Z'),
    invalidate: (c) => { invalidated.push(...c); }, clearAll: () => assert.fail('no page is full'),
    observer: { changes: (kind, n) => { counted.push([kind, n]); }, poll: () => {} },
  });
  await feed.pollNow();
  assert.deepEqual(counted, [['demographic', 1], ['appointment', 2], ['allergy', 1], ['prevention', 1], ['document', 2]]);
  assert.deepEqual(invalidated, [
    { kind: 'demographic', id: 1001, patient: undefined },
    { kind: 'appointment', id: 7, patient: 1002 }, { kind: 'appointment', id: 8, patient: 1003 },
    { kind: 'allergy', id: 3, patient: 1004 },
    { kind: 'prevention', id: 4, patient: 1005 },
    { kind: 'document', id: 5, patient: 1006 }, { kind: 'document', id: 6, patient: undefined },
  ]);
  await feed.pollNow();
  // The first poll starts 10 s before now (5 s before the start, less 5 s of overlap); the second
  // starts each feed 5 s before the newest stamp that feed saw.
  for (const kind of Object.keys(since)) assert.equal(Number(since[kind]![0]), Date.parse('2026-12-06T05:00:00Z') - 10_000, kind);
  const second = (kind: string): number => Number(since[kind]![1]);
  assert.equal(second('demographic'), Date.parse('2026-12-06T15:00:00Z') - 5_000);
  assert.equal(second('appointment'), Date.parse('2026-12-06T16:30:00Z') - 5_000);
  assert.equal(second('allergy'), Date.parse('2026-12-06T14:00:00Z') - 5_000);
  assert.equal(second('prevention'), Date.parse('2026-12-06T13:00:00Z') - 5_000);
  assert.equal(second('document'), Date.parse('2026-12-06T12:00:00Z') - 5_000);
  assert.equal(counted.length, 5, 'rows seen before are not counted again');
});
