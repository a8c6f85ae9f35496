// The per-resource cost of version ids and response bytes alone, in a hot loop: the 50 Patients
// of benchmark 6's search page, as the Patient search handler hands them to the router (recorded
// once through an in-process facade over the simulator), each pruned by withoutEmpty (as its
// mapper does), stamped (stampVersion), put in a searchset Bundle and written as bytes (jsonBytes).
// Builds alternate round by round in one process; each build's modules are its own. Not a test: a
// tool to measure changes to src/fhir/version.ts, json-bytes.ts, bundle.ts and without-empty.ts.
//   npm run build && npx node --import tsx bench/stamp-cpu.ts [ROUNDS] [--ab=dist-base] [--ab-first]
//     [--record=DIR] (the build whose search handler makes the page; default the --ab build, else dist)
//     [--steps] (also time each step alone: prune, stamp, bundle+bytes) [--bytes=FILE] (each build's page to FILE.<build>)
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Resource } from 'fhir/r4.js';
import { startSimulator } from '../src/sim/server.js';
import { benchClinic } from './lib/clinic.js';

type Build = typeof import('../src/resources/without-empty.js') & typeof import('../src/fhir/version.js')
  & typeof import('../src/fhir/bundle.js') & typeof import('../src/fhir/json-bytes.js');

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 4000);
const dirs = ['dist', ...(opt('ab') ? [opt('ab')!] : [])];
if (args.includes('--ab-first')) dirs.reverse();

async function load(dir: string): Promise<Build> {
  const url = (m: string): string => pathToFileURL(resolve(import.meta.dirname, '..', dir, `${m}.js`)).href;
  return Object.assign({}, ...await Promise.all(['resources/without-empty', 'fhir/version', 'fhir/bundle', 'fhir/json-bytes'].map((m) => import(url(m))))) as Build;
}

/** The page's 50 Patients as the search handler of build `dir` returns them. */
async function recordPage(dir: string): Promise<Resource[]> {
  type App = typeof import('../src/app.js') & typeof import('../src/config.js') & typeof import('../src/logging.js');
  const url = (m: string): string => pathToFileURL(resolve(import.meta.dirname, '..', dir, `${m}.js`)).href;
  const p = Object.assign({}, ...await Promise.all(['app', 'config', 'logging'].map((m) => import(url(m))))) as App;
  const { credentials, timezone, data } = benchClinic({ copies: 4000 });
  const sim = await startSimulator({ port: 0, credentials, data });
  const config = p.loadConfig({
    LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', FHIR_BASE_URL: 'http://127.0.0.1:1/fhir', OSCAR_TIMEZONE: timezone,
    CHANGE_POLL_SECONDS: '0', CAPABILITY_DISCOVERY: 'false', OSCAR_GZIP: 'false',
  });
  const facade = p.createFacade(config, p.connectionFromCredentials(sim.url, credentials), p.createLogger('silent'));
  await facade.start();
  const interactions = facade.registry.get('Patient')!.interactions;
  const search = interactions.search!;
  let seen: Resource[] = [];
  interactions.search = async (ctx, parsed) => {
    const result = await search(ctx, parsed);
    seen = [...result.resources];
    return result;
  };
  const query: [string, string][] = [['_id', Array.from({ length: 50 }, (_, i) => 102_000 + i).join(',')], ['_count', '50']];
  const res = await facade.router({ method: 'GET', path: '/Patient', query, headers: {}, requestId: 'r' });
  if (res.status !== 200 || seen.length !== 50) throw new Error(`page: ${res.status}, ${seen.length} resources`);
  await facade.close(0);
  await sim.close();
  return seen.map((r) => structuredClone(r)); // structuredClone keeps each object's member order
}

// Recorded through the older build when there are two: its handler hands over members in the
// mappers' order, which the loop's withoutEmpty then orders as each build does.
const page = await recordPage(opt('record') ?? opt('ab') ?? 'dist');
if (process.env.PV_DUMP) writeFileSync(process.env.PV_DUMP, JSON.stringify(page));
const builds = await Promise.all(dirs.map(async (dir) => ({ dir, b: await load(dir), all: [] as number[], steps: [[], [], []] as number[][], bytes: Buffer.alloc(0) as Buffer })));
const now = (): number => Number(process.hrtime.bigint()) / 1000;
const links = [{ relation: 'self', url: 'http://127.0.0.1:1/fhir/Patient?_id=1&_count=50' }];

function once(b: Build, out?: number[]): Buffer {
  const t0 = now();
  const pruned = page.map((r) => b.withoutEmpty(r));
  const t1 = now();
  const stamped = pruned.map((r) => b.stampVersion(r));
  const t2 = now();
  const bytes = b.jsonBytes(b.searchsetBundle({ baseUrl: 'http://127.0.0.1:1/fhir', matches: stamped, total: 50, links }));
  if (out) { out[0] = t1 - t0; out[1] = t2 - t1; out[2] = now() - t2; }
  return bytes;
}

for (const x of builds) for (let i = 0; i < 300; i++) x.bytes = once(x.b); // warm (JIT)
const split = [0, 0, 0];
for (let i = 0; i < rounds; i++) {
  for (const x of builds) {
    const t0 = now();
    x.bytes = once(x.b, split);
    x.all.push(now() - t0);
    for (let s = 0; s < 3; s++) x.steps[s]!.push(split[s]!);
  }
}
const q = (xs: number[], f: number): string => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(f * (s.length - 1))]!.toFixed(0); };
const stat = (xs: number[]): string => `min ${q(xs, 0)} / p10 ${q(xs, 0.1)} / median ${q(xs, 0.5)}`;
for (const x of builds) {
  const first = builds[0]!.bytes;
  // withoutEmpty puts the members of meta in canonical order too, which the page's recorded meta (tagged after it) is not in.
  const same = first.equals(x.bytes) ? '' : isDeepStrictEqual(JSON.parse(String(first)), JSON.parse(String(x.bytes))) ? ' (bytes differ from the first build, equal as parsed)' : ' (NOT EQUAL to the first build as parsed)';
  if (opt('bytes')) writeFileSync(`${opt('bytes')}.${x.dir.replace(/\W+/g, '')}`, x.bytes);
  process.stdout.write(`${x.dir.padEnd(10)} ${x.bytes.length} bytes, µs per page of 50: ${stat(x.all)}${same}\n`);
  if (args.includes('--steps')) {
    ['withoutEmpty', 'stampVersion', 'bundle + bytes'].forEach((name, s) => process.stdout.write(`  ${name.padEnd(15)} ${stat(x.steps[s]!)}\n`));
  }
}
