// Mutation testing: does the test suite notice when the code is wrong? Each mutant is one small fault
// (scripts/mutate/mutants.ts) written into a throw-away copy of the tree (sandbox.ts); only the test
// files that import the mutated module (import-graph.ts) and execute the mutated line (coverage.ts)
// are run, fastest first, until one fails (killed) or hangs (timeout, also killed). A mutant every
// such file passes survived. README "Mutation testing" says how to run it and read the report.
//
// Why not StrykerJS: version 10 refuses Node 20 (engines >= 22); its tsconfig step calls the
// TypeScript JS API, which TypeScript 7 does not have; and its tap runner, the one that can drive
// `node --test`, needs a whole process per mutant and test file with no import-graph selection
// (measured on src/oscar/time.ts with three test files, Node 24: 200 mutants in 15 min 44 s).
//
//   npm run mutate                               the default set (targets.ts DEFAULT_TARGETS)
//   npm run mutate -- src/cache src/auth/scopes.ts   only these paths (`*` allowed in one segment)
//   npm run mutate -- --since main               only lines changed since a git ref
//   npm run mutate -- --sample 100 --seed 7      a reproducible random sample of the mutants
//   npm run mutate -- --operators boundary,equality   only these operators (mutants.ts Operator)
//   npm run mutate -- src/time/zone.ts --lines 69,73  only mutants on these lines
//   npm run mutate -- --tests test/time,test/mappers  only these test files (path prefixes): a
//                                                quick check, not a score
//   npm run mutate -- --budget 30                start no mutant after 30 minutes (the rest: not run)
//   npm run mutate -- --list                     print the mutants, run nothing
//   npm run mutate -- --workers 2                parallel sandboxes (default 1: the tests use CPU)
//
// The JSON report goes to reports/mutation/ (git-ignored); the exit code is 0 whatever the score.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { baselineStore, closureKey, runBaseline, type Baseline, type BaselineStore } from './mutate/baseline.js';
import { validityChecker } from './mutate/equivalence.js';
import { equivalentReason, loadEquivalents } from './mutate/equivalent.js';
import { buildImportGraph, type ImportGraph } from './mutate/import-graph.js';
import { wilson95 } from './mutate/interval.js';
import { applyMutant, mutantsOf, type Mutant } from './mutate/mutants.js';
import { killsByTest, memoStore, resultKey } from './mutate/results-memo.js';
import { createSandbox, type Sandbox } from './mutate/sandbox.js';
import { changedLines, DEFAULT_TARGETS, expandTargets } from './mutate/targets.js';
import { killAll, runTestFile } from './mutate/test-file-run.js';

type Status = 'killed' | 'timeout' | 'survived' | 'no-coverage' | 'equivalent';

interface Result extends Mutant {
  status: Status;
  /** Why the mutant cannot change behaviour (equivalent/*.json), for equivalent ones. */
  why?: string;
  /** The test file that failed or hung, for killed mutants. */
  killedBy?: string;
  testsRun: string[];
  ms: number;
  /** Taken from reports/mutation/results.jsonl: nothing it depends on changed since it ran. */
  memo?: true;
}

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    since: { type: 'string' },
    sample: { type: 'string' },
    seed: { type: 'string', default: '1' },
    operators: { type: 'string' },
    lines: { type: 'string' },
    tests: { type: 'string' },
    budget: { type: 'string' },
    workers: { type: 'string', default: '1' },
    list: { type: 'boolean', default: false },
  },
});

const ROOT = process.cwd();
const REPORT_DIR = join(ROOT, 'reports', 'mutation');
const EQUIVALENTS = loadEquivalents(join(ROOT, 'scripts', 'mutate', 'equivalent'));
/** Test files seen failing on the unmutated code during this run. */
const FLAKY = new Set<string>();
const testPrefixes = opts.tests?.split(',').filter(Boolean);
const isTestFile = (f: string): boolean =>
  /^test\/.+\.test\.ts$/.test(f) && (!testPrefixes || testPrefixes.some((p) => f.startsWith(p)));
