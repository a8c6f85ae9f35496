// Start-up figures (a benchmark, not a test). Target: server start to first answered request < 1 s.
//
//   node --import tsx bench/startup.ts [--runs 5] [--cold-runs 2] [--no-validation]
//
// 0. `node dist/main.js` (what `npm start` runs after its tsc build step), spawned the same way.
// 1. `node --import tsx src/main.ts` (the development start, embedded simulator included), spawned
//    with free PORT/SIM_PORT and LOG_LEVEL=warn: ms from spawn to the first answered
//    GET /fhir/metadata and to the first answered GET /fhir/Patient/1001 (asked right after),
//    with the generated validators in place, then in a scratch copy without them (the one-time build).
// 2. The same server as one esbuild bundle (the esbuild binary tsx ships; written to a temp dir,
//    never committed): what a compiled dist/ start would cost.
// 3. Where the time goes, in-process: module loading, the simulator generating its clinic, the
//    facade (validators included), listen — under tsx and bundled — plus bare Node and Node+tsx.
// 4. µs per validation: bench/validation.ts.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildValidators } from '../src/validation/build.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'cold-runs': { type: 'string', default: '2' },
    'no-validation': { type: 'boolean', default: false },
  },
});
const RUNS = Math.max(1, Number(args.runs));
const COLD_RUNS = Math.max(0, Number(args['cold-runs']));
const repo = fileURLToPath(new URL('../', import.meta.url));
const ESBUILD = join(repo, 'node_modules/esbuild/bin/esbuild');
/** Packages the bundle leaves to node_modules (as a tsc-compiled dist would); ajv is bundled (its JSON import). */
const EXTERNAL = ['express', 'helmet', 'jose', 'lru-cache', 'oauth-1.0a', 'pino', 'prom-client', 'fast-xml-parser'];
const TARGET_MS = 1000;

const scratch = mkdtempSync(join(tmpdir(), 'oscar-fhir-startup-'));
const children = new Set<ChildProcess>();
const cleanup = (): void => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
};
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number): string => `${x.toFixed(0)} ms`;

interface StartRun { metadataMs: number; patientMs: number }

/** Spawns a server, polls until /fhir/metadata answers 200, then asks for Patient/1001 once. */
async function timeStart(nodeArgs: string[], cwd: string): Promise<StartRun> {
  const port = await freePort();
  let simPort = await freePort();
  while (simPort === port) simPort = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), SIM_PORT: String(simPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn', FHIR_BASE_URL: `http://127.0.0.1:${port}/fhir` };
  delete env.OSCAR_URL;
  const t0 = performance.now();
  const child = spawn(process.execPath, nodeArgs, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`server exited (${code}) before answering:\n${stderr.slice(-2000)}`))));
  const base = `http://127.0.0.1:${port}/fhir`;
  const answered = async (): Promise<number> => {
    for (;;) {
      try {
        const r = await fetch(`${base}/metadata`);
        await r.arrayBuffer();
        if (r.status === 200) return performance.now() - t0;
      } catch { /* not listening yet */ }
      if (performance.now() - t0 > 60_000) throw new Error('no answer within 60 s');
      await sleep(5);
    }
  };
  try {
    const metadataMs = await Promise.race([answered(), exited]);
    const r = await fetch(`${base}/Patient/1001`);
    const body = (await r.json()) as { resourceType?: string };
    if (r.status !== 200 || body.resourceType !== 'Patient') throw new Error(`Patient/1001 answered ${r.status}`);
    return { metadataMs, patientMs: performance.now() - t0 };
  } finally {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
    await new Promise<void>((r) => { if (child.exitCode !== null) r(); else child.once('exit', () => r()); setTimeout(r, 5_000).unref(); });
    children.delete(child);
  }
}

async function series(label: string, runs: number, nodeArgs: string[], cwd: string, before?: () => void): Promise<StartRun[]> {
  const out: StartRun[] = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    out.push(await timeStart(nodeArgs, cwd));
  }
  const m = median(out.map((r) => r.metadataMs));
  const p = median(out.map((r) => r.patientMs));
  console.log(`  ${label.padEnd(44)} metadata ${ms(m).padStart(8)}   Patient/1001 ${ms(p).padStart(8)}   ` +
    `(runs: ${out.map((r) => `${r.metadataMs.toFixed(0)}/${r.patientMs.toFixed(0)}`).join(', ')})  ${p < TARGET_MS ? 'target met' : 'over 1 s'}`);
  return out;
}

