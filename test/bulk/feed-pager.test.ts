// Paging a change feed by a non-unique, second-precision stamp (src/bulk/feed-pager.ts) against a
// model of OSCAR's two kinds of "updated after" list: `>` and `>=` the bound, ordered by stamp,
// limited. Rows stamped in one second across a page boundary, and more rows in one second than a page.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { feedPage, FeedOverflowError, firstCursor, type FeedBound, type FeedCursor, type FeedPage } from '../../src/bulk/feed-pager.js';

interface Row { id: number; stampMs: number }

/** OSCAR's findByUpdateDate: `lastUpdateDate > ?` (or `>=`) ORDER BY lastUpdateDate, LIMIT. Ties in id order, as MySQL gives them. */
function oscarList(rows: readonly Row[], bound: FeedBound) {
  let calls = 0;
  const list = async (since: number, limit: number): Promise<Row[]> => {
    calls++;
    const after = rows.filter((r) => (bound === 'exclusive' ? r.stampMs > since : r.stampMs >= since));
    return after.sort((a, b) => a.stampMs - b.stampMs || a.id - b.id).slice(0, limit);
  };
  return { list, calls: () => calls };
}

async function readAll(rows: readonly Row[], bound: FeedBound, sinceMs: number, page: number, maxLimit = 5000): Promise<{ ids: number[]; calls: number }> {
  const oscar = oscarList(rows, bound);
  const ids: number[] = [];
  let cursor: FeedCursor | undefined = firstCursor(sinceMs, page);
  while (cursor) {
    const p: FeedPage<Row> = await feedPage(cursor, bound, oscar.list, (r: Row) => r, page, maxLimit);
    ids.push(...p.rows.map((r) => r.id));
    cursor = p.next;
    assert.ok(oscar.calls() < 1000, 'no loop');
  }
  return { ids, calls: oscar.calls() };
}

const S = 1_800_000_000_000;
/** 23 rows: 3 before `since`, then seconds holding 1, 7, 2, 9 and 1 rows. */
const ROWS: Row[] = [
  ...[1, 2, 3].map((id) => ({ id, stampMs: S - 5000 })),
  { id: 10, stampMs: S + 1000 },
  ...[11, 12, 13, 14, 15, 16, 17].map((id) => ({ id, stampMs: S + 2000 })),
  ...[18, 19].map((id) => ({ id, stampMs: S + 3000 })),
  ...[20, 21, 22, 23, 24, 25, 26, 27, 28].map((id) => ({ id, stampMs: S + 4000 })),
  { id: 29, stampMs: S + 5000 },
];
const AFTER_S = ROWS.filter((r) => r.stampMs > S).map((r) => r.id);

describe('change-feed paging', () => {
  for (const bound of ['exclusive', 'inclusive'] as const) {
    for (const page of [1, 2, 3, 4, 5, 8, 50]) {
      it(`${bound} bound, pages of ${page}: every row after _since once, in order`, async () => {
        const { ids } = await readAll(ROWS, bound, S, page);
        assert.deepEqual(ids, AFTER_S);
      });
    }
  }

  it('_since inside a second: rows of that second are not after it', async () => {
    const { ids } = await readAll(ROWS, 'exclusive', S + 2500, 3);
    assert.deepEqual(ids, ROWS.filter((r) => r.stampMs >= S + 3000).map((r) => r.id));
  });

  it('a second with more rows than OSCAR lists at once is refused, not cut', async () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ id: i + 1, stampMs: S + 1000 }));
    await assert.rejects(readAll(many, 'inclusive', S, 4, 16), FeedOverflowError);
    const { ids } = await readAll(many, 'inclusive', S, 4, 32);
    assert.deepEqual(ids, many.map((r) => r.id));
  });
});

describe('change-feed paging when OSCAR drops rows after its LIMIT (documents whose file is gone)', () => {
  /** A lossy list: the rows in `gone` are cut after the LIMIT, as OSCAR skips unreadable files. */
  function lossyList(rows: readonly Row[], gone: ReadonlySet<number>) {
    const exact = oscarList(rows, 'exclusive');
    return async (since: number, limit: number): Promise<Row[]> => (await exact.list(since, limit)).filter((r) => !gone.has(r.id));
  }

  async function readLossy(rows: readonly Row[], gone: ReadonlySet<number>, page: number): Promise<number[]> {
    const ids: number[] = [];
    let cursor: FeedCursor | undefined = firstCursor(S, page);
    for (let calls = 0; cursor; calls++) {
      const p: FeedPage<Row> = await feedPage(cursor, 'exclusive', lossyList(rows, gone), (r: Row) => r, page, 64, 'lossy');
      ids.push(...p.rows.map((r) => r.id));
      cursor = p.next;
      assert.ok(calls < 1000, 'no loop');
    }
    return ids;
  }

  for (const page of [1, 2, 3, 5, 8]) {
    it(`pages of ${page}: every readable row once, past pages shortened or emptied by dropped rows`, async () => {
      const gone = new Set([11, 12, 13, 14, 15, 16, 18, 20, 21, 22, 23, 24, 25, 26]);
      assert.deepEqual(await readLossy(ROWS, gone, page), AFTER_S.filter((id) => !gone.has(id)));
    });
  }
});
