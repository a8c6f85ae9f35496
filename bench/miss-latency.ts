// Benchmark 3: cache-miss read latency. One request at a time, every request for a patient not
// read before: the facade's `GET /fhir/Patient/{id}` (bearer token, audit on) against a raw OSCAR
// client making the facade's own calls for that read — DemographicService getDemographic and
// getDemographic2, in parallel, on keep-alive — both timed by the same client (lib/sequential.ts).
// Rounds alternate facade → raw so that the load of this shared machine hits both alike; the
// difference of the two is what the facade adds to a miss, taken per round, median of the rounds.
// A production server is warm: first both sides read the `warm` ids (other patients) twice over,
// the facade's cache cleared after each pass so that every read is a miss; the JIT of a fresh
// facade needed some 800 misses before its CPU per read settled (about a tenth of what the first
// 50 took).
import type { LoadResult } from './lib/loadgen.js';
import type { Child } from './lib/proc.js';
import { sequential, type Exchange } from './lib/sequential.js';

export interface MissLatencyReport {
  rounds: { facade: LoadResult; raw: LoadResult; facadeCpuMicrosPerRead: number }[];
  /** Unmeasured misses the facade answered first (the raw client made the same calls as many times). */
  warmReads: number;
  facade: LoadResult;
  raw: LoadResult;
  /** The same ids again, now cache hits: the HTTP hop through the facade on its own. */
  hit: LoadResult;
  addedP50Ms: number;
  addedP99Ms: number;
  upstreamCallsPerRead: Record<string, number>;
  /** Mean latency of each OSCAR call as the facade's client saw it during the miss runs (ms). */
  upstreamMeanMs: Record<string, number>;
}

/** Sum and count of oscar_call_duration_seconds per operation, from the /metrics text. */
function callTimes(metrics: string): Map<string, { sum: number; count: number }> {
  const out = new Map<string, { sum: number; count: number }>();
  for (const m of metrics.matchAll(/^oscar_call_duration_seconds_(sum|count)\{operation="([^"]+)"\} ([0-9.e+-]+)$/gm)) {
    const v = out.get(m[2]!) ?? { sum: 0, count: 0 };
    v[m[1] as 'sum' | 'count'] = Number(m[3]);
    out.set(m[2]!, v);
  }
  return out;
}

export function envelope(operation: string, id: number, securityNo: number, password: string): string {
  return '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ws="http://ws.oscarehr.org/"><soapenv:Header>'
    + '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" soapenv:mustUnderstand="1"><wsse:UsernameToken>'
    + `<wsse:Username>${securityNo}</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${password}</wsse:Password>`
    + `</wsse:UsernameToken></wsse:Security></soapenv:Header><soapenv:Body><ws:${operation}><arg0>${id}</arg0></ws:${operation}></soapenv:Body></soapenv:Envelope>`;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function missLatency(o: {
  facade: Child<{ base: string }>;
  sim: Child<{ url: string; credentials: { securityNo: number; soapPassword: string } }>;
  /** Patients measured, none read before. */
  ids: number[];
  /** Other patients, read twice over by both sides before anything is measured. */
  warm: number[];
  rounds: number;
  headers: Record<string, string>;
}): Promise<MissLatencyReport> {
  const measured = o.ids;
  const soapUrl = `${o.sim.info.url}/ws/DemographicService`;
  const { securityNo, soapPassword } = o.sim.info.credentials;
  const soapHeaders = { 'content-type': 'text/xml; charset=UTF-8', soapaction: '""' };
  const raw = (ids: number[]) => sequential(ids.length, (i) => ['getDemographic', 'getDemographic2'].map((op): Exchange => (
    { method: 'POST', url: soapUrl, headers: soapHeaders, body: envelope(op, ids[i]!, securityNo, soapPassword) })));
  const facade = (ids: number[]) => sequential(ids.length, (i) => [{ method: 'GET', url: `${o.facade.info.base}/Patient/${ids[i]}`, headers: o.headers }]);
  const check = await raw(measured.slice(0, 1));
  if (check.non2xx) throw new Error(`direct SOAP calls failed: ${JSON.stringify(check.statuses)}`);

  // Warm-up (JIT on all sides) on ids that are not measured, both sides in turn, 50 reads at a time.
  for (let pass = 0; pass < 2; pass++) {
    for (let k = 0; k < o.warm.length; k += 50) {
      await facade(o.warm.slice(k, k + 50));
      await raw(o.warm.slice(k, k + 50));
    }
    await o.facade.rpc('clear');
  }
  // The first miss after a clear also loads what every read shares (the provider list): not measured.
  await facade(o.warm.slice(0, 1));
  await o.sim.rpc('reset');
  const t0 = callTimes(await o.facade.rpc<string>('metrics'));
  const per = Math.floor(measured.length / o.rounds);
  const rounds: MissLatencyReport['rounds'] = [];
  for (let r = 0; r < o.rounds; r++) {
    const ids = measured.slice(r * per, (r + 1) * per);
    // CPU the facade's process spent per read: less at the mercy of a loaded machine than latency.
    const cpu0 = await o.facade.rpc<{ cpuMicros: number }>('cpu');
    const f = await facade(ids);
    const cpu1 = await o.facade.rpc<{ cpuMicros: number }>('cpu');
    if (f.non2xx) throw new Error(`facade reads failed: ${JSON.stringify(f.statuses)}`);
    rounds.push({ facade: f, raw: await raw(ids), facadeCpuMicrosPerRead: (cpu1.cpuMicros - cpu0.cpuMicros) / ids.length });
  }
  const t1 = callTimes(await o.facade.rpc<string>('metrics'));
  const stats = await o.sim.rpc<{ byOperation: Record<string, number> }>('stats');
  const reads = per * o.rounds;
  const hit = await facade(measured.slice(0, reads));
  // The raw client's own calls are in the simulator's counts too: one of each per read.
  const upstreamCallsPerRead = Object.fromEntries(Object.entries(stats.byOperation).filter(([, n]) => n >= reads / 2)
    .map(([op, n]) => [op, n / reads - (/getDemographic2?$/.test(op) ? 1 : 0)]));
  const upstreamMeanMs: Record<string, number> = {};
  for (const [op, after] of t1) {
    const before = t0.get(op) ?? { sum: 0, count: 0 };
    if (after.count - before.count >= reads / 2) upstreamMeanMs[op] = ((after.sum - before.sum) / (after.count - before.count)) * 1000;
  }
  const added50 = rounds.map((x) => x.facade.p50Ms - x.raw.p50Ms);
  const mid = rounds[added50.indexOf(median(added50))]!;
  return {
    rounds, warmReads: 2 * o.warm.length, facade: mid.facade, raw: mid.raw, hit, addedP50Ms: median(added50),
    addedP99Ms: median(rounds.map((x) => x.facade.p99Ms - x.raw.p99Ms)), upstreamCallsPerRead, upstreamMeanMs,
  };
}
