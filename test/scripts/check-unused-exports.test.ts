// The unused-export check on a small made-up tree: what it calls dead, alive-but-local and
// imported only by tests, through each kind of import it must understand.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, it } from 'node:test';
import { exportReport } from '../../scripts/check-unused-exports.js';

const root = mkdtempSync(join(tmpdir(), 'unused-exports-'));
after(() => rmSync(root, { recursive: true, force: true }));
const write = (file: string, text: string): void => {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
};

write('src/a.ts', [
  'export function named(): number { return 1; }',
  'export const viaIndex = 2;',
  'export const viaNamespace = 3;',
  'export interface Dead { x: number }',
  'export function deadFn(): void {}',
  'export const local = 4;',
  'export function usesLocal(): number { return local; }',
  'export type OnlyTests = string;',
  'export const viaStar = 5;',
].join('\n'));
write('src/index.ts', "export { viaIndex as renamed } from './a.js';\nexport * from './b.js';\n");
write('src/b.ts', "export const fromStar = 6;\nexport const lazy = 7;\n");
write('src/main.ts', [
  "import { named, type OnlyTests as _unused } from './a.js';",
  "import * as a from './a.js';",
  "import { renamed, fromStar } from './index.js';",
  "const m = await import('./c.js');",
  'console.log(named(), a.viaNamespace, a.usesLocal(), renamed, fromStar, m);',
].join('\n'));
write('src/c.ts', 'export const dynamic = 8;\n');
write('test/x.test.ts', "import type { OnlyTests } from '../src/a.js';\nimport { viaStar } from '../src/a.js';\nexport const t: OnlyTests = String(viaStar);\n");

it('finds exports nothing uses, through named, renamed, star, namespace and dynamic imports', () => {
  const r = exportReport(root);
  assert.deepEqual(r.dead, ['src/a.ts:4 Dead', 'src/a.ts:5 deadFn', 'src/b.ts:2 lazy']);
  assert.deepEqual(r.localOnly, ['src/a.ts:6 local']);
  assert.deepEqual(r.testsOnly, ['src/a.ts:9 viaStar (1 test file)']);
});
