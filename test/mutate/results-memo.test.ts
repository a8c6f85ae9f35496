// The mutation runner's memory of earlier results (scripts/mutate/results-memo.ts): a result comes
// back only while the mutated file and the tests that could see it are unchanged.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { killsByTest, memoStore, resultKey } from '../../scripts/mutate/results-memo.js';
import type { Mutant } from '../../scripts/mutate/mutants.js';

const m: Mutant = { id: 'src/x.ts:3:7:boundary', file: 'src/x.ts', line: 3, column: 7, operator: 'boundary', description: '< → <=', start: 40, end: 41, replacement: '<=' };

it('a stored result is read back by a later run; a line cut short by an interruption is skipped', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'memo-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'results.jsonl');
  memoStore<{ status: string }>(file).put('k1', { status: 'killed' });
  appendFileSync(file, '{"key":"k2","result":{"sta');
  const later = memoStore<{ status: string }>(file);
  assert.deepEqual(later.get('k1'), { status: 'killed' });
  assert.equal(later.get('k2'), undefined);
  assert.equal(later.size, 1);
});

it('the key changes with the source, with any test closure, and with the mutant; not with the order of the tests', () => {
  const k = resultKey(m, 'const a = 1 < 2;', ['t1', 't2']);
  assert.equal(resultKey(m, 'const a = 1 < 2;', ['t2', 't1']), k);
  assert.notEqual(resultKey(m, 'const a = 1 < 3;', ['t1', 't2']), k);
  assert.notEqual(resultKey(m, 'const a = 1 < 2;', ['t1', 't2-changed']), k);
  assert.notEqual(resultKey(m, 'const a = 1 < 2;', ['t1', 't2', 't3']), k);
  assert.notEqual(resultKey({ ...m, column: 8 }, 'const a = 1 < 2;', ['t1', 't2']), k);
});

it('counts, per test file, the kills among one module\'s results, earlier runs\' and this run\'s alike', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'memo-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'results.jsonl');
  memoStore<{ file: string; killedBy?: string }>(file).put('a', { file: 'src/x.ts', killedBy: 'test/x.test.ts' });
  const memo = memoStore<{ file: string; killedBy?: string }>(file);
  memo.put('b', { file: 'src/x.ts', killedBy: 'test/x.test.ts' });
  memo.put('c', { file: 'src/x.ts', killedBy: 'test/e2e.test.ts' });
  memo.put('d', { file: 'src/x.ts' });
  memo.put('e', { file: 'src/y.ts', killedBy: 'test/x.test.ts' });
  assert.deepEqual([...killsByTest(memo.values(), 'src/x.ts')].sort(), [['test/e2e.test.ts', 1], ['test/x.test.ts', 2]]);
  assert.deepEqual([...killsByTest(memo.values(), 'src/z.ts')], []);
});
