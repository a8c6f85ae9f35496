// The load generator, always run as its own process (load-client.ts forks it and sends the spec):
// autocannon against one URL, optionally cycling through several paths/bodies, with latency taken
// from every response at full precision (autocannon's own histogram rounds to whole ms, too coarse
// for sub-millisecond medians).
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  connections: number;
  durationSec?: number;
  /** Stop after this many requests instead of after a duration. */
  amount?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Paths (with query) to cycle through; default: the URL's own. */
  paths?: string[];
  /** Bodies, cycled with `paths`. */
  bodies?: string[];
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  non2xx: number;
  errors: number;
  statuses: Record<string, number>;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  let i = 0;
  const paths = spec.paths;
  const opts: autocannon.Options = {
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    method: spec.method ?? 'GET',
    ...(spec.headers && { headers: spec.headers }),
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.durationSec ?? 5 }),
    ...(paths && paths.length > 0 && {
      requests: [{
        setupRequest: (req: autocannon.Request) => {
          const n = i++;
          const out: autocannon.Request = { ...req, path: paths[n % paths.length]! };
          if (spec.bodies) out.body = spec.bodies[n % spec.bodies.length]!;
          return out;
        },
      }],
    }),
  };
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const instance = autocannon(opts) as unknown as autocannon.Instance & Promise<autocannon.Result>;
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await instance;
  const seconds = result.duration;
  const sorted = Float64Array.from(latencies).sort();
  const sum = latencies.reduce((a, b) => a + b, 0);
  return {
    requests: latencies.length,
    rps: latencies.length / Math.max(seconds, 1e-9),
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    meanMs: latencies.length ? sum / latencies.length : Number.NaN,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statuses,
  };
}

// The spec arrives over IPC (path lists can be far larger than a command line).
process.once('message', (spec: LoadSpec) => {
  run(spec).then((r) => {
    process.send!({ ready: true, result: r });
    process.disconnect();
  }, (e: unknown) => {
    process.stderr.write(`loadgen: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
});
