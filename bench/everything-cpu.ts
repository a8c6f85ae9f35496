// In one process: the facade's CPU and wall time for Patient/$everything on a cache miss, with the
// simulator in a child process answering over real sockets (so the OSCAR client's whole per-call
// path is in: envelope, WS-Security, guard, transport, reading). Each request runs after the
// cache is emptied, over the clinic's patients in turn; CPU (this process only, so the facade's)
// and wall time per request are printed as min and median. With two builds (`--ab=DIR`), their
// requests alternate, so the load of a shared machine hits both alike, and their answers are
// compared byte for byte. With `--profile`, the measured window's samples are summed per source
// file (self time, µs per request). Not a test: a tool to measure changes to the per-call path.
//   npm run build && npx node --import tsx bench/everything-cpu.ts [N] [--ab=dist-base] [--from-src]
//     [--profile] [--warm=W] [--path=/Patient/{id}/$everything] [--callers=RE] (who calls the files RE matches)
//     [--functions=RE] (self time per function of the files RE matches)
//     [--records=DocumentReference] (ids of that type's records instead of patients) [--each] (added time per id)
//     [--replay] (after each request, a raw client replays the calls it made, as benchmark 6 does:
//     the added time per request, facade wall time minus the replay's, is printed as p50/p90)
//     [--gaps] (a request of dependent calls, e.g. AllergyIntolerance's getAllergy then its REST
//     active list: the wall and CPU time from one call's answer being in to the next call's send)
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startChild } from './lib/proc.js';
import { replay, type CapturedCall } from './lib/replay.js';

type Product = typeof import('../src/app.js') & typeof import('../src/config.js') & typeof import('../src/logging.js') & typeof import('../src/fhir/exchange.js') & typeof import('../src/oscar/http-transport.js');
interface SimInfo { url: string; timezone: string; ids: number[]; records: Record<string, number[]>; credentials: Parameters<Product['connectionFromCredentials']>[1] }
interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 100);
const warm = Number(opt('warm') ?? 60);
const pathOf = (id: number): string => (opt('path') ?? '/Patient/{id}/$everything').replace('{id}', String(id));
const builds = [args.includes('--from-src') ? 'src' : 'dist', ...(opt('ab') ? [opt('ab')!] : [])];

const sim = await startChild<SimInfo>('servers/sim.ts');

async function load(dir: string): Promise<Product> {
  const url = (m: string): string => pathToFileURL(resolve(import.meta.dirname, '..', dir, `${m}.${dir === 'src' ? 'ts' : 'js'}`)).href;
  return Object.assign({}, ...await Promise.all(['app', 'config', 'logging', 'fhir/exchange', 'oscar/http-transport'].map((m) => import(url(m))))) as Product;
}

/** --gaps: per request, [wall ms, CPU µs] from each call's answer being in to the next call's send. */
const gapping = args.includes('--gaps');
let answeredAt: [number, number] | undefined;
function watchGaps(p: Product, into: () => [number, number][]): void {
  const send = p.HttpTransport.prototype.send;
  p.HttpTransport.prototype.send = function (this: InstanceType<Product['HttpTransport']>, x) {
    if (answeredAt) {
      const u = process.cpuUsage();
      into().push([performance.now() - answeredAt[0], u.user + u.system - answeredAt[1]]);
      answeredAt = undefined;
    }
    const answered = x.answered;
    return send.call(this, { ...x, answered: () => { const u = process.cpuUsage(); answeredAt = [performance.now(), u.user + u.system]; answered?.(); } });
  };
}

const facades = await Promise.all(builds.map(async (dir) => {
  const p = await load(dir);
  const gaps: [number, number][] = [];
  if (gapping) watchGaps(p, () => gaps);
  const config = p.loadConfig({
    LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', FHIR_BASE_URL: 'http://127.0.0.1:1/fhir', OSCAR_TIMEZONE: sim.info.timezone,
    CHANGE_POLL_SECONDS: '0', CAPABILITY_DISCOVERY: 'false', OSCAR_GZIP: 'false',
  });
  const facade = p.createFacade(config, p.connectionFromCredentials(sim.info.url, sim.info.credentials), p.createLogger('silent'));
  await facade.start();
  return { dir, facade, gaps, renderBody: p.renderBody, cpu: [] as number[], sys: [] as number[], wall: [] as number[], added: [] as number[], last: new Map<number, Buffer>() };
}));

// --records=TYPE: the ids the simulator offers for reads of TYPE (bench/lib/read-candidates.ts), not patients.
const ids = opt('records') ? sim.info.records[opt('records')!]! : sim.info.ids.slice(1, 200);
const each = new Map<number, { bytes: number; added: number[] }>();
const replaying = args.includes('--replay');
const origin = new URL(sim.info.url).origin;
async function once(f: (typeof facades)[number], id: number, measured: boolean): Promise<void> {
  f.facade.cache.invalidateAll();
  if (replaying) await sim.rpc('capture', true);
  const gapsBefore = f.gaps.length;
  answeredAt = undefined;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const res = await f.facade.router({ method: 'GET', path: pathOf(id), query: [], headers: {}, requestId: 'r' });
  const body = f.renderBody(res)!;
  const ms = performance.now() - t0;
  const used = process.cpuUsage(c0);
  const us = used.user + used.system;
  if (res.status !== 200) throw new Error(`${pathOf(id)}: ${res.status} ${body.toString('utf8').slice(0, 300)}`);
  if (!measured) f.gaps.length = gapsBefore;
  if (measured) { f.cpu.push(us); f.sys.push(used.system); f.wall.push(ms); }
  if (replaying) {
    const calls = await sim.rpc<CapturedCall[]>('captured');
    await sim.rpc('capture', false);
    const raw = await replay(origin, calls);
    if (measured) f.added.push(ms - raw.ms);
    if (measured && f === facades[0]) {
      const e = each.get(id) ?? { bytes: body.length, added: [] };
      e.added.push(ms - raw.ms);
      each.set(id, e);
    }
  }
  f.last.set(id, body);
}

