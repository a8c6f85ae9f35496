// Which test files can see a mutated module: those that import it, directly or through other
// modules. Derived from the relative `import … from`, `export … from` and `import('…')` specifiers
// of every .ts file under src/, test/ and scripts/, so it never needs maintaining by hand. A test
// that only reaches a module through a child process (`node src/sim/main.ts`) is not seen.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { tokenize } from './lexer.js';

const SCANNED_DIRS = ['src', 'test', 'scripts', 'bench'];

export function listTsFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(relative(root, p));
    }
  };
  if (existsSync(join(root, dir))) walk(join(root, dir));
  return out.sort();
}

/** Relative module specifiers of a source file. */
function specifiersOf(source: string): string[] {
  const tokens = tokenize(source);
  const out: string[] = [];
  tokens.forEach((t, k) => {
    if (t.kind !== 'string') return;
    const prev = tokens[k - 1]?.text;
    const dynamic = prev === '(' && tokens[k - 2]?.text === 'import';
    if (prev === 'from' || prev === 'import' || dynamic) out.push(t.text.slice(1, -1));
  });
  return out.filter((s) => s.startsWith('.'));
}

/** The .ts file a specifier names (ESM TypeScript imports say `.js`), or undefined. */
export function resolveSpecifier(root: string, fromFile: string, spec: string): string | undefined {
  const base = resolve(root, dirname(fromFile), spec);
  const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')];
  const hit = candidates.find((c) => c.endsWith('.ts') && existsSync(c));
  return hit === undefined ? undefined : relative(root, hit);
}

export interface ImportGraph {
  /** For a module: the test files that reach it, nearest first (fewest import hops). */
  testsReaching(module: string): { file: string; hops: number }[];
  /** A file and every module it imports, directly or not. */
  closureOf(file: string): string[];
}

export function buildImportGraph(root: string, isTest: (file: string) => boolean): ImportGraph {
  const importers = new Map<string, Set<string>>();
  const imports = new Map<string, Set<string>>();
  for (const dir of SCANNED_DIRS) {
    for (const file of listTsFiles(root, dir)) {
      for (const spec of specifiersOf(readFileSync(join(root, file), 'utf8'))) {
        const target = resolveSpecifier(root, file, spec);
        if (!target) continue;
        if (!importers.has(target)) importers.set(target, new Set());
        importers.get(target)!.add(file);
        if (!imports.has(file)) imports.set(file, new Set());
        imports.get(file)!.add(target);
      }
    }
  }
  /** Breadth-first walk along `edges`: every file reached, with its distance. */
  const walk = (start: string, edges: Map<string, Set<string>>): Map<string, number> => {
    const hops = new Map<string, number>([[start, 0]]);
    const queue = [start];
    while (queue.length > 0) {
      const m = queue.shift()!;
      for (const n of edges.get(m) ?? []) {
        if (hops.has(n)) continue;
        hops.set(n, hops.get(m)! + 1);
        queue.push(n);
      }
    }
    return hops;
  };
  return {
    testsReaching: (module) => [...walk(module, importers)].filter(([f]) => isTest(f)).map(([file, hops]) => ({ file, hops })),
    closureOf: (file) => [...walk(file, imports).keys()].sort(),
  };
}