/** Under a mutant a test file may take this long before its hang counts as a kill. */
const timeoutFor = (b: Baseline): number => Math.max(20_000, 3 * b.ms + 10_000);

/** A small seeded PRNG, so `--sample N --seed S` picks the same mutants every time. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every mutant of the target files that runs and changes the program, once per distinct program. */
function generate(files: string[]): { mutants: Mutant[]; dropped: Record<string, number>; sources: Map<string, string>; population: number } {
  const dropped: Record<string, number> = { invalid: 0, 'type-only': 0, duplicate: 0, 'outside --since': 0 };
  const operators = opts.operators ? new Set(opts.operators.split(',')) : undefined;
  const onlyLines = opts.lines ? new Set(opts.lines.split(',').map(Number)) : undefined;
  const sources = new Map<string, string>();
  const mutants: Mutant[] = [];
  for (const file of files) {
    const source = readFileSync(join(ROOT, file), 'utf8');
    sources.set(file, source);
    const check = validityChecker(source);
    const lines = opts.since ? changedLines(ROOT, opts.since, file) : 'all';
    const seen = new Set<string>();
    for (const m of mutantsOf(file, source)) {
      if (operators && !operators.has(m.operator)) continue;
      if (onlyLines && !onlyLines.has(m.line)) continue;
      if (lines !== 'all' && !lines.has(m.line)) { dropped['outside --since']!++; continue; }
      const mutated = applyMutant(source, m);
      const v = check(mutated);
      if (v !== 'runs') { dropped[v]!++; continue; }
      if (seen.has(mutated)) { dropped.duplicate!++; continue; }
      seen.add(mutated);
      mutants.push(m);
    }
  }
  if (opts.sample) {
    // Kept in random order, so a run cut short by --budget is still a random sample.
    const next = random(Number(opts.seed));
    const shuffled = mutants.map((m) => ({ m, r: next() })).sort((a, b) => a.r - b.r).map((x) => x.m);
    return { mutants: shuffled.slice(0, Number(opts.sample)), dropped, sources, population: mutants.length };
  }
  return { mutants, dropped, sources, population: mutants.length };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const started = Date.now();
  const files = expandTargets(ROOT, positionals.length ? positionals : DEFAULT_TARGETS);
  if (files.length === 0) throw new Error(`no .ts file under src/ matches ${positionals.join(' ') || 'the default targets'}`);
  const { mutants, dropped, sources, population } = generate(files);
  console.log(`${mutants.length}${mutants.length < population ? ` of ${population}` : ''} mutants in ${files.length} files (dropped: ${Object.entries(dropped).map(([k, v]) => `${v} ${k}`).join(', ')})`);
  if (opts.list) {
    for (const m of mutants) console.log(`${m.file}:${m.line}:${m.column}  ${m.operator}  ${m.description}`);
    return;
  }

  const graph = buildImportGraph(ROOT, isTestFile);
  mkdirSync(REPORT_DIR, { recursive: true });
  const baselines = baselineStore(join(REPORT_DIR, 'baseline.json'));
  const memo = memoStore<Result>(join(REPORT_DIR, 'results.jsonl'));
  const keys = new Map<string, string>();
  /** Read from a copy that holds no mutant at the time, not from the working tree, which may be edited during a run. */
  const keyOf = (s: Sandbox, test: string): string => {
    if (!keys.has(test)) keys.set(test, closureKey(s.root, graph.closureOf(test)));
    return keys.get(test)!;
  };

  const workers = Math.max(1, Number(opts.workers));
  const sandboxes: Sandbox[] = [];
  const cleanUp = (): void => { killAll(); for (const s of sandboxes) s.remove(); };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => { cleanUp(); console.error(`\ninterrupted: sandboxes removed, working tree untouched`); process.exit(130); });
  }
  try {
    for (let w = 0; w < workers; w++) sandboxes.push(createSandbox(ROOT));
    if (!existsSync(join(sandboxes[0]!.root, 'profiles', 'generated'))) {
      for (const s of sandboxes) execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-validators.ts'], { cwd: s.root, stdio: 'ignore' });
    }
    const timing = { baselineMs: 0 };
    /** The baseline of a test file, run now (in `s`, unmutated at that moment) if not known yet. */
    const baselineOf = async (s: Sandbox, test: string): Promise<Baseline> => {
      const known = baselines.get(test, keyOf(s, test));
      if (known) return known;
      const b = await runBaseline(s.root, test, keyOf(s, test));
      timing.baselineMs += b.ms;
      baselines.put(test, b);
      if (b.outcome !== 'pass') console.log(`  baseline ${b.outcome}: ${test} is left out of every mutant's tests\n${b.tail ?? ''}`);
      return b;
    };

    const queue = mutants.map((m, i) => ({ m, i }));
    const results: Result[] = [];
    const deadline = opts.budget ? started + Number(opts.budget) * 60_000 : Infinity;
    await Promise.all(sandboxes.map(async (s) => {
      while (Date.now() < deadline) {
        const job = queue.shift();
        if (!job) break;
        const source = sources.get(job.m.file)!;
        const key = resultKey(job.m, source, graph.testsReaching(job.m.file).map((t) => keyOf(s, t.file)));
        const known = memo.get(key);
        const r = known ? { ...known, memo: true as const } : await runMutant(s, job.m, source, graph, killsByTest(memo.values(), job.m.file), (t) => baselineOf(s, t), (t) => baselines.get(t, keyOf(s, t))?.ms);
        if (!known && r.status !== 'equivalent') memo.put(key, r);
        results.push(r);
        const by = r.killedBy ? ` by ${r.killedBy}` : '';
        console.log(`[${results.length}/${mutants.length}] ${r.status.padEnd(11)} ${r.file}:${r.line}:${r.column} ${r.operator} ${r.description}${by} (${r.memo ? 'earlier run' : `${r.testsRun.length} files, ${seconds(r.ms)}`})`);
      }
    }));
    if (queue.length) console.log(`budget spent: ${queue.length} mutants not run`);
    report(results, files, { ...dropped, 'not run (budget)': queue.length }, { totalMs: Date.now() - started, baselineMs: timing.baselineMs }, population);
  } finally {
    cleanUp();
  }
}

