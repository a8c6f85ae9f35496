// In one process: the facade's own CPU for a cache miss as deployed (an external SMART bearer
// token, an audit record per request to a file), through its real request handler, split where
// bench/page-http.ts splits it: from the request to the first OSCAR send, from the last OSCAR
// answer to the response's end (res.end returned), and after it until the handler is done (the
// audit record, metrics). Each request is handed to the handler over an in-memory socket and
// OSCAR's answers are replayed from memory (recorded once from the simulator), so the kernel,
// node's HTTP parser, the simulator and the benchmark's own IPC are left out: what is left is
// the facade's work around the router, the router and the resource work. Builds alternate round
// by round in the same process. Not a test: a tool to measure changes to the miss path's edges.
//   npm run build && npx node --import tsx bench/miss-cpu.ts dist [dist-base] [--n=300] [--rounds=8]
//     [--case=read|page|all] (Patient/1003; the 50-result Patient page of benchmark 6)
//     [--read=TYPE] (instead: reads of TYPE, its records in turn as bench/page-http.ts reads them:
//     Patient, Appointment, AllergyIntolerance, Immunization or DocumentReference)
//     [--mixed=N] (before anything else, the first build reads N records of every type, one of each
//     type in turn as benchmark 6 warms up, and each other build N of the measured type only: what
//     a mixed warm-up changes in the same code, with two copies of one build, e.g. dist dist-copy)
//     [--windows=FILE] (each measured request's stage bounds on the monotonic clock, µs, as JSON
//     [start, 1st send, last answer, res.end returned, done]: with `node --cpu-prof`, the samples of
//     each stage can be told apart, bench/window-profile.ts)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startIssuer } from '../test/auth/fixture.js';
import { startSimulator } from '../src/sim/server.js';
import type { HttpExchange, HttpReply } from '../src/oscar/http-transport.js';
import { benchClinic } from './lib/clinic.js';
import { inMemoryGet, NullSocket } from './lib/in-memory-request.js';
import { readCandidates, type ReadType } from './lib/read-candidates.js';

type Product = typeof import('../src/app.js') & typeof import('../src/config.js') & typeof import('../src/logging.js')
  & typeof import('../src/oscar/http-transport.js');

const args = process.argv.slice(2);
const opt = (k: string, d: string): string => args.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const n = Number(opt('n', '300'));
const rounds = Number(opt('rounds', '8'));
const builds = args.filter((a) => !a.startsWith('--'));
if (builds.length === 0) throw new Error('name at least one build directory (e.g. dist)');
// As `npm start` runs the build: without source maps.
process.setSourceMapsEnabled(false);

// process.cpuUsage: getrusage(RUSAGE_THREAD) is not brought up to date for the running thread.
const cpu = (): number => { const u = process.cpuUsage(); return u.user + u.system; };
/** CPU at each OSCAR send and answer, and at res.end's return, of the request being measured. */
let sends: number[] = [];
let answered = 0;
let ended = 0;
/** The same moments on the monotonic clock (µs), which a CPU profile's timestamps use. */
const mono = (): number => Number(process.hrtime.bigint() / 1000n);
let monoSend = 0;
let monoAnswer = 0;
let monoEnded = 0;
const windows: number[][] = [];
const answers = new Map<string, HttpReply>();
let replaying = false;
// What was asked, the WS-Security header aside (as bench/page-cpu.ts).
const keyOf = (x: HttpExchange): string => `${x.method} ${x.url.pathname}${x.url.search} ${String(x.body ?? '').replace(/<wsse:Security[\s\S]*?<\/wsse:Security>/, '')}`;

const end = ServerResponse.prototype.end;
ServerResponse.prototype.end = function (this: ServerResponse, ...a: unknown[]) {
  const r = (end as (...x: unknown[]) => unknown).apply(this, a);
  ended = cpu();
  monoEnded = mono();
  return r;
} as typeof end;