/** A scratch copy of what the server reads from disk, without the generated validators. */
function scratchRepo(): string {
  const dir = join(scratch, 'repo');
  for (const d of ['src', 'profiles', 'capability']) cpSync(join(repo, d), join(dir, d), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json']) cpSync(join(repo, f), join(dir, f));
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}
const dropGenerated = (root: string) => (): void => rmSync(join(root, 'profiles/generated'), { recursive: true, force: true });

/**
 * One ESM bundle per entry (main, plus build and schema-types, which the validator loader hashes
 * and runs when the generated file is missing), laid out as src/ is: <root>/dist/bin/*.js, so
 * `../../profiles` and `../../capability` resolve as from src/<area>/.
 */
function bundle(extraEntries: string[] = []): { root: string; main: string; ms: number } {
  const root = join(scratch, 'bundle');
  const out = join(root, 'dist/bin');
  mkdirSync(out, { recursive: true });
  const t = performance.now();
  execFileSync(ESBUILD, [
    'src/main.ts', 'src/validation/build.ts', 'src/validation/schema-types.ts', ...extraEntries,
    '--bundle', '--platform=node', '--format=esm', '--target=node20', ...EXTERNAL.map((p) => `--external:${p}`),
    `--outdir=${out}`, '--entry-names=[name]', '--log-level=warning',
  ], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] });
  const took = performance.now() - t;
  if (!existsSync(join(root, 'profiles'))) {
    for (const d of ['profiles', 'capability']) cpSync(join(repo, d), join(root, d), { recursive: true });
    cpSync(join(repo, 'src/resources/immunization/vaccine-codes.csv'), join(out, 'vaccine-codes.csv'));
    writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
    symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
  }
  return { root, main: join(out, 'main.js'), ms: took };
}

/** In-process phases of a start, the way main.ts runs it (simulator, facade, listen). */
const PROBE = `
import { performance } from 'node:perf_hooks';
const t0 = performance.now();
const { createFacade } = await import(${JSON.stringify(join(repo, 'src/app.ts'))});
const { connectionFromCredentials, loadConfig } = await import(${JSON.stringify(join(repo, 'src/config.ts'))});
const { createLogger } = await import(${JSON.stringify(join(repo, 'src/logging.ts'))});
const { startSimulator } = await import(${JSON.stringify(join(repo, 'src/sim/server.ts'))});
const { demoCredentials } = await import(${JSON.stringify(join(repo, 'src/sim/options.ts'))});
const t1 = performance.now();
const credentials = demoCredentials();
const sim = await startSimulator({ port: 0, credentials });
const t2 = performance.now();
const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
const facade = createFacade(config, connectionFromCredentials(sim.url, credentials), createLogger('warn'));
const t3 = performance.now();
const port = await facade.listen();
const t4 = performance.now();
const r = await fetch('http://127.0.0.1:' + port + '/fhir/metadata'); await r.arrayBuffer();
const t5 = performance.now();
const p = await fetch('http://127.0.0.1:' + port + '/fhir/Patient/1001'); await p.arrayBuffer();
const t6 = performance.now();
process.stdout.write(JSON.stringify({ processMs: t0, importMs: t1 - t0, simulatorMs: t2 - t1, facadeMs: t3 - t2, listenMs: t4 - t3, metadataMs: t5 - t4, patientMs: t6 - t5, total: t6 }));
await facade.close(100); await sim.close(); process.exit(0);
`;

interface Phases { processMs: number; importMs: number; simulatorMs: number; facadeMs: number; listenMs: number; metadataMs: number; patientMs: number; total: number }

