// The load generator of bench/load.ts, in its own process: N concurrent clients on keep-alive
// node:http sockets, each sending a weighted mix of FHIR reads and searches back to back. Every
// 5xx body is checked (an OperationOutcome coded transient/timeout/exception). Latencies are kept
// at full precision, after the warm-up only.
//   IPC in:  { cmd: 'start', spec } → collects real ids, then → { phase: 'ready' }
//            { cmd: 'go' }           → { phase: 'warm' } after the warm-up, { phase: 'done', result } at the end
import http from 'node:http';

export interface LoadgenSpec { base: string; connections: number; durationSec: number; warmupSec: number; seed: number }

export interface LoadgenResult {
  requests: number;
  measured: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  statuses: Record<string, number>;
  /** 5xx answers that were not a clean OperationOutcome with a transient/timeout/exception code. */
  unclean5xx: number;
  uncleanSamples: string[];
  /** Socket errors / hang-ups (no HTTP answer at all). */
  transportErrors: number;
  byKind: Record<string, Record<string, number>>;
}

class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0 || 1; }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.next() * xs.length)]!; }
}

interface Answer { status: number; body: string }

function get(agent: http.Agent, url: URL, path: string): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.get({ host: url.hostname, port: url.port, path, agent, headers: { accept: 'application/fhir+json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve({ status: 0, body: '' }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.setTimeout(60_000, () => req.destroy());
  });
}

const idsOf = (body: string): string[] => {
  try { return ((JSON.parse(body) as { entry?: { resource?: { id?: string } }[] }).entry ?? []).map((e) => e.resource?.id).filter((x): x is string => !!x); } catch { return []; }
};

/** Real ids of every type, read once before the faults are switched on. */
async function collectIds(agent: http.Agent, base: URL, prefix: string): Promise<Record<string, string[]>> {
  const ids: Record<string, string[]> = { Patient: [], Practitioner: [], AllergyIntolerance: [], Immunization: [], Appointment: [], DocumentReference: [] };
  for (let n = 1001; n <= 1300; n++) ids.Patient!.push(String(n));
  ids.Practitioner = idsOf((await get(agent, base, `${prefix}/Practitioner?_count=200`)).body);
  for (let n = 1001; n <= 1040; n++) {
    for (const type of ['AllergyIntolerance', 'Immunization', 'Appointment', 'DocumentReference']) {
      ids[type]!.push(...idsOf((await get(agent, base, `${prefix}/${type}?patient=${n}`)).body));
    }
  }
  return ids;
}

type Pick = (rng: Rng) => [kind: string, path: string];

function mix(prefix: string, ids: Record<string, string[]>): Pick {
  const patient = (rng: Rng): string => rng.pick(ids.Patient!);
  const entries: [number, Pick][] = [
    [25, (r) => ['read Patient', `${prefix}/Patient/${patient(r)}`]],
    [8, (r) => ['search Patient', `${prefix}/Patient?family=${r.pick('ABCDEFGHIJKLMNOPRSTVW'.split(''))}`]],
    [4, (r) => ['search Patient', `${prefix}/Patient?gender=${r.pick(['male', 'female'])}&address-state=${r.pick(['ON', 'BC', 'QC', 'AB'])}`]],
    [5, (r) => ['read Practitioner', `${prefix}/Practitioner/${r.pick(ids.Practitioner!.length ? ids.Practitioner! : ['999998'])}`]],
    [2, () => ['search Practitioner', `${prefix}/Practitioner?name=a`]],
    [8, (r) => ['search AllergyIntolerance', `${prefix}/AllergyIntolerance?patient=${patient(r)}`]],
    [8, (r) => ['search Immunization', `${prefix}/Immunization?patient=${patient(r)}`]],
    [8, (r) => ['search Appointment', `${prefix}/Appointment?patient=${patient(r)}`]],
    [5, (r) => ['search DocumentReference', `${prefix}/DocumentReference?patient=${patient(r)}`]],
    [4, (r) => ['read AllergyIntolerance', `${prefix}/AllergyIntolerance/${r.pick(ids.AllergyIntolerance!.length ? ids.AllergyIntolerance! : ['1'])}`]],
    [4, (r) => ['read Immunization', `${prefix}/Immunization/${r.pick(ids.Immunization!.length ? ids.Immunization! : ['1'])}`]],
    [4, (r) => ['read Appointment', `${prefix}/Appointment/${r.pick(ids.Appointment!.length ? ids.Appointment! : ['1'])}`]],
    [3, (r) => ['read DocumentReference', `${prefix}/DocumentReference/${r.pick(ids.DocumentReference!.length ? ids.DocumentReference! : ['1'])}`]],
    [3, () => ['metadata', `${prefix}/metadata`]],
    [3, (r) => ['$everything', `${prefix}/Patient/${patient(r)}/$everything`]],
  ];
  const total = entries.reduce((s, [w]) => s + w, 0);
  return (rng) => {
    let x = rng.next() * total;
    for (const [w, f] of entries) { if ((x -= w) < 0) return f(rng); }
    return entries[0]![1](rng);
  };
}

