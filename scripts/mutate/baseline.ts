// Each test file once on the unmutated code, the first time a mutant needs it: does it pass (a file
// that fails already cannot judge a mutant), how long does it take (its timeout under a mutant is
// derived from this), and which source lines does it execute (coverage.ts). Results are kept in the
// report folder, each under a key made of the Node version and the text of every module the test
// file imports (directly or not), so they are reused until one of those changes. A test that runs
// code in a child process (`node src/main.ts`) is keyed by its imports only.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { executedLines } from './coverage.js';
import { runTestFile } from './test-file-run.js';

export interface Baseline {
  key: string;
  outcome: 'pass' | 'fail' | 'timeout';
  ms: number;
  /** Executed lines of every file under src/, by file. */
  lines: Record<string, number[]>;
  tail?: string;
}

/** A baseline run may be slow on a busy machine; only a file stuck this long counts as failing. */
const BASELINE_TIMEOUT_MS = 10 * 60_000;

export function closureKey(root: string, closure: string[]): string {
  const h = createHash('sha256').update(process.version);
  for (const f of closure) h.update(f).update(readFileSync(join(root, f)));
  return h.digest('hex');
}

export interface BaselineStore {
  get(file: string, key: string): Baseline | undefined;
  put(file: string, b: Baseline): void;
}

export function baselineStore(cacheFile: string): BaselineStore {
  const read = (): Record<string, Baseline> => {
    try {
      return existsSync(cacheFile) ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as { files: Record<string, Baseline> }).files : {};
    } catch {
      return {}; // an unreadable cache only costs the baseline runs again
    }
  };
  const files = read();
  return {
    get: (file, key) => (files[file]?.key === key ? files[file] : undefined),
    put(file, b) {
      // Merged with what another run may have written meanwhile, and replaced in one rename.
      const merged = { ...read(), ...files, [file]: b };
      files[file] = b;
      const tmp = `${cacheFile}.${process.pid}`;
      writeFileSync(tmp, JSON.stringify({ files: merged }));
      renameSync(tmp, cacheFile);
    },
  };
}

/** Runs `testFile` in `sandboxRoot` (which must hold the unmutated code) with coverage. */
export async function runBaseline(sandboxRoot: string, testFile: string, key: string): Promise<Baseline> {
  const dir = mkdtempSync(join(sandboxRoot, '.coverage-'));
  try {
    const run = await runTestFile(sandboxRoot, testFile, BASELINE_TIMEOUT_MS, { NODE_V8_COVERAGE: dir });
    const lines: Record<string, number[]> = {};
    for (const [f, l] of executedLines(dir, sandboxRoot)) if (f.startsWith('src/') && l.size) lines[f] = [...l].sort((a, b) => a - b);
    return { key, outcome: run.outcome, ms: run.ms, lines, ...(run.outcome === 'pass' ? {} : { tail: run.tail }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