async function load(dir: string): Promise<Product> {
  const url = (m: string): string => pathToFileURL(resolve(import.meta.dirname, '..', dir, `${m}.js`)).href;
  const p = Object.assign({}, ...await Promise.all(['app', 'config', 'logging', 'oscar/http-transport'].map((m) => import(url(m))))) as Product;
  const send = p.HttpTransport.prototype.send;
  p.HttpTransport.prototype.send = async function (this: InstanceType<Product['HttpTransport']>, x: HttpExchange): Promise<HttpReply> {
    sends.push(cpu());
    if (sends.length === 1) monoSend = mono();
    const known = replaying ? answers.get(keyOf(x)) : undefined;
    if (known) { answered = cpu(); monoAnswer = mono(); return known; }
    const a = await send.call(this, x);
    answers.set(keyOf(x), a);
    return a;
  };
  return p;
}

const { credentials, timezone, data } = benchClinic({ copies: 4000 });
const sim = await startSimulator({ port: 0, credentials, data });
const base = 'http://127.0.0.1:1/fhir';
const issuer = await startIssuer(() => base);
const token = await issuer.token({ scope: 'system/*.rs' }, { expiresIn: 3600 });
const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-miss-cpu-'));
const socket = new NullSocket();
const headers = ['Host', '127.0.0.1:1', 'Accept', '*/*', 'Authorization', `Bearer ${token}`];
const headerObject = Object.fromEntries(Array.from({ length: headers.length / 2 }, (_, k) => [headers[2 * k]!.toLowerCase(), headers[2 * k + 1]!]));

const pageIds = (k: number): string => Array.from({ length: 50 }, (_, i) => 102_000 + 50 * (k % 40) + i).join(',');
const reading = opt('read', '');
const records = reading === 'Patient'
  ? data.demographics.filter((d) => d.demographicNo < 100_000).slice(1).map((d) => d.demographicNo)
  : reading ? readCandidates(data)[reading as ReadType] : [];
if (reading && !records?.length) throw new Error(`no records to read of type ${reading}`);
const cases: [string, (i: number) => string][] = reading
  ? [[`${reading} read`, (i) => `/fhir/${reading}/${records[i % records.length]}`]]
  : [
    ['Patient read', () => '/fhir/Patient/1003'],
    // Benchmark 6's 40 distinct pages in turn.
    ['search page', (i) => `/fhir/Patient?_id=${pageIds(i)}&_count=50`],
  ];
const only = opt('case', 'all');
const mixed = Number(opt('mixed', '0'));

interface Lane { build: string; facade: ReturnType<Product['createFacade']> }
const lanes: Lane[] = [];
for (const build of builds) {
  const p = await load(build);
  const config = p.loadConfig({
    LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', FHIR_BASE_URL: base, OSCAR_TIMEZONE: timezone,
    CHANGE_POLL_SECONDS: '0', CAPABILITY_DISCOVERY: 'false', OSCAR_GZIP: 'false', OSCAR_MAX_IN_FLIGHT: '4', OSCAR_MAX_QUEUE: '1000',
    AUTH_MODE: 'smart', SMART_ISSUER: issuer.issuer, SMART_JWKS_URL: issuer.jwksUrl, SMART_TOKEN_URL: `${issuer.issuer}/token`,
    SMART_EXTERNAL_SYSTEM_SCOPES: 'true', AUDIT_LOG: join(dir, `audit-${lanes.length}.jsonl`),
  });
  const facade = p.createFacade(config, p.connectionFromCredentials(sim.url, credentials), p.createLogger('silent'));
  await facade.start();
  lanes.push({ build, facade });
}

