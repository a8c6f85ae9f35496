// Validation figures (a benchmark, not a test): cold load of the generated validators in a fresh
// process, µs per validateResource for each resource type (and per full walk), and sizes.
//   node --import tsx bench/validation.ts
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildValidators } from '../src/validation/build.js';
import { loadValidators, sanitizeOutgoing, validateResource } from '../src/validation/index.js';
import { PATHS } from '../src/validation/inputs.js';
import { loadRuntime } from '../src/validation/loader.js';
import { collectFindings } from '../src/validation/walker.js';
import { json, valid } from '../test/validation/fixtures.js';

const repo = fileURLToPath(new URL('../', import.meta.url));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const build = buildValidators();
console.log(`build: ${build.built ? `built in ${build.ms.toFixed(0)} ms` : 'up to date'}; generated ${(statSync(PATHS.generated).size / 1024).toFixed(0)} KiB`);
console.log(`vendored: schema ${(statSync(PATHS.schema).size / 1024).toFixed(0)} KiB, element rules ${(statSync(PATHS.elementRules).size / 1024).toFixed(0)} KiB`);

// cold start in fresh processes: import the module, load validators, validate one Patient
const probe = `
const t0 = performance.now();
const m = await import(${JSON.stringify(new URL('../src/validation/index.ts', import.meta.url).href)});
const t1 = performance.now();
const info = m.loadValidators();
const t2 = performance.now();
m.validateResource({ resourceType: 'Patient', id: '1', birthDate: '1980-02-29' });
const t3 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, loadMs: t2 - t1, firstValidationMs: t3 - t2, source: info.source }));`;
const runs = Array.from({ length: 5 }, () => {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { cwd: repo, encoding: 'utf8' });
  return JSON.parse(out) as { importMs: number; loadMs: number; firstValidationMs: number; source: string };
});
console.log(
  `cold load (median of 5 fresh processes): import ${median(runs.map((r) => r.importMs)).toFixed(1)} ms, ` +
    `loadValidators ${median(runs.map((r) => r.loadMs)).toFixed(1)} ms, first validation ${median(runs.map((r) => r.firstValidationMs)).toFixed(2)} ms ` +
    `(source: ${runs[0]!.source})`,
);

loadValidators();
/** median µs per call over 5 samples of about 40 ms each (after a warm-up) */
function perCall(fn: () => unknown): number {
  const warmUntil = performance.now() + 40;
  let n = 0;
  while (performance.now() < warmUntil) {
    fn();
    n++;
  }
  const samples: number[] = [];
  for (let s = 0; s < 5; s++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) fn();
    samples.push(((performance.now() - t) * 1000) / n);
  }
  return median(samples);
}

// The full walk alone (ajv + walker, with findings): what a resource with something to report
// pays on top of the fast check that validateResource asks first.
const { runtime } = loadRuntime();

// JIT warm-up over every shape first, so the first type measured is not penalised
for (let i = 0; i < 3000; i++) {
  for (const make of Object.values(valid)) {
    validateResource(make());
    collectFindings(runtime, make());
  }
}

console.log('\nµs per validateResource (valid resource: the fast check alone) and per full walk, median of 5 samples:');
for (const [name, make] of Object.entries(valid)) {
  const r = make();
  const fast = perCall(() => validateResource(r));
  const full = perCall(() => collectFindings(runtime, r));
  console.log(`  ${name.padEnd(22)} ${fast.toFixed(1).padStart(7)} µs   full walk ${full.toFixed(1).padStart(7)} µs`);
}

const broken = json(valid.patient());
broken.birthDate = '1980-02-30';
broken.shoeSize = 42;
console.log('\ninvalid Patient (2 problems):');
console.log(`  validateResource       ${perCall(() => validateResource(broken)).toFixed(1).padStart(7)} µs`);
console.log(`  sanitizeOutgoing       ${perCall(() => sanitizeOutgoing(broken)).toFixed(1).padStart(7)} µs`);
const good = valid.patient();
console.log(`  sanitizeOutgoing valid ${perCall(() => sanitizeOutgoing(good)).toFixed(1).padStart(7)} µs`);

const big = json(valid.searchBundle());
big.entry = Array.from({ length: 50 }, (_, i) => ({
  fullUrl: `https://fhir.example.org/fhir/Patient/${i}`,
  resource: { ...valid.patient(), id: String(i) },
  search: { mode: 'match' },
}));
big.total = 50;
console.log(`\nsearchset Bundle of 50 Patients: ${(perCall(() => validateResource(big)) / 1000).toFixed(2)} ms`);
