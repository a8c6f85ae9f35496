// The real entry point (src/main.ts) in a child process, for attacks that would freeze the event
// loop: the test process keeps its own clock and can still time out, measure and kill.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { waitFor } from '../resilience/support.js';

export interface ServerProcess {
  /** e.g. http://127.0.0.1:PORT (the FHIR base is `${origin}/fhir`). */
  origin: string;
  child: ChildProcess;
  /** Peak resident memory of the server process so far (Linux VmHWM), in bytes. */
  peakRssBytes(): number;
  /** Current resident memory (VmRSS), in bytes. */
  rssBytes(): number;
  /** CPU time the server process has used so far (user + system), in ms, to 10 ms. */
  cpuMs(): number;
  output(): string;
  stop(): Promise<void>;
}

/** utime + stime of /proc/PID/stat, in clock ticks of 10 ms (USER_HZ is 100 on Linux). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after the command name, which may hold spaces
  return Number(fields[11]) + Number(fields[12]);
}

function statusField(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, PORT: '0', SIM_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', CHANGE_POLL_SECONDS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A server frozen by an attack must not outlive a test process that ends early.
  const orphanGuard = (): void => { child.kill('SIGKILL'); };
  process.once('exit', orphanGuard);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  const stop = async (): Promise<void> => {
    process.off('exit', orphanGuard);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await exited;
  };
  try {
    await waitFor(() => /listening on [\d.]+:(\d+)/.test(out) || child.exitCode !== null, 30_000, 'the server to start');
  } catch (e) {
    await stop();
    throw e;
  }
  const port = /listening on [\d.]+:(\d+)/.exec(out)?.[1];
  if (!port) throw new Error(`server did not start:\n${out}`);
  return {
    origin: `http://127.0.0.1:${port}`,
    child,
    peakRssBytes: () => statusField(child.pid!, 'VmHWM'),
    rssBytes: () => statusField(child.pid!, 'VmRSS'),
    cpuMs: () => cpuTicks(child.pid!) * 10,
    output: () => out,
    stop,
  };
}

/** Milliseconds one fetch takes (status and timing), or `timedOut` when it exceeds `timeoutMs`. */
export async function timed(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; ms: number; timedOut: boolean; text: string }> {
  const t0 = performance.now();
  try {
    const r = await fetch(url, { ...init, signal: AbortSignal.timeout(Math.ceil(timeoutMs)) });
    const text = await r.text();
    return { status: r.status, ms: performance.now() - t0, timedOut: false, text };
  } catch (e) {
    if ((e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError') return { status: 0, ms: performance.now() - t0, timedOut: true, text: '' };
    throw e;
  }
}

/**
 * The slowest of `n` sequential normal requests, after as many warm-up requests (the first ones
 * compile code and fill pools): the yardstick for "as fast as a normal request".
 */
export async function slowestOf(n: number, url: string, init: RequestInit = {}): Promise<number> {
  for (let i = 0; i < n; i++) await timed(url, init, 30_000);
  let slowest = 0;
  for (let i = 0; i < n; i++) {
    const r = await timed(url, init, 30_000);
    if (r.timedOut) throw new Error(`a normal request to ${url} timed out`);
    slowest = Math.max(slowest, r.ms);
  }
  return slowest;
}
