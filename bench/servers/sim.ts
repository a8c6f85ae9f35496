// The simulated OSCAR for the benchmarks, in its own process (as OSCAR would be on its own host).
//   env BENCH_PATIENTS: size of the synthetic clinic (default 300).
//   env BENCH_EXTRA_PATIENTS: copies of the clinic's demographics added with new numbers (from
//   100000 on), so the memory benchmark has tens of thousands of distinct patients without paying
//   for generating a whole clinic of that size.
// rpc 'capture' (true/false) records every request it answers, with when it arrived and when its
// answer was written; 'captured' hands the record over (miss-by-type.ts replays it).
import { PerformanceObserver } from 'node:perf_hooks';
import { startSimulator } from '../../src/sim/server.js';
import { benchClinic } from '../lib/clinic.js';
import { readCandidates } from '../lib/read-candidates.js';
import type { CapturedCall } from '../lib/replay.js';
import { processStats, serveChild } from '../lib/proc.js';

const { credentials, data } = benchClinic({ patients: Number(process.env.BENCH_PATIENTS ?? 300), copies: Number(process.env.BENCH_EXTRA_PATIENTS ?? 0) });
const KEPT_HEADERS = ['content-type', 'soapaction', 'accept', 'authorization'];
let capturing = false;
let calls: CapturedCall[] = [];
const sim = await startSimulator({
  port: 0, credentials, data,
  onRequest: (r) => {
    if (!capturing) return;
    const headers: Record<string, string> = {};
    for (const h of KEPT_HEADERS) { const v = r.headers[h]; if (typeof v === 'string') headers[h] = v; }
    const call: CapturedCall = {
      method: r.method, url: r.url, headers, body: r.method === 'GET' ? undefined : r.body.toString('utf8'), arrived: performance.now(), answered: Infinity,
    };
    calls.push(call);
    r.onAnswered(() => { call.answered = performance.now(); });
  },
});
const ids = sim.store.data.demographics.map((d) => d.demographicNo);
const records = readCandidates(sim.store.data);
// The simulator's collector pauses so far (ms, PerformanceObserver 'gc' entries): benchmark 6 tells a
// request slowed by OSCAR's stand-in from one slowed by the facade.
let gcMs = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) gcMs += e.duration; }).observe({ entryTypes: ['gc'] });
serveChild({ url: sim.url, timezone: sim.store.timezone, credentials, ids, records }, {
  stats: () => sim.stats.snapshot(),
  reset: () => { sim.stats.reset(); return true; },
  process: () => processStats(),
  capture: (on) => { capturing = Boolean(on); calls = []; return true; },
  captured: () => { const out = calls; calls = []; return out; },
  // A turn later: the observer is handed a pause's entry in a later task than the pause.
  gc: async () => { await new Promise((resolve) => setImmediate(resolve)); return gcMs; },
});
