// In one process: the facade's own CPU for a cache miss of the 50-result Patient search page, of
// Patient/$everything and of a Patient read, with OSCAR's answers replayed from memory (recorded
// once from the simulator), so nothing but the facade's work is timed: no sockets, no simulator.
// Each request runs N times, the cache emptied before each; min and median CPU per request are
// printed. With two builds (`--ab=DIR`), their requests alternate in the same process, so the load
// of a shared machine hits both alike. Not a test: a tool to measure changes to the miss path.
//   npm run build && npx node --import tsx bench/page-cpu.ts [N] [--case=search] [--ab=dist-base] (an older build copied beside dist/)
//     (cases: 'search page', '$everything', 'Patient read', 'name search' and 'name count': a family
//     name 113 patients share, a page of 10 and _summary=count; --case=name runs both; 'appointment
//     search' and 'appointment count': a practitioner's bookings over 360 days, a page of 10 and
//     _summary=count; --case=appointment runs both; 'REST family search' and 'REST family count': the
//     name search and count of an OSCAR whose SOAP is out of reach, over its REST search (variants
//     §6 B5, the SOAP WAF map); 'REST long search' and 'REST long count': the same for the family
//     names that start with M, whose REST answer (163 KB) is parsed in pieces; --case=REST runs all four)
//     [--ab-first] (make DIR's facade first: run an A/B both ways, see below)
//     [--bytes=FILE] (each answer's bytes to FILE.<case>) [--profile=FILE] (a CPU profile per case)
//     [--pages=P] (P different search pages in turn)
//     [--fresh-memo] (forget the content found clean before each request: every resource is
//     validated as if first seen; src/validation/README.md, "Content already found clean")
//     [--from-src] (the facade from src/ under tsx instead of dist/)
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSimulator } from '../src/sim/server.js';
import type { HttpExchange, HttpReply } from '../src/oscar/http-transport.js';
import { VARIANT_MAPS } from '../scripts/routing-doc/variant-maps.js';
import { benchClinic } from './lib/clinic.js';

type Memo = { OUTGOING_MEMO?: { clear(): void } };
type Product = typeof import('../src/app.js') & typeof import('../src/config.js') & typeof import('../src/logging.js')
  & typeof import('../src/oscar/http-transport.js') & typeof import('../src/fhir/exchange.js');

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 30);
// The facade made first runs slower (~0.3 ms a page with the same build in both places, whichever
// goes first in a pair): --ab-first makes DIR's first, and a fair A/B runs both ways.
const builds = [args.includes('--from-src') ? 'src' : 'dist', ...(opt('ab') ? [opt('ab')!] : [])];
if (args.includes('--ab-first')) builds.reverse();

const { credentials, timezone, data } = benchClinic({ copies: 4000 });
const sim = await startSimulator({ port: 0, credentials, data });

// The CPU when each OSCAR exchange is sent and answered: a request's CPU split at
// those points (before the first send, after the last answer), to compare with bench/page-http.ts.
// process.cpuUsage: getrusage(RUSAGE_THREAD) is not brought up to date for the running thread.
const threadNow = (): number => { const t = process.cpuUsage(); return t.user + t.system; };
let stamps: number[] = [];
// OSCAR's answers, recorded by what was asked (the WS-Security header aside: its nonce changes).
const answers = new Map<string, HttpReply>();
let replaying = false;
const keyOf = (x: HttpExchange): string => `${x.method} ${x.url.pathname}${x.url.search} ${String(x.body ?? '').replace(/<wsse:Security[\s\S]*?<\/wsse:Security>/, '')}`;

async function load(dir: string): Promise<Product> {
  const url = (m: string): string => pathToFileURL(resolve(import.meta.dirname, '..', dir, `${m}.${dir === 'src' ? 'ts' : 'js'}`)).href;
  const p = Object.assign({}, ...await Promise.all(['app', 'config', 'logging', 'oscar/http-transport', 'fhir/exchange'].map((m) => import(url(m))))) as Product;
  const send = p.HttpTransport.prototype.send;
  p.HttpTransport.prototype.send = async function (this: InstanceType<Product['HttpTransport']>, x: HttpExchange): Promise<HttpReply> {
    stamps.push(threadNow());
    const k = keyOf(x);
    const known = replaying ? answers.get(k) : undefined;
    if (known) { stamps.push(threadNow()); return known; }
    const a = await send.call(this, x);
    answers.set(k, a);
    return a;
  };
  return p;
}

/** Forgets the content `dir`'s facade found clean (a no-op for a build without the memo). */
async function memoClear(dir: string): Promise<() => void> {
  const url = pathToFileURL(resolve(import.meta.dirname, '..', dir, `validation/outgoing-memo.${dir === 'src' ? 'ts' : 'js'}`)).href;
  const memo = await (import(url) as Promise<Memo>).catch(() => ({} as Memo));
  return () => memo.OUTGOING_MEMO?.clear();
}
const freshMemo = args.includes('--fresh-memo');
// Emptying the memo writes its tables (about 270 KB), which leaves the processor's caches colder
// for the request that follows than a build without it: with --fresh-memo every build's request
// follows the same walk over 2 MiB, so their caches start alike.
const sweep = new Uint8Array(2 << 20);
const coldCaches = (): void => { for (let i = 0; i < sweep.length; i += 64) sweep[i]! += 1; };