function phases(nodeArgs: string[], cwd: string): Phases {
  return JSON.parse(execFileSync(process.execPath, nodeArgs, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as Phases;
}

function medianPhases(xs: Phases[]): Phases {
  const keys = Object.keys(xs[0]!) as (keyof Phases)[];
  return Object.fromEntries(keys.map((k) => [k, median(xs.map((x) => x[k]))])) as unknown as Phases;
}

function printPhases(label: string, p: Phases): void {
  // One figure for node + loader + modules: a bundle evaluates its (external) imports before its first line runs.
  console.log(`  ${label.padEnd(7)} node + modules ${ms(p.processMs + p.importMs).padStart(7)}  simulator (300-patient clinic) ${ms(p.simulatorMs).padStart(7)}  ` +
    `facade ${ms(p.facadeMs).padStart(6)}  listen ${ms(p.listenMs).padStart(5)}  first metadata ${ms(p.metadataMs).padStart(5)}  first Patient ${ms(p.patientMs).padStart(5)}  = ${ms(p.total)}`);
}

function bareStart(nodeArgs: string[]): number {
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    execFileSync(process.execPath, [...nodeArgs, '-e', ''], { cwd: repo, stdio: 'ignore' });
    xs.push(performance.now() - t);
  }
  return median(xs);
}

async function main(): Promise<void> {
  console.log(`start-up — Node ${process.version}, ${cpus().length} cores (shared), medians of ${RUNS} runs (${COLD_RUNS} cold)\n`);
  const b = buildValidators();
  console.log(`validators: ${b.built ? `built now in ${ms(b.ms)}` : 'generated file up to date'} (input hash ${b.inputHash.slice(0, 12)})\n`);

  console.log('spawn → first answered request (npm start: embedded simulator + facade):');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'inherit' });
  const distWarm = await series('node dist/main.js (npm start)', RUNS, ['dist/main.js'], repo);
  const tsxWarm = await series('node --import tsx src/main.ts', RUNS, ['--import', 'tsx', 'src/main.ts'], repo);
  const copy = scratchRepo();
  const tsxCold = COLD_RUNS > 0 ? await series('  same, generated validators deleted', COLD_RUNS, ['--import', 'tsx', 'src/main.ts'], copy, dropGenerated(copy)) : [];
  const bundled = bundle();
  console.log(`  (esbuild bundle of src/main.ts: ${ms(bundled.ms)}, ${scratch}/bundle, deleted on exit)`);
  const bundleCold = COLD_RUNS > 0 ? await series('node dist/bin/main.js (bundle), no validators', COLD_RUNS, [bundled.main], bundled.root, dropGenerated(bundled.root)) : [];
  const bundleWarm = await series('node dist/bin/main.js (bundle)', RUNS, [bundled.main], bundled.root);

  console.log('\nwhere the time goes (in-process, medians):');
  const bare = bareStart([]);
  const withTsx = bareStart(['--import', 'tsx']);
  console.log(`  bare node ${ms(bare)}; node --import tsx (empty script) ${ms(withTsx)}`);
  const probeFile = join(scratch, 'probe.mts');
  writeFileSync(probeFile, PROBE);
  const tsxPhases = medianPhases(Array.from({ length: RUNS }, () => phases(['--import', 'tsx', probeFile], repo)));
  printPhases('tsx', tsxPhases);
  const probeBundle = join(bundled.root, 'dist/bin/probe.js');
  execFileSync(ESBUILD, [probeFile, '--bundle', '--platform=node', '--format=esm', '--target=node20', ...EXTERNAL.map((p) => `--external:${p}`),
    `--outfile=${probeBundle}`, '--log-level=warning'], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] });
  const bundlePhases = medianPhases(Array.from({ length: RUNS }, () => phases([probeBundle], bundled.root)));
  printPhases('bundle', bundlePhases);

  const med = (xs: StartRun[], k: keyof StartRun): number => (xs.length ? median(xs.map((x) => x[k])) : NaN);
  console.log('\nsummary (target: start to first answered request < 1 s):');
  console.log(`  npm start (tsc-compiled dist/): metadata ${ms(med(distWarm, 'metadataMs'))}, Patient/1001 ${ms(med(distWarm, 'patientMs'))}`);
  console.log(`  tsx:    metadata ${ms(med(tsxWarm, 'metadataMs'))}, Patient/1001 ${ms(med(tsxWarm, 'patientMs'))}; ` +
    `without generated validators +${ms(med(tsxCold, 'metadataMs') - med(tsxWarm, 'metadataMs'))} once`);
  console.log(`  bundle: metadata ${ms(med(bundleWarm, 'metadataMs'))}, Patient/1001 ${ms(med(bundleWarm, 'patientMs'))}; ` +
    `without generated validators +${ms(med(bundleCold, 'metadataMs') - med(bundleWarm, 'metadataMs'))} once`);
  const tsxShare = tsxPhases.processMs + tsxPhases.importMs - (bundlePhases.processMs + bundlePhases.importMs);
  console.log(`  tsx transpilation and loading costs ${ms(tsxShare)} of the tsx start; the embedded simulator's clinic ` +
    `${ms(tsxPhases.simulatorMs)} (tsx) / ${ms(bundlePhases.simulatorMs)} (bundle), which a real OSCAR deployment does not pay.`);
  const facadeOnly = bundlePhases.processMs + bundlePhases.importMs + bundlePhases.facadeMs + bundlePhases.listenMs + bundlePhases.metadataMs;
  console.log(`  bundled facade without the simulator (node + modules + facade + listen + first answer): ~${ms(facadeOnly)}`);

  if (!args['no-validation']) {
    console.log('\nvalidation (bench/validation.ts):');
    execFileSync(process.execPath, ['--import', 'tsx', 'bench/validation.ts'], { cwd: repo, stdio: 'inherit' });
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
