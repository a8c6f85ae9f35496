// /readyz: is OSCAR reachable over both REST and SOAP? Probes are cheap but real OSCAR calls, so
// an answer is reused for a short while and concurrent probes share one check (a load balancer
// polling every second from several nodes must not become load on the clinic's server).

export interface ReadyReport {
  ok: boolean;
  /** Per check: 'ok' or a short failure name ('timeout', 'circuit-open', 'auth', 'draining'…). */
  checks: Record<string, string>;
  /** What the ops token holder sees besides the checks (the OSCAR capability map). */
  detail?: Record<string, unknown>;
}

export interface ReadinessOptions {
  /** Runs the checks; each value 'ok' or a failure name. */
  probe: () => Promise<Record<string, string>>;
  cacheMs: number;
  /** True while shutting down: not ready, without asking OSCAR. */
  draining: () => boolean;
  /** Read at each answer (not cached): e.g. the capability map in force. */
  detail?: () => Record<string, unknown>;
  now?: () => number;
}

export function createReadiness(opts: ReadinessOptions): () => Promise<ReadyReport> {
  const now = opts.now ?? Date.now;
  let cached: { at: number; report: ReadyReport } | undefined;
  let running: Promise<ReadyReport> | undefined;

  const run = async (): Promise<ReadyReport> => {
    let checks: Record<string, string>;
    try {
      checks = await opts.probe();
    } catch {
      checks = { oscar: 'error' };
    }
    const report = { ok: Object.values(checks).every((v) => v === 'ok'), checks };
    cached = { at: now(), report };
    return report;
  };

  const answer = async (): Promise<ReadyReport> => {
    if (opts.draining()) return { ok: false, checks: { server: 'draining' } };
    if (cached && now() - cached.at < opts.cacheMs) return cached.report;
    running ??= run().finally(() => { running = undefined; });
    return running;
  };
  return async () => {
    const report = await answer();
    return opts.detail ? { ...report, detail: opts.detail() } : report;
  };
}
