// Fails when a module under src/ exports a name that nothing uses: no file imports it and its own
// file never mentions it again. That is dead code, which TypeScript does not report (tsconfig has
// no noUnused* and there is no linter), so this runs in `npm test`. Imports are read from src/,
// test/, scripts/ and bench/ with the mutation runner's tokenizer; an export counts as imported
// when a file imports it by name, through a re-export, `import * as` (`ns.name`) or a dynamic
// import. Exports only their own file uses are alive (the `export` is merely unneeded) and exports
// only tests import may be test seams: `--report` lists both for a reader to judge.
//   node --import tsx scripts/check-unused-exports.ts            dead exports, exit 1 if any
//   node --import tsx scripts/check-unused-exports.ts --report   and the two advisory lists
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listTsFiles, resolveSpecifier } from './mutate/import-graph.js';
import { tokenize, type Token } from './mutate/lexer.js';

const CHECKED_DIR = 'src';
const CONSUMER_DIRS = ['src', 'test', 'scripts', 'bench'];
/** Modules loaded by path from outside TypeScript (bin/oscar-fhir.js imports src/cli/main.ts). */
const LAUNCHED: Record<string, string[]> = { 'src/cli/main.ts': ['main'] };

interface ModuleExports {
  /** How often each name occurs in the file (declaration included). */
  mentions: Map<string, number>;
  /** Names declared and exported here, with their line. */
  own: Map<string, number>;
  /** `export { a as b } from './x'`: b → [x, a]. */
  forwarded: Map<string, [string, string]>;
  /** `export * from './x'`. */
  starFrom: string[];
}

interface Use { module: string; name: string | '*'; by: string }

const DECLARATION = new Set(['function', 'class', 'const', 'let', 'var', 'interface', 'type', 'enum', 'namespace']);
const MODIFIER = new Set(['async', 'abstract', 'declare', 'default']);

/** `{ a, type b, c as d }` starting at tokens[i] === '{': [imported, local] pairs and the index after '}'. */
function specifierList(tokens: Token[], i: number): { pairs: [string, string][]; next: number } {
  const pairs: [string, string][] = [];
  let k = i + 1;
  while (k < tokens.length && tokens[k]!.text !== '}') {
    if (tokens[k]!.text === ',') { k++; continue; }
    if (tokens[k]!.text === 'type' && tokens[k + 1]?.kind === 'name' && tokens[k + 1]!.text !== 'as' && tokens[k + 1]!.text !== ',') k++;
    const name = tokens[k]!.text;
    let local = name;
    if (tokens[k + 1]?.text === 'as') { local = tokens[k + 2]!.text; k += 2; }
    pairs.push([name, local]);
    k++;
  }
  return { pairs, next: k + 1 };
}

const moduleAt = (tokens: Token[], k: number): string | undefined =>
  tokens[k]?.text === 'from' && tokens[k + 1]?.kind === 'string' ? tokens[k + 1]!.text.slice(1, -1) : undefined;

function scan(root: string, file: string, source: string, exportsOf: Map<string, ModuleExports>, uses: Use[]): void {
  const tokens = tokenize(source);
  const target = (spec: string): string | undefined => (spec.startsWith('.') ? resolveSpecifier(root, file, spec) : undefined);
  const mentions = new Map<string, number>();
  for (const t of tokens) if (t.kind === 'name') mentions.set(t.text, (mentions.get(t.text) ?? 0) + 1);
  const mine: ModuleExports = { mentions, own: new Map(), forwarded: new Map(), starFrom: [] };
  exportsOf.set(file, mine);
  const namespaces = new Map<string, string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const before = tokens[i - 1]?.text;
    if (t.text === 'export' && before !== '.') {
      let k = i + 1;
      if (tokens[k]?.text === 'type' && tokens[k + 1]?.text === '{') k++;
      if (tokens[k]?.text === '{') {
        const { pairs, next } = specifierList(tokens, k);
        const spec = moduleAt(tokens, next);
        const from = spec === undefined ? undefined : target(spec);
        for (const [name, as] of pairs) {
          if (from) mine.forwarded.set(as, [from, name]);
          else if (spec === undefined) mine.own.set(as, t.line);
        }
      } else if (tokens[k]?.text === '*') {
        const alias = tokens[k + 1]?.text === 'as' ? tokens[k + 2]!.text : undefined;
        const from = target(moduleAt(tokens, alias ? k + 3 : k + 1) ?? '');
        if (from && alias) { mine.own.set(alias, t.line); uses.push({ module: from, name: '*', by: file }); }
        else if (from) mine.starFrom.push(from);
      } else {
        while (MODIFIER.has(tokens[k]?.text ?? '')) {
          if (tokens[k]!.text === 'default') mine.own.set('default', t.line);
          k++;
        }
        if (DECLARATION.has(tokens[k]?.text ?? '')) {
          k++;
          if (tokens[k]?.text === '*') k++; // function*
          if (tokens[k]?.kind === 'name') mine.own.set(tokens[k]!.text, t.line);
        }
      }
      continue;
    }
    if (t.text !== 'import' || before === '.') continue;
    if (tokens[i + 1]?.text === '(') {
      const from = target(tokens[i + 2]?.text.slice(1, -1) ?? '');
      if (from) uses.push({ module: from, name: '*', by: file });
      continue;
    }
    let k = i + 1;
    if (tokens[k]?.text === 'type' && tokens[k + 1]?.text !== 'from' && tokens[k + 1]?.text !== ',') k++;
    const imported: string[] = [];
    let namespace: string | undefined;
    if (tokens[k]?.kind === 'name' && tokens[k]!.text !== 'from') { imported.push('default'); k++; }
    if (tokens[k]?.text === ',') k++;
    if (tokens[k]?.text === '*') { namespace = tokens[k + 2]!.text; k += 3; }
    if (tokens[k]?.text === '{') {
      const { pairs, next } = specifierList(tokens, k);
      imported.push(...pairs.map(([name]) => name));
      k = next;
    }
    const from = target(moduleAt(tokens, k) ?? '');
    if (!from) continue;
    for (const name of imported) uses.push({ module: from, name, by: file });
    if (namespace) namespaces.set(namespace, from);
  }
  // `import * as ns`: each `ns.name` is a use; `ns` passed around whole uses everything.
  tokens.forEach((t, k) => {
    const from = namespaces.get(t.text);
    if (!from || tokens[k - 1]?.text === '.' || tokens[k - 1]?.text === 'as') return;
    const member = tokens[k + 1]?.text === '.' ? tokens[k + 2]?.text : undefined;
    uses.push({ module: from, name: member ?? '*', by: file });
  });
}

