// Results of mutants already run, kept between runs in reports/mutation/results.jsonl, so a long
// run can be done in parts (cut short by --budget, interrupted, resumed another day) and still
// add up to one score. A result is reused only while the mutated file and every test file that
// could see the mutant, with everything those import, are byte for byte what they were: the key
// hashes the mutant, the file's source and each candidate test's import-closure key.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Mutant } from './mutants.js';

export interface MemoStore<R> {
  get(key: string): R | undefined;
  put(key: string, result: R): void;
  /** Every result known, this run's included. */
  values(): IterableIterator<R>;
  readonly size: number;
}

export function resultKey(m: Mutant, source: string, testKeys: readonly string[]): string {
  const h = createHash('sha256').update(JSON.stringify([m.file, m.line, m.column, m.operator, m.description]));
  h.update(source);
  for (const k of [...testKeys].sort()) h.update(k);
  return h.digest('hex');
}

/** One JSON line per result, appended as soon as it is known (a killed run loses nothing). */
export function memoStore<R>(file: string): MemoStore<R> {
  const known = new Map<string, R>();
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const { key, result } = JSON.parse(line) as { key: string; result: R };
        known.set(key, result);
      } catch { /* a line cut by an interrupted write: that mutant runs again */ }
    }
  }
  return {
    get: (key) => known.get(key),
    put: (key, result) => { known.set(key, result); appendFileSync(file, `${JSON.stringify({ key, result })}\n`); },
    values: () => known.values(),
    get size() { return known.size; },
  };
}

/** How many mutants of `file` each test file killed, over the results given (earlier runs' included). */
export function killsByTest(results: Iterable<{ file: string; killedBy?: string }>, file: string): Map<string, number> {
  const n = new Map<string, number>();
  for (const r of results) if (r.file === file && r.killedBy) n.set(r.killedBy, (n.get(r.killedBy) ?? 0) + 1);
  return n;
}
