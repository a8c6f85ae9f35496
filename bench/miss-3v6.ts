// Benchmark 3 (bench/miss-latency.ts) against benchmark 6 (bench/miss-by-type.ts) on the Patient
// read, the same request: one facade process warmed up as benchmark 3 warms it (800 Patient
// misses), then each method's pair in turn, request by request, so the machine's load falls on
// both alike: A, benchmark 3's (the facade's read, then the raw client's two calls together); B,
// benchmark 6's (its rpcs and the simulator's capture around the facade's read, then the raw
// replay of the captured calls); C, B's captured calls sent together. Also how often the replay
// sends the two calls one after the other (the second arrived after the first was answered), and
// the facade's CPU per read as each method counts it. Not a test, not part of `npm run bench`.
//   npm run build && npx node --import tsx bench/miss-3v6.ts [--n=200]
import { startIssuer } from '../test/auth/fixture.js';
import { envelope } from './miss-latency.js';
import { startChild } from './lib/proc.js';
import { replay, type CapturedCall } from './lib/replay.js';
import { exchange } from './lib/sequential.js';

const n = Number(process.argv.find((a) => a.startsWith('--n='))?.slice(4) ?? '200');
type SimInfo = { url: string; ids: number[]; credentials: { securityNo: number; soapPassword: string } };
const sim = await startChild<SimInfo>('servers/sim.ts', { BENCH_EXTRA_PATIENTS: '4000' });
let audience = '';
const issuer = await startIssuer(() => audience);
const { mkdtempSync } = await import('node:fs');
const { join } = await import('node:path');
const { tmpdir } = await import('node:os');
const facade = await startChild<{ base: string }>('servers/facade.ts', {
  BENCH_FACADE_FROM: 'dist', BENCH_SIM_URL: sim.info.url, CHANGE_POLL_SECONDS: '5', OSCAR_MAX_IN_FLIGHT: '4', OSCAR_MAX_QUEUE: '1000', OSCAR_GZIP: 'false',
  AUTH_MODE: 'smart', SMART_ISSUER: issuer.issuer, SMART_JWKS_URL: issuer.jwksUrl, SMART_TOKEN_URL: `${issuer.issuer}/token`,
  SMART_EXTERNAL_SYSTEM_SCOPES: 'true', AUDIT_LOG: join(mkdtempSync(join(tmpdir(), 'oscar-fhir-audit-')), 'audit.jsonl'),
});
audience = facade.info.base;
const headers = { authorization: `Bearer ${await issuer.token({ scope: 'system/*.rs' }, { expiresIn: 3600 })}` };
const copies = sim.info.ids.filter((id) => id >= 100_000);
const f2 = (x: number): string => x.toFixed(2);
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

// Warm-up as benchmark 3's: 800 Patient misses (the raw client's pairs in between).
const soapUrl = `${sim.info.url}/ws/DemographicService`;
const { securityNo, soapPassword } = sim.info.credentials;
const rawPair = async (id: number): Promise<number> => {
  const t = performance.now();
  await Promise.all(['getDemographic', 'getDemographic2'].map((op) => exchange({ method: 'POST', url: soapUrl, headers: { 'content-type': 'text/xml; charset=UTF-8', soapaction: '""' }, body: envelope(op, id, securityNo, soapPassword) })));
  return performance.now() - t;
};
const read = async (id: number): Promise<number> => {
  const t = performance.now();
  const status = await exchange({ method: 'GET', url: `${facade.info.base}/Patient/${id}`, headers });
  if (status !== 200) throw new Error(`Patient/${id}: ${status}`);
  return performance.now() - t;
};
for (let pass = 0; pass < 2; pass++) {
  for (const id of copies.slice(800, 1200)) { await read(id); await rawPair(id); }
  await facade.rpc('clear');
}
await read(copies[799]!);

// Then, request by request, the methods in turn (the machine's load hits all alike):
//  A. benchmark 3's pair: the facade's read, then the raw client's two calls together;
//  B. benchmark 6's pair: its rpcs around the facade's read (capture on, the facade's CPU), the
//     read, then the raw replay of the captured calls;
//  C. the same captured calls sent together (benchmark 3's raw client, benchmark 6's capture).
const cpu = async (): Promise<number> => (await facade.rpc<{ cpuMicros: number }>('cpu')).cpuMicros;
const origin = new URL(sim.info.url).origin;
const a = { facade: [] as number[], raw: [] as number[], cpu: [] as number[] };
const b = { facade: [] as number[], raw: [] as number[], together: [] as number[], cpu: [] as number[], serial: 0 };
const ids = copies.slice(0, 2 * n);
for (let k = 0; k < n; k++) {
  // A
  const c0 = await cpu();
  a.facade.push(await read(ids[2 * k]!));
  a.cpu.push((await cpu()) - c0);
  a.raw.push(await rawPair(ids[2 * k]!));
  // B
  const c1 = await cpu();
  await sim.rpc('capture', true);
  await sim.rpc('gc');
  b.facade.push(await read(ids[2 * k + 1]!));
  await sim.rpc('gc');
  const calls = await sim.rpc<CapturedCall[]>('captured');
  await sim.rpc('capture', false);
  await facade.rpc('gc');
  b.cpu.push((await cpu()) - c1);
  const [x, y] = [...calls].sort((p, q) => p.arrived - q.arrived);
  if (x && y && x.answered <= y.arrived) b.serial++;
  if (k % 2 === 0) {
    b.raw.push((await replay(origin, calls)).ms);
    const t = performance.now();
    await Promise.all(calls.map((c) => exchange({ method: c.method as 'POST', url: `${origin}${c.url}`, headers: c.headers, body: c.body! })));
    b.together.push(performance.now() - t);
  } else {
    const t = performance.now();
    await Promise.all(calls.map((c) => exchange({ method: c.method as 'POST', url: `${origin}${c.url}`, headers: c.headers, body: c.body! })));
    b.together.push(performance.now() - t);
    b.raw.push((await replay(origin, calls)).ms);
  }
}
const diff = (f: number[], r: number[]): number => med(f.map((v, i) => v - r[i]!));
process.stdout.write(`${n} pairs of each, interleaved request by request:\n`
  + `  A (benchmark 3's pair): facade p50 ${f2(med(a.facade))} raw pair p50 ${f2(med(a.raw))} added p50 ${f2(diff(a.facade, a.raw))} ms; facade CPU ${med(a.cpu).toFixed(0)} µs (median, rpc 'cpu' around the read)\n`
  + `  B (benchmark 6's pair): facade p50 ${f2(med(b.facade))} raw replay p50 ${f2(med(b.raw))} added p50 ${f2(diff(b.facade, b.raw))} ms; facade CPU ${med(b.cpu).toFixed(0)} µs (its 'gc' rpc inside, as benchmark 6 counts it)\n`
  + `  C (B's captured calls sent together): p50 ${f2(med(b.together))} ms, B's facade over it p50 ${f2(diff(b.facade, b.together))} ms; replay serialised the two calls in ${b.serial} of ${n} reads\n`);
await facade.stop();
await sim.stop();
await issuer.close();
