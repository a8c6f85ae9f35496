// A throw-away copy of the project where mutants are written and tests run, so the working tree is
// never mutated, even when the run is interrupted. node_modules is linked, not copied. Each mutant is
// written, tested and reverted in the copy, and whatever the mutated run left behind is removed (a
// mutant that makes the audit sink write a file named `off` must not change the next baseline);
// the copy is deleted at the end or on SIGINT/SIGTERM.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** Not copied: dependencies (linked instead), git data, build and report output. */
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'coverage', 'reports']);

export interface Sandbox {
  root: string;
  /**
   * Writes `content` to `file` (relative), runs `body`, then restores the original text and removes
   * every file or folder that appeared in the copy meanwhile.
   */
  withFile<T>(file: string, content: string, body: () => Promise<T>): Promise<T>;
  remove(): void;
}

/** Every path in the copy (relative), node_modules (a link) left out. */
export function entriesOf(root: string): Set<string> {
  const seen = new Set<string>();
  // Walked by hand: readdir's own recursion follows the node_modules link into every dependency.
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${e.name}` : e.name;
      if (path === 'node_modules') continue;
      seen.add(path);
      if (e.isDirectory()) walk(path);
    }
  };
  walk('');
  return seen;
}

/** Removes what is in the copy now and was not in `before` (a new folder goes whole). */
export function removeNewEntries(root: string, before: ReadonlySet<string>): string[] {
  const removed: string[] = [];
  for (const e of [...entriesOf(root)].sort()) {
    if (before.has(e) || removed.some((r) => e.startsWith(`${r}/`))) continue;
    rmSync(join(root, e), { recursive: true, force: true });
    removed.push(e);
  }
  return removed;
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
      const before = entriesOf(root);
      writeFileSync(path, content);
      try {
        return await body();
      } finally {
        writeFileSync(path, original);
        removeNewEntries(root, before);
      }
    },
    remove() {
      if (removed || !existsSync(root)) return;
      removed = true;
      rmSync(root, { recursive: true, force: true });
    },
  };
}
