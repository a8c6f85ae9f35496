// Paging OSCAR's "updated after" lists without skipping or looping (bulk-data §b.6 item 1). They
// page by a timestamp that is not unique and has second precision (MySQL DATETIME): with an
// exclusive bound (`>`: preventions, appointments, documents), restarting after the last row's
// time skips the rows of that second beyond the page; with an inclusive one (`>=`: allergies)
// it repeats them, and loops when one second holds more rows than a page. So every page is
// asked as "at or after second S", the ids already taken at S are skipped, and a page made of
// second S alone is asked again with a larger limit until the second is complete.

export interface FeedCursor {
  /** Epoch ms of a whole second: the next page starts at rows stamped at or after it. */
  atLeast: number;
  /** Ids already taken among the rows stamped exactly `atLeast`. */
  skip: number[];
  /** Rows asked for in the next page. */
  limit: number;
}

export interface FeedRow { id: number; stampMs: number }

export interface FeedPage<T> {
  /** Rows not taken before, in feed order. */
  rows: T[];
  /** Where the next page starts; undefined when the feed is exhausted. */
  next?: FeedCursor;
}

/** How a feed operation reads its bound: `>` (exclusive) or `>=` (inclusive). */
export type FeedBound = 'exclusive' | 'inclusive';

/**
 * 'exact': a short answer is the end of the feed. 'lossy': OSCAR drops rows after its LIMIT
 * (documents whose file is gone, contract 4.10), so a short or even empty answer proves nothing:
 * the feed ends when OSCAR's largest answer brings no new row.
 */
export type FeedEnd = 'exact' | 'lossy';

const SECOND = 1000;

/** The cursor of the first page: rows changed strictly after `sinceMs` (whole seconds: the first whole second after it). */
export function firstCursor(sinceMs: number, limit: number): FeedCursor {
  return { atLeast: Math.floor(sinceMs / SECOND) * SECOND + SECOND, skip: [], limit };
}

/** The argument that makes the operation answer "stamped at or after `atLeast`". */
export function boundFor(bound: FeedBound, atLeast: number): number {
  return bound === 'exclusive' ? atLeast - SECOND : atLeast;
}

/**
 * One page of the feed. `list(bound, limit)` is the OSCAR call, answering rows ordered by stamp;
 * `row` tells each row's id and stamp. `maxLimit`: the largest page OSCAR answers (a second with
 * more rows than that cannot be read completely, and is refused rather than cut).
 */
export async function feedPage<T>(
  cursor: FeedCursor, bound: FeedBound, list: (bound: number, limit: number) => Promise<T[]>, row: (r: T) => FeedRow, basePage: number, maxLimit: number,
  end: FeedEnd = 'exact',
): Promise<FeedPage<T>> {
  const answer = await list(boundFor(bound, cursor.atLeast), cursor.limit);
  const skip = new Set(cursor.skip);
  const rows = answer.filter((r) => {
    const { id, stampMs } = row(r);
    return stampMs > cursor.atLeast || (stampMs === cursor.atLeast && !skip.has(id));
  });
  if (end === 'exact' && answer.length < cursor.limit) return { rows };
  if (end === 'lossy' && rows.length === 0) {
    // Nothing new: either the end, or rows hidden behind dropped ones; a larger answer tells.
    if (cursor.limit >= maxLimit) return { rows };
    return { rows, next: { ...cursor, limit: Math.min(maxLimit, cursor.limit * 2) } };
  }
  const lastStamp = row(answer[answer.length - 1]!).stampMs;
  if (lastStamp <= cursor.atLeast) {
    const taken = [...new Set([...cursor.skip, ...rows.map((r) => row(r).id)])];
    // Lossy: ask again from the same second; an answer with nothing new then widens (above).
    if (end === 'lossy') return { rows, next: { atLeast: cursor.atLeast, skip: taken, limit: basePage } };
    // The whole page is one second: ask for it again, larger, until it ends inside the page.
    if (cursor.limit >= maxLimit) throw new FeedOverflowError(cursor.limit);
    return { rows, next: { atLeast: cursor.atLeast, skip: taken, limit: Math.min(maxLimit, cursor.limit * 2) } };
  }
  const atLast = answer.filter((r) => row(r).stampMs === lastStamp).map((r) => row(r).id);
  return { rows, next: { atLeast: lastStamp, skip: atLast, limit: basePage } };
}

/** More rows share one second than OSCAR returns in one answer: the second cannot be read whole. */
export class FeedOverflowError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} records changed within one second; OSCAR cannot list them in one answer`);
    this.name = 'FeedOverflowError';
  }
}
