// Runs one test file as `npm test` does (node --import tsx --test), in its own process group so a
// hung file and every server or child it started can be killed together when the time is up.
import { spawn } from 'node:child_process';

export interface FileRun {
  outcome: 'pass' | 'fail' | 'timeout';
  ms: number;
  /** The last lines of output, to tell why a baseline run failed. */
  tail: string;
}

/** Live process groups, killed when the runner itself is interrupted. */
export const running = new Set<number>();

export function killAll(): void {
  for (const pid of running) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  running.clear();
}

export function runTestFile(cwd: string, file: string, timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<FileRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=dot', file], {
      cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
    });
    const pid = child.pid!;
    running.add(pid);
    let output = '';
    const keep = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-4000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      // The test runner may leave children of its own; end the whole group.
      try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
      running.delete(pid);
      const outcome = timedOut ? 'timeout' : code === 0 ? 'pass' : 'fail';
      resolve({ outcome, ms: Date.now() - started, tail: output.split('\n').slice(-15).join('\n') });
    });
  });
}
