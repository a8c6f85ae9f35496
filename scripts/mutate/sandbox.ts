// A throw-away copy of the project where mutants are written and tests run, so the working tree is
// never mutated, even when the run is interrupted. node_modules is linked, not copied. Each mutant is
// written, tested and reverted in the copy; the copy is deleted at the end or on SIGINT/SIGTERM.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** Not copied: dependencies (linked instead), git data, build and report output. */
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'coverage', 'reports']);

export interface Sandbox {
  root: string;
  /** Writes `content` to `file` (relative), runs `body`, then restores the original text. */
  withFile<T>(file: string, content: string, body: () => Promise<T>): Promise<T>;
  remove(): void;
}

export function createSandbox(projectRoot: string): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'oscar-fhir-mutate-'));
  cpSync(projectRoot, root, {
    recursive: true,
    filter: (src) => !SKIPPED.has(relative(projectRoot, src).split('/')[0] ?? ''),
  });
  symlinkSync(join(projectRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  let removed = false;
  return {
    root,
    async withFile(file, content, body) {
      const path = join(root, file);
      const original = readFileSync(path, 'utf8');
      writeFileSync(path, content);
      try {
        return await body();
      } finally {
        writeFileSync(path, original);
      }
    },
    remove() {
      if (removed || !existsSync(root)) return;
      removed = true;
      rmSync(root, { recursive: true, force: true });
    },
  };
}