/**
 * Runs the test files that import the mutant's module and execute its line, until one fails or
 * hangs: first the files that killed most mutants of the same module before (the order only saves
 * time: a survivor still runs every file), then the quickest. Files not timed yet come last, those
 * importing the fewest modules first (a unit test imports a few, an integration test the whole
 * facade and simulator).
 */
async function runMutant(
  s: Sandbox, m: Mutant, source: string, graph: ImportGraph, kills: ReadonlyMap<string, number>,
  baselineOf: (test: string) => Promise<Baseline>, knownMs: (test: string) => number | undefined,
): Promise<Result> {
  const started = Date.now();
  const why = equivalentReason(EQUIVALENTS, m, source);
  if (why) return { ...m, status: 'equivalent', why, testsRun: [], ms: 0 };
  const candidates = graph.testsReaching(m.file)
    .map((t) => ({ ...t, kills: kills.get(t.file) ?? 0, ms: knownMs(t.file) ?? Number.MAX_SAFE_INTEGER, weight: graph.closureOf(t.file).length }))
    .sort((a, b) => b.kills - a.kills || a.ms - b.ms || a.weight - b.weight || a.file.localeCompare(b.file));
  const mutated = applyMutant(source, m);
  const testsRun: string[] = [];
  for (const t of candidates) {
    const b = await baselineOf(t.file);
    if (b.outcome !== 'pass' || !b.lines[m.file]?.includes(m.line)) continue;
    if (FLAKY.has(t.file)) continue;
    testsRun.push(t.file);
    const run = await s.withFile(m.file, mutated, () => runTestFile(s.root, t.file, timeoutFor(b)));
    if (run.outcome === 'pass') continue;
    // A kill counts only if the file passes again without the mutant: a file that fails by timing
    // on a busy machine would otherwise kill mutants it never looked at. Such a file is left out.
    const again = await runTestFile(s.root, t.file, timeoutFor(b));
    if (again.outcome !== 'pass') {
      FLAKY.add(t.file);
      console.log(`  ${t.file} failed without the mutant too: left out from now on as flaky`);
      continue;
    }
    return { ...m, status: run.outcome === 'timeout' ? 'timeout' : 'killed', killedBy: t.file, testsRun, ms: Date.now() - started };
  }
  return { ...m, status: testsRun.length ? 'survived' : 'no-coverage', testsRun, ms: Date.now() - started };
}

