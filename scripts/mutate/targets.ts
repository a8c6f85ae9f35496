// Which source files and lines a run mutates: paths or one-`*` patterns from the command line (the
// default set otherwise), optionally only the lines changed since a git ref.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { listTsFiles } from './import-graph.js';

/** The code whose tests the mutation score judges: auth, cache, time arithmetic and the mappers. */
export const DEFAULT_TARGETS = ['src/auth', 'src/cache', 'src/time', 'src/oscar/time.ts', 'src/resources/*/mapper*.ts'];

const globRe = (pattern: string): RegExp =>
  new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);

/** The .ts files (relative to root) named by paths, directories or `*` patterns; missing ones are skipped. */
export function expandTargets(root: string, patterns: string[]): string[] {
  const all = listTsFiles(root, 'src');
  const files = new Set<string>();
  for (const p of patterns.map((q) => q.replace(/\/+$/, ''))) {
    if (p.includes('*')) {
      const re = globRe(p);
      for (const f of all) if (re.test(f)) files.add(f);
    } else if (existsSync(join(root, p)) && statSync(join(root, p)).isDirectory()) {
      for (const f of all) if (f.startsWith(`${p}/`)) files.add(f);
    } else if (existsSync(join(root, p))) {
      files.add(p);
    }
  }
  return [...files].sort();
}

/** Lines of `file` added or changed since `ref` (every line when git does not know the file). */
export function changedLines(root: string, ref: string, file: string): Set<number> | 'all' {
  try {
    execFileSync('git', ['ls-files', '--error-unmatch', file], { cwd: root, stdio: 'ignore' });
  } catch {
    return 'all';
  }
  const diff = execFileSync('git', ['diff', '--unified=0', ref, '--', file], { cwd: root, encoding: 'utf8' });
  const lines = new Set<number>();
  for (const m of diff.matchAll(/^@@ -\S+ \+(\d+)(?:,(\d+))? @@/gm)) {
    const start = Number(m[1]);
    const count = m[2] === undefined ? 1 : Number(m[2]);
    for (let l = start; l < start + count; l++) lines.add(l);
  }
  return lines;
}