// The first request of each build loads what every request shares (WSDLs, login, provider list).
for (let i = 0; i < warm; i++) for (const f of facades) await once(f, ids[i % ids.length]!, false);
const session = args.includes('--profile') ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
let differ = 0;
for (let i = 0; i < n; i++) {
  const id = ids[i % ids.length]!;
  // Alternate which build goes first, so neither always follows the other's garbage.
  for (const f of i % 2 ? [...facades].reverse() : facades) await once(f, id, true);
  if (facades.length > 1 && !facades[0]!.last.get(id)!.equals(facades[1]!.last.get(id)!)) differ++;
}
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
for (const f of facades) {
  const c = sorted(f.cpu);
  const w = sorted(f.wall);
  const a = sorted(f.added);
  const added = a.length ? `; added p50 ${a[a.length >> 1]!.toFixed(2)} ms, p90 ${a[Math.floor(a.length * 0.9)]!.toFixed(2)} ms, p99 ${a[Math.floor(a.length * 0.99)]!.toFixed(2)} ms` : '';
  const sys = sorted(f.sys);
  if (f.gaps.length) {
    const gw = sorted(f.gaps.map((g) => g[0]));
    const gc = sorted(f.gaps.map((g) => g[1]));
    process.stdout.write(`${f.dir.padEnd(10)} answer in -> next call sent: wall median ${(gw[gw.length >> 1]! * 1000).toFixed(0)} µs, CPU median ${gc[gc.length >> 1]} µs (${gw.length} gaps)\n`);
  }
  process.stdout.write(`${f.dir.padEnd(10)} CPU min ${c[0]} µs, median ${c[c.length >> 1]} µs (system median ${sys[sys.length >> 1]}); wall min ${w[0]!.toFixed(2)} ms, median ${w[w.length >> 1]!.toFixed(2)} ms${added} (n=${n})\n`);
}
if (args.includes('--each')) {
  // Per id (the first build): answer size and the added times, largest median first.
  const med = (xs: number[]): number => sorted(xs)[xs.length >> 1]!;
  for (const [id, e] of [...each].sort((a, b) => med(b[1].added) - med(a[1].added)).slice(0, 15)) {
    process.stdout.write(`  ${pathOf(id)} ${e.bytes} B: added ${sorted(e.added).map((x) => x.toFixed(2)).join(' ')} ms\n`);
  }
}
if (facades.length > 1) process.stdout.write(differ ? `answers differ for ${differ} of ${n} requests\n` : `same bytes from both builds (${n} requests)\n`);

if (session) {
  const { profile } = await session.post('Profiler.stop') as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  session.disconnect();
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const perFile = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const { functionName, url } = byId.get(id)!.callFrame;
    const key = url ? url.replace(/^.*\/(src|dist[^/]*|node_modules)\//, '$1/') : functionName;
    perFile.set(key, (perFile.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const requests = n * facades.length;
  process.stdout.write(`self time per request, by file (µs, ${requests} requests, all builds together):\n`);
  for (const [file, us] of [...perFile].sort((a, b) => b[1] - a[1]).slice(0, 40)) process.stdout.write(`  ${(us / requests).toFixed(0).padStart(6)}  ${file}\n`);
  if (opt('functions')) {
    // Self time per function of the files matching --functions=RE, with its line.
    const re = new RegExp(opt('functions')!);
    const perFn = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame as ProfileNode['callFrame'] & { lineNumber: number };
      if (!re.test(url)) return;
      const key = `${url.replace(/^.*\/(src|dist[^/]*|node_modules)\//, '$1/')}:${lineNumber + 1} ${functionName}`;
      perFn.set(key, (perFn.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    process.stdout.write(`functions of ${re} (self µs per request):\n`);
    for (const [f, us] of [...perFn].sort((a, b) => b[1] - a[1]).slice(0, 40)) process.stdout.write(`  ${(us / requests).toFixed(1).padStart(7)}  ${f}\n`);
  }
  if (opt('callers')) {
    // Who calls into the files matching --callers=RE: the nearest frame outside them, by its file and function.
    const parent = new Map<number, number>();
    for (const x of profile.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
    const re = new RegExp(opt('callers')!);
    const callers = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      if (!re.test(byId.get(id)!.callFrame.url)) return;
      let p = parent.get(id);
      while (p !== undefined && re.test(byId.get(p)!.callFrame.url)) p = parent.get(p);
      const f = p === undefined ? '?' : `${byId.get(p)!.callFrame.url.replace(/^.*\/(src|dist[^/]*)\//, '')} ${byId.get(p)!.callFrame.functionName}`;
      callers.set(f, (callers.get(f) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    process.stdout.write(`callers of ${re}:\n`);
    for (const [f, us] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stdout.write(`  ${(us / requests).toFixed(0).padStart(6)}  ${f}\n`);
  }
}
for (const f of facades) await f.facade.close(0);
await sim.stop();
