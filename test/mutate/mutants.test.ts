// The mutation runner's own parts (scripts/mutate/): which mutants it makes, which it drops, which
// test files it picks, which lines coverage credits, and that the working tree is never mutated.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { executedLines } from '../../scripts/mutate/coverage.js';
import { validityChecker } from '../../scripts/mutate/equivalence.js';
import { buildImportGraph } from '../../scripts/mutate/import-graph.js';
import { applyMutant, mutantsOf } from '../../scripts/mutate/mutants.js';
import { createSandbox } from '../../scripts/mutate/sandbox.js';

const listed = (source: string): string[] => mutantsOf('f.ts', source).map((m) => `${m.line}:${m.column} ${m.operator} ${m.description}`);

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'mutate-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('mutants', () => {
  it('makes each operator once where it applies: boundary, guard, condition, string, arithmetic, logic, method', () => {
    const source = [
      'export function f(n: number, ok: boolean): string {',
      '  if (n < 0) return \'neg\';',
      '  return ok && n % 2 === 1 ? String(Math.floor(n / 2)) : \'\';',
      '}',
    ].join('\n');
    assert.deepEqual(listed(source), [
      '2:6 negate-condition (n < 0) → (!(n < 0))',
      '2:6 remove-guard (n < 0) → (false)',
      '2:9 boundary < → <=',
      '2:21 empty-string \'neg\' → \'\'',
      '3:13 logical && → ||',
      '3:18 arithmetic % → *',
      '3:22 equality === → !==',
      '3:42 method floor → ceil',
      '3:50 arithmetic / → *',
    ]);
  });

  it('leaves comments, regular expressions, import specifiers, unary signs and non-null assertions alone; mutates inside template holes', () => {
    const source = [
      'import { x } from \'./x.js\';',
      '// if (a < b) return \'no\';',
      '/* a === b */',
      'const re = /a+b|c-d/g;',
      'const t = `x < ${x > -1 ? 1 : 2} && y`;',
      'const ok = !x;',
      'const half = x! / 2;',
    ].join('\n');
    assert.deepEqual(listed(source), [
      '5:20 boundary > → >=',
      '6:12 remove-not ! → (removed)',
      '7:17 arithmetic / → *',
    ]);
  });

  it('drops mutants that do not parse and those that only change types', () => {
    const source = 'type Kind = \'a\' | \'b\';\nexport const m = new Map<string, Kind>([[\'k\', \'a\']]);\n';
    const check = validityChecker(source);
    const verdicts = mutantsOf('f.ts', source).map((m) => `${m.description}: ${check(applyMutant(source, m))}`);
    assert.deepEqual(verdicts, [
      '\'a\' → \'\': type-only',
      '\'b\' → \'\': type-only',
      '< → <=: invalid',
      '> → >=: invalid',
      '\'k\' → \'\': runs',
      '\'a\' → \'\': runs',
    ]);
  });
});