const CLEAN_CODES = new Set(['transient', 'timeout', 'exception']);

function clean5xx(body: string): boolean {
  try {
    const o = JSON.parse(body) as { resourceType?: string; issue?: { code?: string }[] };
    return o.resourceType === 'OperationOutcome' && CLEAN_CODES.has(o.issue?.[0]?.code ?? '');
  } catch { return false; }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN;
}

async function run(spec: LoadgenSpec, ids: Record<string, string[]>, onWarm: () => void): Promise<LoadgenResult> {
  const base = new URL(spec.base);
  const prefix = base.pathname.replace(/\/$/, '');
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections, maxFreeSockets: spec.connections });
  const pick = mix(prefix, ids);
  const started = performance.now();
  const warmAt = started + spec.warmupSec * 1000;
  const endAt = started + spec.durationSec * 1000;
  let warm = false;
  let latencies = new Float64Array(1 << 16);
  let measured = 0;
  let requests = 0;
  let unclean5xx = 0;
  let transportErrors = 0;
  const uncleanSamples: string[] = [];
  const statuses: Record<string, number> = {};
  const byKind: Record<string, Record<string, number>> = {};

  const client = async (n: number): Promise<void> => {
    const rng = new Rng(spec.seed * 1000 + n);
    while (performance.now() < endAt) {
      const [kind, path] = pick(rng);
      const t0 = performance.now();
      const a = await get(agent, base, path);
      const t1 = performance.now();
      requests++;
      statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      const k = (byKind[kind] ??= {});
      k[a.status] = (k[a.status] ?? 0) + 1;
      if (a.status === 0) { transportErrors++; if (uncleanSamples.length < 10) uncleanSamples.push(`no answer after ${Math.round(t1 - t0)} ms: ${path}`); }
      if (a.status >= 500 && !clean5xx(a.body)) {
        unclean5xx++;
        if (uncleanSamples.length < 5) uncleanSamples.push(`${a.status} ${path} ${a.body.slice(0, 200)}`);
      }
      if (!warm && t1 >= warmAt) { warm = true; onWarm(); }
      if (warm && t0 >= warmAt) {
        if (measured === latencies.length) { const bigger = new Float64Array(latencies.length * 2); bigger.set(latencies); latencies = bigger; }
        latencies[measured++] = t1 - t0;
      }
    }
  };
  await Promise.all(Array.from({ length: spec.connections }, (_, n) => client(n)));
  agent.destroy();
  const seconds = (performance.now() - warmAt) / 1000;
  const sorted = latencies.slice(0, measured).sort();
  return {
    requests, measured, seconds, rps: measured / Math.max(seconds, 1e-9),
    p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), p99Ms: percentile(sorted, 99), maxMs: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    statuses, unclean5xx, uncleanSamples, transportErrors, byKind,
  };
}

let spec: LoadgenSpec | undefined;
let ids: Record<string, string[]> = {};
process.on('message', (m: { cmd: string; spec?: LoadgenSpec }) => {
  if (m.cmd === 'start' && m.spec) {
    spec = m.spec;
    const s = spec;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    void collectIds(agent, new URL(s.base), new URL(s.base).pathname.replace(/\/$/, '')).then((found) => {
      agent.destroy();
      ids = found;
      process.send!({ phase: 'ready', ids: Object.fromEntries(Object.entries(found).map(([k, v]) => [k, v.length])) });
    });
  } else if (m.cmd === 'go' && spec) {
    void run(spec, ids, () => process.send!({ phase: 'warm' })).then((result) => {
      process.send!({ phase: 'done', result }, () => process.exit(0));
    });
  }
});