/** One miss through the lane's handler: its status and CPU split (µs). */
async function miss(l: Lane, url: string): Promise<{ status: number; pre: number; post: number; after: number; total: number; window: number[] }> {
  l.facade.cache.invalidateAll();
  sends = [];
  answered = 0;
  ended = 0;
  const m0 = mono();
  const t0 = cpu();
  const { req, res } = inMemoryGet(socket, url, headers, headerObject);
  l.facade.handle(req, res);
  // Answered when the response is finished (the handler's promise is not handed out by handle()).
  while (!res.writableEnded) await new Promise((r) => setImmediate(r));
  const t1 = cpu();
  res.detachSocket(socket as never);
  return { status: res.statusCode, pre: (sends[0] ?? t1) - t0, post: ended - answered, after: t1 - ended, total: t1 - t0, window: [m0, monoSend, monoAnswer, monoEnded, mono()] };
}

if (mixed > 0) {
  // Benchmark 6's warm-up order: one read of each type in turn (answers from the simulator).
  const candidates = readCandidates(data);
  const patients = data.demographics.filter((d) => d.demographicNo < 100_000).slice(1).map((d) => d.demographicNo);
  const all: [string, number[]][] = [['Patient', patients], ...Object.entries(candidates)];
  const measured = reading || 'Patient';
  for (let k = 0; k < mixed; k++) {
    for (const [li, l] of lanes.entries()) {
      for (const [type, ids] of all) {
        if (li > 0 && type !== measured) continue;
        await miss(l, `/fhir/${type}/${ids[ids.length - 1 - (k % ids.length)]}`);
      }
    }
  }
}

const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (const [name, path] of cases) {
  if (!reading && only !== 'all' && !name.toLowerCase().includes(only)) continue;
  replaying = false;
  // Every request of the run once (its answers recorded), at least the 40 pages. Of a type's
  // records, those every build answers 200 (this facade's routes, without capability discovery,
  // may read some otherwise than benchmark 6's).
  const distinct = reading ? Math.min(records.length, n) : 40;
  const ok = new Set<number>();
  for (let k = 0; k < distinct; k++) {
    const statuses = [];
    for (const l of lanes) statuses.push((await miss(l, path(k))).status);
    if (statuses.every((st) => st === 200)) ok.add(k);
    else if (!reading) throw new Error(`${name} ${path(k)}: ${statuses.join(', ')}`);
  }
  if (ok.size === 0) throw new Error(`${name}: no request answered 200`);
  if (ok.size < distinct) process.stdout.write(`${name}: ${ok.size} of ${distinct} records answer 200 and are read\n`);
  const used = [...ok];
  const at = (i: number): string => path(used[i % used.length]!);
  replaying = true;
  const rows = new Map(lanes.map((l) => [l.build, { pre: [] as number[], post: [] as number[], after: [] as number[], total: [] as number[] }]));
  for (let r = -1; r < rounds; r++) {
    for (const l of lanes) {
      const x = { pre: [] as number[], post: [] as number[], after: [] as number[], total: [] as number[] };
      for (let i = 0; i < n; i++) {
        const m = await miss(l, at(i));
        if (r >= 0) windows.push(m.window);
        if (m.status !== 200) throw new Error(`${l.build} ${name}: ${m.status}`);
        x.pre.push(m.pre); x.post.push(m.post); x.after.push(m.after); x.total.push(m.total);
      }
      // The first round warms the code up (a read's takes some hundreds of requests to settle).
      if (r < 0) continue;
      const row = rows.get(l.build)!;
      for (const k of ['pre', 'post', 'after', 'total'] as const) row[k].push(med(x[k]));
    }
  }
  for (const [build, row] of rows) {
    const show = (xs: number[]): string => `${Math.min(...xs)} / ${med(xs)} (${xs.join(' ')})`;
    process.stdout.write(`${name} ${build}, medians of ${rounds} rounds of ${n} (min / median of the rounds, µs):\n`
      + `  request → 1st OSCAR send ${show(row.pre)}\n  last answer → res.end ${show(row.post)}\n  after res.end ${show(row.after)}\n  whole request ${show(row.total)}\n`);
  }
}
if (opt('windows', '')) writeFileSync(opt('windows', ''), JSON.stringify(windows));
for (const l of lanes) await l.facade.close(0);
await issuer.close();
await sim.close();
rmSync(dir, { recursive: true, force: true });