export interface ExportReport {
  /** Exports nothing uses: dead code. */
  dead: string[];
  /** Exports only their own file uses. */
  localOnly: string[];
  /** Exports under src/ that only test files import. */
  testsOnly: string[];
}

/** Classifies every export under `root`/src as 'file:line name'. */
export function exportReport(root: string): ExportReport {
  const exportsOf = new Map<string, ModuleExports>();
  const uses: Use[] = [];
  const files = [...new Set(CONSUMER_DIRS.flatMap((d) => listTsFiles(root, d)))];
  for (const file of files) scan(root, file, readFileSync(join(root, file), 'utf8'), exportsOf, uses);
  for (const [module, names] of Object.entries(LAUNCHED)) for (const name of names) uses.push({ module, name, by: 'bin/oscar-fhir.js' });

  /** module → name → files using it (through any chain of re-exports). */
  const usedBy = new Map<string, Map<string, Set<string>>>();
  const mark = (module: string, name: string, by: string, seen = new Set<string>()): void => {
    const key = `${module}#${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const ex = exportsOf.get(module);
    if (!ex) return;
    if (name === '*') {
      for (const n of [...ex.own.keys(), ...ex.forwarded.keys()]) mark(module, n, by, seen);
      for (const s of ex.starFrom) mark(s, '*', by, seen);
      return;
    }
    if (ex.own.has(name)) {
      if (!usedBy.has(module)) usedBy.set(module, new Map());
      const m = usedBy.get(module)!;
      if (!m.has(name)) m.set(name, new Set());
      m.get(name)!.add(by);
    }
    const fwd = ex.forwarded.get(name);
    if (fwd) mark(fwd[0], fwd[1], by, seen);
    if (!ex.own.has(name) && !fwd) for (const s of ex.starFrom) mark(s, name, by, seen);
  };
  for (const u of uses) mark(u.module, u.name, u.by);

  const dead: string[] = [];
  const localOnly: string[] = [];
  const testsOnly: string[] = [];
  for (const [module, ex] of [...exportsOf].sort(([a], [b]) => a.localeCompare(b))) {
    if (!module.startsWith(`${CHECKED_DIR}/`)) continue;
    for (const [name, line] of ex.own) {
      const by = [...(usedBy.get(module)?.get(name) ?? [])].filter((f) => f !== module);
      const where = `${module}:${line} ${name}`;
      if (by.length > 0) {
        if (by.every((f) => f.startsWith('test/'))) testsOnly.push(`${where} (${by.length} test file${by.length > 1 ? 's' : ''})`);
      } else if ((ex.mentions.get(name) ?? 0) > 1) localOnly.push(where);
      else dead.push(where);
    }
  }
  return { dead, localOnly, testsOnly };
}

function main(): void {
  const { dead, localOnly, testsOnly } = exportReport(resolve(import.meta.dirname, '..'));
  if (process.argv.includes('--report')) {
    console.log(`Exported but used only in their own file (${localOnly.length}):\n  ${localOnly.join('\n  ')}`);
    console.log(`Production exports only tests import (${testsOnly.length}):\n  ${testsOnly.join('\n  ')}`);
  }
  if (dead.length > 0) {
    console.error(`Exports nothing uses (${dead.length}): delete them.\n  ${dead.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log('check-unused-exports: every export under src/ is used');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