function report(results: Result[], files: string[], dropped: Record<string, number>, timing: { totalMs: number; baselineMs: number }, population: number): void {
  const count = (s: Status): number => results.filter((r) => r.status === s).length;
  const detected = count('killed') + count('timeout');
  const undetected = count('survived') + count('no-coverage');
  const score = detected + undetected ? (100 * detected) / (detected + undetected) : 100;
  // Only a --sample run is a random subset (a budget cut of a full run stops at some file).
  const sampled = opts.sample !== undefined && results.length < population;
  const interval = sampled ? wilson95(detected, detected + undetected) : undefined;
  results.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  const perFile = files.map((file) => {
    const rs = results.filter((r) => r.file === file && r.status !== 'equivalent');
    const d = rs.filter((r) => r.status === 'killed' || r.status === 'timeout').length;
    return { file, mutants: rs.length, detected: d, score: rs.length ? Math.round((1000 * d) / rs.length) / 10 : null };
  }).filter((f) => f.mutants > 0);
  const summary = {
    date: new Date().toISOString(), node: process.version, args: process.argv.slice(2),
    score: Math.round(score * 10) / 10, ...(interval && { interval95: interval, population }), mutants: results.length,
    killed: count('killed'), timeout: count('timeout'), survived: count('survived'), noCoverage: count('no-coverage'),
    equivalent: count('equivalent'), fromEarlierRuns: results.filter((r) => r.memo).length, flaky: [...FLAKY],
    dropped, totalMs: timing.totalMs, baselineMs: timing.baselineMs,
    mutantMs: results.reduce((n, r) => n + r.ms, 0),
  };
  const file = join(REPORT_DIR, `mutation-${summary.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ summary, perFile, mutants: results }, null, 1)}\n`);
  writeFileSync(join(REPORT_DIR, 'latest.json'), `${JSON.stringify({ summary, perFile, mutants: results }, null, 1)}\n`);

  const undetectedList = results.filter((r) => r.status === 'survived' || r.status === 'no-coverage');
  const equivalents = results.filter((r) => r.status === 'equivalent');
  if (equivalents.length) console.log(`\nEquivalent, not run (${equivalents.length}; scripts/mutate/equivalent/):`);
  for (const r of equivalents) console.log(`  ${r.file}:${r.line}:${r.column}  ${r.operator}  ${r.description}: ${r.why}`);
  console.log(`\nSurvivors (${undetectedList.length}):`);
  for (const r of undetectedList) console.log(`  ${r.file}:${r.line}:${r.column}  ${r.status === 'no-coverage' ? 'not covered' : 'survived'}  ${r.operator}  ${r.description}`);
  console.log('\nPer file:');
  for (const f of perFile) console.log(`  ${f.file.padEnd(50)} ${String(f.detected).padStart(4)}/${String(f.mutants).padEnd(4)} ${f.score} %`);
  console.log(`\nMutation score: ${summary.score} % (${detected} of ${detected + undetected} detected: ${summary.killed} killed, ${summary.timeout} timed out; ${summary.survived} survived, ${summary.noCoverage} not covered)`);
  if (interval) console.log(`A random sample of ${results.length} of the ${population} mutants: the whole set's score lies in ${interval.low}–${interval.high} % (95 % Wilson interval).`);
  console.log(`Time: ${seconds(summary.totalMs)} in all, of which baseline ${seconds(summary.baselineMs)}. Report: ${file}`);
}

await main();
