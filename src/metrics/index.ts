// Prometheus metrics (prom-client), served at /metrics. One registry per server instance so
// tests can start several servers in one process. Labels are bounded sets (interaction names,
// OSCAR operation names, statuses): never ids, never anything a client typed.
//   fhir_requests_total{interaction,status}, fhir_request_duration_seconds{interaction}
//   oscar_calls_total{operation,outcome}, oscar_call_duration_seconds{operation},
//   oscar_call_errors_total{operation,outcome}, oscar_calls_in_flight, oscar_calls_queued, oscar_call_slots
//   cache_hits_total / cache_misses_total{cache,level}, cache_coalesced_total{cache},
//   cache_removals_total{cache,reason} (reason=evict: pushed out by the byte budget),
//   cache_bytes / cache_max_bytes / cache_entries{cache},
//   cache_change_feed_polls_total{outcome}, cache_change_feed_poll_seconds,
//   cache_change_feed_changes_total{kind}, cache_change_feed_last_success_timestamp_seconds
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CacheName, CacheObserver, ChangeFeedObserver } from '../cache/index.js';
import type { OscarCallEvent } from '../oscar/options.js';
import { FastCounter, FastHistogram, seriesTable } from './fast.js';
import { interactionOf } from './interaction.js';

export interface MetricSources {
  /** Calls in flight / queued toward OSCAR now (OscarClient.load). */
  upstreamLoad?: () => { inFlight: number; queued: number; slots: number };
  /** Cache usage now (FacadeCache.usage). */
  cacheUsage?: () => Record<CacheName, { bytes: number; entries: number; maxBytes: number }>;
  /** ms epoch of the last fully successful change-feed poll (0 = never). */
  changeFeedLastSuccess?: () => number;
}

export interface Metrics {
  registry: Registry;
  /** One finished FHIR request (the HTTP handler's onFinished). */
  request(method: string, path: string, status: number, ms: number): void;
  /** One finished OSCAR call (OscarClientOptions.onCall). */
  upstream(event: OscarCallEvent): void;
  cache: CacheObserver;
  changeFeed: ChangeFeedObserver;
  /** Gauges read at scrape time. */
  watch(sources: MetricSources): void;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** CPU, memory, event loop and the like of this process. */
export function collectProcessMetrics(registry: Registry): void {
  // The event-loop delay sampler wakes the process every `precision` ms; prom-client's 10 ms cost
  // an idle facade about 8 ms of CPU a second, 100 ms about 3.5 (bench/results.md). Every stall of 100 ms or more
  // still shows in the histogram.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
}

export interface MetricsOptions {
  /** Also collect the process metrics (CPU, memory, event loop); false for each clinic of a deployment, which collects them once. */
  processMetrics?: boolean;
}

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (opts.processMetrics ?? true) collectProcessMetrics(registry);
  const registers = [registry];
  const sources: MetricSources = {};

  const requests = new FastCounter('fhir_requests_total', 'FHIR requests answered, by interaction and HTTP status', ['interaction', 'status']).register(registry);
  const requestSeconds = new FastHistogram('fhir_request_duration_seconds', 'FHIR request latency (handler start to response written)', ['interaction'], LATENCY_BUCKETS).register(registry);
  const upstreamCalls = new FastCounter('oscar_calls_total', 'Calls to OSCAR (after retries), by operation and outcome', ['operation', 'outcome']).register(registry);
  const upstreamErrors = new Counter({ name: 'oscar_call_errors_total', help: 'Failed calls to OSCAR, by operation and outcome', labelNames: ['operation', 'outcome'], registers });
  const upstreamSeconds = new FastHistogram('oscar_call_duration_seconds', 'OSCAR call latency including queueing and retries', ['operation'], LATENCY_BUCKETS).register(registry);
  new Gauge({ name: 'oscar_calls_in_flight', help: 'Calls to OSCAR in flight now', registers, collect() { this.set(sources.upstreamLoad?.().inFlight ?? 0); } });
  new Gauge({ name: 'oscar_calls_queued', help: 'Calls waiting for a free OSCAR slot now', registers, collect() { this.set(sources.upstreamLoad?.().queued ?? 0); } });
  new Gauge({
    name: 'oscar_call_slots', help: 'Calls this instance may have in flight toward OSCAR: its share of OSCAR_MAX_IN_FLIGHT', registers,
    collect() { this.set(sources.upstreamLoad?.().slots ?? 0); },
  });

