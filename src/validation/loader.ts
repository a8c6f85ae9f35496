// Loads the ahead-of-time validators (profiles/generated/validators.cjs) with a plain require:
// about 20 ms, against over a second to compile the schema. When the file is missing or its
// input hash no longer matches profiles/r4/, the build runs once, synchronously, in a child
// process (same Node flags, so it works under tsx and from compiled JS alike). That costs about
// 1-2 s on first start of a fresh clone; `npm run build:validators` ahead of time avoids it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { ajvVersion, computeInputHash, generatedHash, PATHS, VALIDATED_TYPES } from './inputs.js';
import { loadRules } from './profile-rules.js';
import type { TypeTable } from './schema-types.js';
import type { Runtime } from './walker.js';

export interface LoadInfo {
  /** 'generated': required the up-to-date file; 'built-at-load': had to build it first */
  source: 'generated' | 'built-at-load';
  file: string;
  inputHash: string;
  /** time to check, (build,) require the generated code and read the rules */
  loadMs: number;
  /** time the build took when it had to run (0 otherwise) */
  buildMs: number;
}

interface GeneratedModule {
  inputHash: string;
  typeTable: TypeTable;
  [type: string]: unknown;
}

/** Node flags that make TypeScript importable (tsx), kept for the child build. */
function loaderFlags(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^--(import|require|loader|experimental-loader)=/.test(a)) out.push(a);
    else if (['--import', '--require', '--loader', '--experimental-loader', '-r'].includes(a) && argv[i + 1]) out.push(a, argv[++i]!);
  }
  return out;
}

function buildInChildProcess(): void {
  const self = fileURLToPath(import.meta.url);
  const buildFile = join(dirname(self), `build${extname(self)}`);
  if (!existsSync(buildFile)) throw new Error(`validators are missing or stale and ${buildFile} is not available to build them`);
  const script = `const m = await import(${JSON.stringify(pathToFileURL(buildFile).href)}); m.buildValidators();`;
  execFileSync(process.execPath, [...loaderFlags(), '--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export function loadRuntime(): { runtime: Runtime; info: LoadInfo } {
  const started = performance.now();
  const expected = computeInputHash(ajvVersion());
  let buildMs = 0;
  if (generatedHash() !== expected) {
    const b = performance.now();
    buildInChildProcess();
    buildMs = performance.now() - b;
  }
  const require = createRequire(import.meta.url);
  const mod = require(PATHS.generated) as GeneratedModule;
  if (mod.inputHash !== expected) throw new Error(`${PATHS.generated} is stale even after a rebuild`);
  // No prototype: a resourceType read from a body ('toString', '__proto__') finds no validator here.
  const validators: Record<string, ValidateFunction | undefined> = Object.create(null) as Record<string, ValidateFunction | undefined>;
  for (const type of VALIDATED_TYPES) {
    const fn = mod[type];
    if (typeof fn !== 'function') throw new Error(`${PATHS.generated} has no validator for ${type}`);
    validators[type] = fn as ValidateFunction;
  }
  const runtime: Runtime = { validators, typeTable: mod.typeTable, rules: loadRules() };
  return {
    runtime,
    info: {
      source: buildMs > 0 ? 'built-at-load' : 'generated',
      file: PATHS.generated,
      inputHash: expected,
      loadMs: performance.now() - started,
      buildMs,
    },
  };
}