const config = (p: Product) => p.loadConfig({
  LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', FHIR_BASE_URL: 'http://127.0.0.1:1/fhir', OSCAR_TIMEZONE: timezone,
  CHANGE_POLL_SECONDS: '0', CAPABILITY_DISCOVERY: 'false', OSCAR_GZIP: 'false',
  ...(process.env.VALIDATION_MODE && { VALIDATION_MODE: process.env.VALIDATION_MODE }),
});
/** Each build's facade, over the map of `variant` (VARIANT_MAPS) or assuming everything offered. */
const facadesOver = (variant?: string) => Promise.all(builds.map(async (dir) => {
  const p = await load(dir);
  const capabilities = variant ? { current: () => VARIANT_MAPS[variant]! } : undefined;
  const facade = p.createFacade(config(p), p.connectionFromCredentials(sim.url, credentials), p.createLogger('silent'), capabilities && { capabilities });
  await facade.start();
  return { dir, facade, renderBody: p.renderBody, forget: await memoClear(dir) };
}));
const facades = await facadesOver();
// Made when a case needs them: the facades of an OSCAR whose SOAP a WAF refuses (variants §6 B5).
let restFacades: typeof facades | undefined;

// --pages=P: P different pages in turn (benchmark 6 never asks for the same page twice) instead of one.
const pageCount = Number(opt('pages') ?? 1);
const pageQuery = (k: number): [string, string][] => [['_id', Array.from({ length: 50 }, (_, i) => 102_000 + 50 * k + i).join(',')], ['_count', '50']];
const dayFromNow = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const bookingQuery: [string, string][] = [['practitioner', 'Practitioner/999998'], ['date', `ge${dayFromNow(-270)}`], ['date', `lt${dayFromNow(90)}`]];
const cases: [string, string, [string, string][], ('SOAP WAF')?][] = [
  ['search page', '/Patient', pageQuery(0)],
  ['$everything', '/Patient/1002/$everything', []],
  ['Patient read', '/Patient/1003', []],
  // One family name shared by many of the clinic's copies (113 matches), a page of 10 of them.
  ['name search', '/Patient', [['family', 'Desjardins'], ['_count', '10']]],
  ['name count', '/Patient', [['family', 'Desjardins'], ['_summary', 'count']]],
  // The clinic's busiest practitioner over 360 days around today (the clinic's bookings are dated
  // from the day it is generated), a page of 10 of them.
  ['appointment search', '/Appointment', [...bookingQuery, ['_count', '10']]],
  ['appointment count', '/Appointment', [...bookingQuery, ['_summary', 'count']]],
  // The name search and count above, over OSCAR's REST search alone.
  ['REST family search', '/Patient', [['family', 'Desjardins'], ['_count', '10']], 'SOAP WAF'],
  ['REST family count', '/Patient', [['family', 'Desjardins'], ['_summary', 'count']], 'SOAP WAF'],
  // Family names that start with M (543 patients): OSCAR's REST answer is 163 KB, parsed in pieces.
  ['REST long search', '/Patient', [['family', 'M'], ['_count', '10']], 'SOAP WAF'],
  ['REST long count', '/Patient', [['family', 'M'], ['_summary', 'count']], 'SOAP WAF'],
];
const cpu = (): number => { const u = process.cpuUsage(); return u.user + u.system; };
const only = opt('case');
for (const [name, path, query, variant] of cases) {
  if (only && !name.includes(only)) continue;
  const file = name.replace(/\W+/g, '');
  const over = variant ? (restFacades ??= await facadesOver(variant)) : facades;
  const runs = over.map(({ dir, facade, renderBody, forget }) => ({
    dir, forget, times: [] as number[], pre: [] as number[], post: [] as number[], bytes: Buffer.alloc(0) as Buffer,
    turn: 0,
    async once(): Promise<Buffer> {
      facade.cache.invalidateAll();
      const q = name === 'search page' && pageCount > 1 ? pageQuery(this.turn++ % pageCount) : query;
      const res = await facade.router({ method: 'GET', path, query: q, headers: {}, requestId: 'r' });
      if (res.status !== 200) throw new Error(`${name}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      return renderBody(res)!;
    },
  }));
  replaying = false;
  for (const r of runs) for (let k = 0; k < pageCount; k++) await r.once(); // records the answers, loads what every request shares
  replaying = true;
  for (const r of runs) for (let i = 0; i < 20; i++) { if (freshMemo) { r.forget(); coldCaches(); } r.bytes = await r.once(); } // warm (JIT)
  const profileTo = opt('profile');
  const session = profileTo ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  for (let i = 0; i < n; i++) {
    for (const r of runs) {
      if (freshMemo) { r.forget(); coldCaches(); }
      stamps = [];
      const t0 = threadNow();
      const c0 = cpu();
      r.bytes = await r.once();
      r.times.push(cpu() - c0);
      if (stamps.length) { r.pre.push(stamps[0]! - t0); r.post.push(threadNow() - stamps[stamps.length - 1]!); }
    }
  }
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`${profileTo}.${file}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
  for (const r of runs) {
    r.times.sort((a, b) => a - b);
    r.pre.sort((a, b) => a - b);
    r.post.sort((a, b) => a - b);
    if (opt('bytes')) writeFileSync(`${opt('bytes')}.${file}${runs.length > 1 ? `.${r.dir.replace(/\W+/g, '')}` : ''}`, r.bytes);
    const same = runs[0]!.bytes.equals(r.bytes) ? '' : ' (bytes differ from the first build)';
    process.stdout.write(`${name.padEnd(13)} ${r.dir.padEnd(10)} ${r.bytes.length} bytes: CPU min ${r.times[0]} µs, median ${r.times[r.times.length >> 1]} µs (n=${n})${same}; before the first OSCAR send min ${r.pre[0]} median ${r.pre[r.pre.length >> 1]}, after the last answer min ${r.post[0]} median ${r.post[r.post.length >> 1]} µs\n`);
  }
}
for (const { facade } of [...facades, ...(restFacades ?? [])]) await facade.close(0);
await sim.close();
