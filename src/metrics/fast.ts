// Counters and histograms for the per-request hot path. prom-client hashes the label values on
// every inc()/observe() (even through a bound child), which costs more than a cache-hit read is
// allowed to; these keep one plain record per label set, updated without hashing, and hand
// prom-client the usual metric shape at scrape time (Registry.registerMetric).
import type { Metric, Registry } from 'prom-client';

interface MetricValue { labels: Record<string, string | number>; value: number; metricName?: string }

export interface HistogramSeries { observe(value: number): void }
export interface CounterSeries { inc(by?: number): void }

class HistogramRecord implements HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(readonly labels: Record<string, string>, private readonly buckets: readonly number[]) {
    this.counts = new Float64Array(buckets.length);
  }

  observe(v: number): void {
    this.sum += v;
    this.count++;
    const b = this.buckets;
    for (let i = 0; i < b.length; i++) {
      if (v <= b[i]!) { this.counts[i]!++; return; }
    }
  }
}

class CounterRecord implements CounterSeries {
  value = 0;
  constructor(readonly labels: Record<string, string>) {}
  inc(by = 1): void { this.value += by; }
}

abstract class FastMetric<R extends { labels: Record<string, string> }> {
  protected readonly records = new Map<string, R>();
  constructor(readonly name: string, readonly help: string, protected readonly labelNames: readonly string[]) {}

  /** The series of these label values (look it up once, keep it). */
  protected record(values: readonly string[], make: (labels: Record<string, string>) => R): R {
    const key = values.join('\u0000');
    let r = this.records.get(key);
    if (!r) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => { labels[n] = values[i] ?? ''; });
      this.records.set(key, (r = make(labels)));
    }
    return r;
  }

  reset(): void { this.records.clear(); }
  register(registry: Registry): this {
    registry.registerMetric(this as unknown as Metric);
    return this;
  }
}

export class FastCounter extends FastMetric<CounterRecord> {
  readonly type = 'counter';
  series(...values: string[]): CounterSeries {
    return this.record(values, (l) => new CounterRecord(l));
  }

  get(): { name: string; help: string; type: string; values: MetricValue[]; aggregator: string } {
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values: [...this.records.values()].map((r) => ({ labels: r.labels, value: r.value })) };
  }
}

export class FastHistogram extends FastMetric<HistogramRecord> {
  readonly type = 'histogram';
  constructor(name: string, help: string, labelNames: readonly string[], private readonly buckets: readonly number[]) {
    super(name, help, labelNames);
  }

  series(...values: string[]): HistogramSeries {
    return this.record(values, (l) => new HistogramRecord(l, this.buckets));
  }

  get(): { name: string; help: string; type: string; values: MetricValue[]; aggregator: string } {
    const values: MetricValue[] = [];
    for (const r of this.records.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += r.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...r.labels, le }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { ...r.labels, le: '+Inf' }, value: r.count });
      values.push({ metricName: `${this.name}_sum`, labels: r.labels, value: r.sum });
      values.push({ metricName: `${this.name}_count`, labels: r.labels, value: r.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values };
  }
}

/** Series looked up by a two-level key without building a string per call. */
export function seriesTable<S>(make: (a: string, b: string) => S): (a: string, b: string | number) => S {
  const table = new Map<string, Map<string | number, S>>();
  return (a, b) => {
    let row = table.get(a);
    if (!row) table.set(a, (row = new Map()));
    let s = row.get(b);
    if (s === undefined) row.set(b, (s = make(a, String(b))));
    return s;
  };
}
