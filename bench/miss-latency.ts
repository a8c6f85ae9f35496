// Benchmark 3: cache-miss read latency. One connection, one request at a time, every request for
// a patient not read before: the facade's `GET /fhir/Patient/{id}` against the simulator's own
// SOAP `DemographicService.getDemographic` for the same ids, both driven by the same load client.
// The difference of the medians is what the facade adds to a miss.
import { runLoad, type LoadResult } from './lib/load-client.js';
import type { Child } from './lib/proc.js';

export interface MissLatencyReport {
  facade: LoadResult;
  direct: LoadResult;
  /** The same ids again, now cache hits: the HTTP hop through the facade on its own. */
  hit: LoadResult;
  addedP50Ms: number;
  upstreamCallsPerRead: Record<string, number>;
  /** Mean latency of each OSCAR call as the facade's client saw it during the miss run (ms). */
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

function envelope(id: number, securityNo: number, password: string): string {
  return '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ws="http://ws.oscarehr.org/"><soapenv:Header>'
    + '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" soapenv:mustUnderstand="1"><wsse:UsernameToken>'
    + `<wsse:Username>${securityNo}</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${password}</wsse:Password>`
    + `</wsse:UsernameToken></wsse:Security></soapenv:Header><soapenv:Body><ws:getDemographic><arg0>${id}</arg0></ws:getDemographic></soapenv:Body></soapenv:Envelope>`;
}

export async function missLatency(o: {
  facade: Child<{ base: string }>;
  sim: Child<{ url: string; credentials: { securityNo: number; soapPassword: string } }>;
  ids: number[];
  warmup: number;
}): Promise<MissLatencyReport> {
  const warm = o.ids.slice(0, o.warmup);
  const measured = o.ids.slice(o.warmup);
  const facadePath = new URL(o.facade.info.base).pathname;
  const soapUrl = `${o.sim.info.url}/ws/DemographicService`;
  const soapPath = new URL(soapUrl).pathname;
  const { securityNo, soapPassword } = o.sim.info.credentials;
  const soapHeaders = { 'content-type': 'text/xml; charset=UTF-8', soapaction: '""' };
  const check = await fetch(soapUrl, { method: 'POST', headers: soapHeaders, body: envelope(measured[0]!, securityNo, soapPassword) });
  const checkText = await check.text();
  if (check.status !== 200 || !checkText.includes('<demographicNo>')) throw new Error(`direct SOAP call failed: ${check.status} ${checkText.slice(0, 200)}`);

  const facadeRun = (ids: number[]) => runLoad({ url: o.facade.info.base, connections: 1, amount: ids.length, paths: ids.map((id) => `${facadePath}/Patient/${id}`) });
  const directRun = (ids: number[]) => runLoad({
    url: soapUrl, connections: 1, amount: ids.length, method: 'POST', headers: soapHeaders,
    paths: ids.map(() => soapPath), bodies: ids.map((id) => envelope(id, securityNo, soapPassword)),
  });
  // Warm-up (JIT on both sides) on ids that are not measured.
  await facadeRun(warm);
  await directRun(warm);
  await o.sim.rpc('reset');
  const t0 = callTimes(await o.facade.rpc<string>('metrics'));
  const facade = await facadeRun(measured);
  const t1 = callTimes(await o.facade.rpc<string>('metrics'));
  const stats = await o.sim.rpc<{ byOperation: Record<string, number> }>('stats');
  const direct = await directRun(measured);
  const hit = await facadeRun(measured);
  const upstreamCallsPerRead = Object.fromEntries(Object.entries(stats.byOperation).filter(([, n]) => n >= measured.length / 2).map(([op, n]) => [op, n / measured.length]));
  const upstreamMeanMs: Record<string, number> = {};
  for (const [op, after] of t1) {
    const before = t0.get(op) ?? { sum: 0, count: 0 };
    if (after.count - before.count >= measured.length / 2) upstreamMeanMs[op] = ((after.sum - before.sum) / (after.count - before.count)) * 1000;
  }
  return { facade, direct, hit, addedP50Ms: facade.p50Ms - direct.p50Ms, upstreamCallsPerRead, upstreamMeanMs };
}
