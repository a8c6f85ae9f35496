// Benchmark 4: what reaches OSCAR, counted by the simulator. 100 concurrent identical cold reads,
// one 50-result Patient search page, Patient/$everything, and 200 concurrent distinct cold
// reads against OSCAR_MAX_IN_FLIGHT.
import type { Child } from './lib/proc.js';

interface SimStats { total: number; byOperation: Record<string, number>; maxInFlight: number }
export interface CallCount { calls: number; byOperation: Record<string, number>; maxConcurrent: number; ms: number; statuses: number[] }
export interface UpstreamReport { coalesced: CallCount; search50: CallCount & { results: number }; everything: CallCount & { resources: number }; fanIn: CallCount & { limit: number } }

async function counted(sim: Child, facade: Child, fn: () => Promise<number[]>): Promise<CallCount> {
  await facade.rpc('clear');
  await sim.rpc('reset');
  const t = performance.now();
  const statuses = await fn();
  const ms = performance.now() - t;
  const s = await sim.rpc<SimStats>('stats');
  return { calls: s.total, byOperation: s.byOperation, maxConcurrent: s.maxInFlight, ms, statuses: [...new Set(statuses)] };
}

export async function upstreamCalls(o: { sim: Child; facade: Child<{ base: string }>; ids: number[]; maxInFlight: number; headers: Record<string, string> }): Promise<UpstreamReport> {
  const base = o.facade.info.base;
  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    const r = await fetch(`${base}${path}`, { headers: o.headers });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
  // The provider list (names for references) is loaded once per 5 minutes; load it first so the
  // counts below are the reads' own.
  await get(`/Patient/${o.ids[0]}`);

  const coalesced = await counted(o.sim, o.facade, async () => (await Promise.all(Array.from({ length: 100 }, () => get(`/Patient/${o.ids[1]}`)))).map((r) => r.status));
  let results = 0;
  const page = o.ids.slice(2, 52);
  const search50 = await counted(o.sim, o.facade, async () => {
    const r = await get(`/Patient?_id=${page.join(',')}&_count=50`);
    results = ((r.body as { entry?: unknown[] }).entry ?? []).length;
    return [r.status];
  });
  let resources = 0;
  const everything = await counted(o.sim, o.facade, async () => {
    const r = await get('/Patient/1001/$everything');
    resources = ((r.body as { entry?: unknown[] }).entry ?? []).length;
    return [r.status];
  });
  const fanIn = await counted(o.sim, o.facade, async () => (await Promise.all(o.ids.slice(60, 260).map((id) => get(`/Patient/${id}`)))).map((r) => r.status));
  return { coalesced, search50: { ...search50, results }, everything: { ...everything, resources }, fanIn: { ...fanIn, limit: o.maxInFlight } };
}