describe('test selection', () => {
  it('finds the test files that import a module through other modules, nearest first', (t) => {
    const root = tempDir(t);
    mkdirSync(join(root, 'src', 'lib'), { recursive: true });
    mkdirSync(join(root, 'test', 'unit'), { recursive: true });
    writeFileSync(join(root, 'src', 'lib', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(root, 'src', 'lib', 'index.ts'), 'export { a } from \'./a.js\';\n');
    writeFileSync(join(root, 'src', 'b.ts'), 'import { a } from \'./lib/index.js\';\nexport const b = a + 1;\n');
    writeFileSync(join(root, 'src', 'c.ts'), 'export const c = 3;\n');
    writeFileSync(join(root, 'test', 'unit', 'a.test.ts'), 'import { a } from \'../../src/lib/a.js\';\n');
    writeFileSync(join(root, 'test', 'unit', 'b.test.ts'), 'const m = await import(\'../../src/b.js\');\n');
    writeFileSync(join(root, 'test', 'unit', 'c.test.ts'), 'import { c } from \'../../src/c.js\';\n');
    const graph = buildImportGraph(root, (f) => f.endsWith('.test.ts'));
    assert.deepEqual(graph.testsReaching('src/lib/a.ts'), [
      { file: 'test/unit/a.test.ts', hops: 1 },
      { file: 'test/unit/b.test.ts', hops: 3 },
    ]);
  });

  it('credits a test only with the lines it executed', (t) => {
    const root = tempDir(t);
    const lib = [
      'export function used(n: number): number {',
      '  return n + 1;',
      '}',
      'export function unused(n: number): number {',
      '  return n - 1;',
      '}',
    ].join('\n');
    mkdirSync(join(root, 'src'));
    symlinkSync(fileURLToPath(new URL('../../node_modules', import.meta.url)), join(root, 'node_modules'), 'dir');
    writeFileSync(join(root, 'src', 'lib.ts'), lib);
    writeFileSync(join(root, 'main.ts'), 'import { used } from \'./src/lib.ts\';\nused(1);\n');
    const coverage = join(root, 'coverage');
    execFileSync(process.execPath, ['--import', 'tsx', 'main.ts'], { cwd: root, env: { ...process.env, NODE_V8_COVERAGE: coverage } });
    const lines = executedLines(coverage, root).get('src/lib.ts');
    assert.ok(lines?.has(2), 'the body of the called function');
    assert.ok(!lines?.has(5), 'not the body of the function never called');
  });
});

describe('sandbox', () => {
  it('writes a mutant only into its copy, and restores the copy even when the tests throw', async (t) => {
    const project = tempDir(t);
    mkdirSync(join(project, 'src'));
    mkdirSync(join(project, 'node_modules'));
    writeFileSync(join(project, 'src', 'a.ts'), 'export const a = 1;\n');
    const sandbox = createSandbox(project);
    t.after(() => sandbox.remove());
    await assert.rejects(sandbox.withFile('src/a.ts', 'export const a = 2;\n', async () => {
      assert.equal(readFileSync(join(sandbox.root, 'src', 'a.ts'), 'utf8'), 'export const a = 2;\n');
      throw new Error('test run crashed');
    }));
    assert.equal(readFileSync(join(sandbox.root, 'src', 'a.ts'), 'utf8'), 'export const a = 1;\n');
    assert.equal(readFileSync(join(project, 'src', 'a.ts'), 'utf8'), 'export const a = 1;\n');
    sandbox.remove();
    assert.equal(existsSync(sandbox.root), false);
  });

  it('removes what a mutated run left in the copy, so the next baseline starts from the same tree', async (t) => {
    const project = tempDir(t);
    mkdirSync(join(project, 'src'));
    mkdirSync(join(project, 'node_modules'));
    writeFileSync(join(project, 'src', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(project, 'kept.txt'), 'from the project\n');
    const sandbox = createSandbox(project);
    t.after(() => sandbox.remove());
    await sandbox.withFile('src/a.ts', 'export const a = 2;\n', async () => {
      // What a mutant of the audit sink did: a file named after a setting, and a folder with files.
      writeFileSync(join(sandbox.root, 'off'), 'records\n');
      mkdirSync(join(sandbox.root, 'src', 'spool', 'jobs'), { recursive: true });
      writeFileSync(join(sandbox.root, 'src', 'spool', 'jobs', 'j1.ndjson'), '{}\n');
      writeFileSync(join(sandbox.root, 'kept.txt'), 'changed by the run\n');
    });
    assert.equal(existsSync(join(sandbox.root, 'off')), false);
    assert.equal(existsSync(join(sandbox.root, 'src', 'spool')), false);
    assert.equal(existsSync(join(sandbox.root, 'node_modules')), true, 'the dependencies link stays');
    assert.equal(existsSync(join(sandbox.root, 'kept.txt')), true, 'files of the project stay');
    assert.equal(readFileSync(join(sandbox.root, 'src', 'a.ts'), 'utf8'), 'export const a = 1;\n');
  });
});
