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
