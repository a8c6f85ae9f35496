// Child processes of the benchmarks: every server under test and the load generator run in their
// own process (a fresh heap and JIT each, and the load generator never shares a thread with the
// server it measures). Children announce themselves with one IPC message { ready, ...info } and
// answer { id, cmd, arg } requests with { id, result } (child side: serveChild below).
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

export interface Child<I = Record<string, unknown>> {
  info: I;
  proc: ChildProcess;
  rpc<T = unknown>(cmd: string, arg?: unknown): Promise<T>;
  stop(): Promise<void>;
}

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** Forks bench/<script> under tsx with `env` added, and waits for its ready message. */
export async function startChild<I = Record<string, unknown>>(script: string, env: Record<string, string> = {}, args: string[] = [], nodeArgs: string[] = []): Promise<Child<I>> {
  const proc = fork(here(`../${script}`), args, {
    execArgv: ['--import', 'tsx', '--expose-gc', ...nodeArgs],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const info = await new Promise<I>((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`${script} exited with ${code} before it was ready`));
    proc.once('exit', onExit);
    proc.once('error', reject);
    proc.on('message', (m: { ready?: boolean; id?: number; result?: unknown; error?: string }) => {
      if (m.ready) {
        proc.off('exit', onExit);
        resolve(m as unknown as I);
      } else if (m.id !== undefined) {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.result);
      }
    });
  });
  return {
    info,
    proc,
    rpc: <T>(cmd: string, arg?: unknown) => new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      proc.send({ id, cmd, arg });
    }),
    stop: () => new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 5_000).unref();
    }),
  };
}

/** Child side: announce readiness and answer rpc commands. */
export function serveChild(info: Record<string, unknown>, own: Record<string, (arg: unknown) => unknown>): void {
  let session: Session | undefined;
  /** An inspector recording over a measured window only (no start-up, no warm-up): begun, then ended into a file. */
  const recording = (begin: (s: Session) => Promise<unknown>, end: (s: Session) => Promise<{ profile: object }>) => ({
    start: async () => {
      session = new Session();
      session.connect();
      await begin(session);
      return true;
    },
    stop: async (file: unknown) => {
      if (!session) throw new Error('nothing is being recorded');
      const { profile } = await end(session);
      session.disconnect();
      session = undefined;
      writeFileSync(String(file), JSON.stringify(profile));
      return file;
    },
  });
  // A CPU profile, for the closing notes.
  const cpuProfile = recording(async (s) => {
    await s.post('Profiler.enable');
    await s.post('Profiler.setSamplingInterval', { interval: 200 });
    await s.post('Profiler.start');
  }, (s) => s.post('Profiler.stop'));
  // Where the window allocates: every sampled allocation, also those already collected.
  const allocations = recording(
    (s) => s.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }),
    (s) => s.post('HeapProfiler.stopSampling'),
  );
  const commands: Record<string, (arg: unknown) => unknown> = {
    ...own,
    // CPU so far, with no GC forced: processStats' full GC leaves concurrent sweeping behind that
    // would be billed to the window being measured.
    // threadMicros: the main thread alone (the JIT compiler, GC helpers and the thread pool not counted).
    cpu: () => { const c = process.cpuUsage(); const t = process.threadCpuUsage(); return { cpuMicros: c.user + c.system, userMicros: c.user, systemMicros: c.system, threadMicros: t.user + t.system }; },
    'profile-start': cpuProfile.start,
    'profile-stop': cpuProfile.stop,
    'alloc-start': allocations.start,
    'alloc-stop': allocations.stop,
  };
  process.on('message', (m: { id: number; cmd: string; arg?: unknown }) => {
    const fn = commands[m.cmd];
    Promise.resolve()
      .then(() => {
        if (!fn) throw new Error(`unknown command ${m.cmd}`);
        return fn(m.arg);
      })
      .then((result) => process.send!({ id: m.id, result }), (e: unknown) => process.send!({ id: m.id, error: e instanceof Error ? e.message : String(e) }));
  });
  process.on('SIGTERM', () => process.exit(0));
  process.send!({ ready: true, ...info });
}

// `external` already holds the ArrayBuffers (Buffers included): adding `arrayBuffers` counted them twice.
/** CPU and memory of the current process, after a full GC when it is exposed. */
export function processStats(): { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; externalBytes: number; cpuMicros: number; userMicros: number; systemMicros: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const c = process.cpuUsage();
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal, externalBytes: m.external, cpuMicros: c.user + c.system, userMicros: c.user, systemMicros: c.system };
}
