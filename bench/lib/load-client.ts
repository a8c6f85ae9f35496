// Runs the load generator (loadgen.ts) in its own process and returns its figures.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './loadgen.js';

export type { LoadResult, LoadSpec } from './loadgen.js';

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const proc = fork(fileURLToPath(new URL('./loadgen.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let done = false;
    proc.once('message', (m: { result: LoadResult }) => { done = true; resolve(m.result); });
    proc.once('exit', (code) => { if (!done) reject(new Error(`load generator exited with ${code}`)); });
    proc.once('error', reject);
    proc.send(spec);
  });
}
