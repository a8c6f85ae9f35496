// Prometheus metrics (prom-client), served at /metrics. One registry per server instance so
// tests can start several servers in one process.
import { Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return { registry };
}
