// The kernel's scheduler accounting of a process's main thread (Linux /proc/PID/schedstat, the
// thread-group leader's line): nanoseconds on a CPU and nanoseconds runnable but waiting for one.
// A request that waited for a CPU was slowed by the machine, not by its own work; reading the
// file costs the process being watched nothing.
import { readFileSync } from 'node:fs';

export interface Sched { run: number; wait: number }

/** The main thread's accounting, or undefined where the kernel offers none (not Linux). */
export function schedOf(pid: number): Sched | undefined {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { run: run!, wait: wait! };
  } catch {
    return undefined;
  }
}

/** Milliseconds of `k` between two readings (NaN when either is missing). */
export const schedMs = (a: Sched | undefined, b: Sched | undefined, k: keyof Sched): number => (a && b ? (b[k] - a[k]) / 1e6 : NaN);