  const hits = new FastCounter('cache_hits_total', 'Cache hits (level upstream: OSCAR answers; rendered: serialised reads)', ['cache', 'level']).register(registry);
  const misses = new FastCounter('cache_misses_total', 'Cache misses', ['cache', 'level']).register(registry);
  const coalesced = new Counter({ name: 'cache_coalesced_total', help: 'Misses that joined an identical upstream call already in flight', labelNames: ['cache'], registers });
  const removals = new Counter({ name: 'cache_removals_total', help: 'Entries removed: evict (byte budget), expire (TTL), delete (invalidation), set (replaced)', labelNames: ['cache', 'reason'], registers });
  const usage = (pick: (u: { bytes: number; entries: number; maxBytes: number }) => number) => function (this: Gauge) {
    const u = sources.cacheUsage?.();
    if (!u) return;
    for (const [cache, v] of Object.entries(u)) this.set({ cache }, pick(v));
  };
  new Gauge({ name: 'cache_bytes', help: 'Estimated memory held by cached entries', labelNames: ['cache'], registers, collect: usage((u) => u.bytes) });
  new Gauge({ name: 'cache_max_bytes', help: 'Configured byte budget', labelNames: ['cache'], registers, collect: usage((u) => u.maxBytes) });
  new Gauge({ name: 'cache_entries', help: 'Cached entries', labelNames: ['cache'], registers, collect: usage((u) => u.entries) });

  const polls = new Counter({ name: 'cache_change_feed_polls_total', help: 'Change-feed polls of OSCAR, by outcome', labelNames: ['outcome'], registers });
  const pollSeconds = new Histogram({ name: 'cache_change_feed_poll_seconds', help: 'Duration of one change-feed poll (all feeds)', buckets: LATENCY_BUCKETS, registers });
  const feedChanges = new Counter({ name: 'cache_change_feed_changes_total', help: 'Changed OSCAR records seen by the change feed', labelNames: ['kind'], registers });
  new Gauge({
    name: 'cache_change_feed_last_success_timestamp_seconds', help: 'When the last fully successful change-feed poll finished (0 = never)', registers,
    collect() { this.set((sources.changeFeedLastSuccess?.() ?? 0) / 1000); },
  });

  const requestSeries = seriesTable((interaction, status) => requests.series(interaction, status));
  const requestTimer = seriesTable((interaction) => requestSeconds.series(interaction));
  // Every OSCAR call reports here: a $everything makes fifteen.
  const callSeries = seriesTable((operation, outcome) => upstreamCalls.series(operation, outcome));
  const callTimer = seriesTable((operation) => upstreamSeconds.series(operation));
  const hitSeries = seriesTable((cache, level) => hits.series(cache, level));
  const missSeries = seriesTable((cache, level) => misses.series(cache, level));

  return {
    registry,
    request(method, path, status, ms) {
      const interaction = interactionOf(method, path);
      requestSeries(interaction, status).inc();
      requestTimer(interaction, '').observe(ms / 1000);
    },
    upstream(e) {
      callSeries(e.operation, e.outcome).inc();
      callTimer(e.operation, '').observe(e.ms / 1000);
      if (e.outcome !== 'ok') upstreamErrors.labels(e.operation, e.outcome).inc();
    },
    cache: {
      hit: (cache, level) => hitSeries(cache, level).inc(),
      miss: (cache, level) => missSeries(cache, level).inc(),
      coalesced: (cache) => coalesced.labels(cache).inc(),
      removed: (cache, reason) => removals.labels(cache, reason).inc(),
    },
    changeFeed: {
      poll: (outcome, seconds) => { polls.labels(outcome).inc(); pollSeconds.observe(seconds); },
      changes: (kind, n) => feedChanges.labels(kind).inc(n),
    },
    watch(s) { Object.assign(sources, s); },
  };
}
