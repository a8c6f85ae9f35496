// The database semantics OSCAR's DAOs get from MySQL + Hibernate 5.6, reproduced for the store's
// in-memory rows: case-insensitive LIKE and `=`, paging rules, and AbstractDaoImpl.setLimit.

import { serverFault, tooLargeFault } from './faults.js';

/** AbstractDao.MAX_LIST_RETURN_SIZE (contract 4.4). */
export const MAX_LIST_RETURN_SIZE = 5000;

const likeCache = new Map<string, RegExp>();
const LIKE_CACHE_MAX = 500;

/**
 * OSCAR's tables use MySQL's utf8_general_ci / latin1 collations, which compare without case AND
 * without accents ('CÔTÉ' = 'cote'): fold both sides the same way.
 */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '');
}

/** MySQL `col LIKE pattern` under a case- and accent-insensitive collation (`%`, `_`, backslash escapes); NULL never matches. */
export function like(value: string | null | undefined, pattern: string): boolean {
  if (value === null || value === undefined) return false;
  pattern = fold(pattern);
  let re = likeCache.get(pattern);
  if (!re) {
    let src = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i] ?? '';
      if (c === '\\' && i + 1 < pattern.length) src += (pattern[++i] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      else if (c === '%') src += '[\\s\\S]*';
      else if (c === '_') src += '[\\s\\S]';
      else src += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    re = new RegExp(`^${src}$`, 'iu');
    if (likeCache.size >= LIKE_CACHE_MAX) likeCache.clear();
    likeCache.set(pattern, re);
  }
  return re.test(fold(value));
}

/** MySQL `=` on a case-insensitive column (trailing spaces are ignored too: PAD SPACE). */
export function equalsCi(value: string | null | undefined, other: string): boolean {
  if (value === null || value === undefined) return false;
  return fold(value.replace(/ +$/, '')).toLowerCase() === fold(other.replace(/ +$/, '')).toLowerCase();
}

/** Query.setFirstResult/setMaxResults as Hibernate 5.6 applies them (0 rows → empty list). */
export function page<T>(rows: readonly T[], firstResult: number, maxResults: number): T[] {
  if (firstResult < 0) throw serverFault(`first-result value cannot be negative : ${firstResult}`);
  if (maxResults < 0) throw serverFault('max-results cannot be negative');
  return rows.slice(firstResult, firstResult + maxResults);
}

/** AbstractDaoImpl.setLimit: more than 5000 faults before the query runs (contract 4.4, 7.13). */
export function checkLimit(itemsToReturn: number): void {
  if (itemsToReturn > MAX_LIST_RETURN_SIZE) throw tooLargeFault(itemsToReturn);
  if (itemsToReturn < 0) throw serverFault('max-results cannot be negative');
}

/** Stable sort by a key computed once per row; rows whose key is null sort first, as MySQL orders NULLs. */
export function sortBy<T>(rows: readonly T[], key: (r: T) => number | null, descending = false): T[] {
  const keyed = rows.map((r) => ({ r, k: key(r) }));
  keyed.sort((a, b) => {
    if (a.k === b.k) return 0;
    if (a.k === null) return descending ? 1 : -1;
    if (b.k === null) return descending ? -1 : 1;
    return descending ? b.k - a.k : a.k - b.k;
  });
  return keyed.map((x) => x.r);
}

/**
 * Rows in primary-key order, the filter applied before the sort: the same rows in the same order
 * as sorting the table first, at a cost a clinic of thousands of patients can bear.
 */
export function inPkOrder<T>(rows: readonly T[], pk: (r: T) => number, where: (r: T) => boolean = () => true): T[] {
  return rows.filter(where).sort((a, b) => pk(a) - pk(b));
}
