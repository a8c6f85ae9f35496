// In one process: the facade's own CPU for a cache-hit read (GET Patient/1001), as deployed (an
// external SMART bearer token, audit to a file) and in the demo configuration (no auth, no audit),
// without the network: each hit is handed to the facade's request handler with a request and a
// response over an in-memory socket, so the kernel, node's HTTP parser and the load generator are
// left out, and so is most of what a shared machine's load does to a whole-hit figure
// (bench/hit-ab.ts). With two builds their rounds alternate in the same process. Not a test: a
// tool to measure changes to the hit path. CPU is the process's (the collector's helper threads
// count), per hit, min and median of the rounds.
//   npm run build && npx node --import tsx bench/hit-cpu.ts [--n=20000] [--rounds=10] [--only=deployed|demo] dist [dist-base]
// (a profile: npx node --cpu-prof --cpu-prof-interval=50 --import tsx bench/hit-cpu.ts --only=deployed dist)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createServer, type AddressInfo } from 'node:net';
import { startIssuer } from '../test/auth/fixture.js';
import { generateClinic } from '../src/sim/clinic/generate.js';
import { demoCredentials } from '../src/sim/options.js';
import { startSimulator } from '../src/sim/server.js';
import { inMemoryGet, NullSocket } from './lib/in-memory-request.js';

type Product = typeof import('../src/app.js') & typeof import('../src/config.js') & typeof import('../src/logging.js');
type Facade = ReturnType<Product['createFacade']>;

const args = process.argv.slice(2);
const opt = (k: string, d: string): string => args.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const n = Number(opt('n', '20000'));
const rounds = Number(opt('rounds', '10'));
const builds = args.filter((a) => !a.startsWith('--'));
/** --only=deployed or --only=demo: one configuration (for a profile of it). */
const configurations = opt('only', '') === 'deployed' ? [true] : opt('only', '') === 'demo' ? [false] : [true, false];
// As `npm start` runs the build: without source maps.
process.setSourceMapsEnabled(false);
if (builds.length === 0) throw new Error('name at least one build directory (e.g. dist)');

const freePort = (): Promise<number> => new Promise((r) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as AddressInfo).port; s.close(() => r(p)); });
});

const credentials = demoCredentials({});
const sim = await startSimulator({ port: 0, credentials, data: generateClinic({ seed: 1, patients: 300, timezone: 'America/Toronto', credentials }) });
let audience = '';
const issuer = await startIssuer(() => audience);
const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-hit-cpu-'));

interface Lane { name: string; facade: Facade; headers: string[]; hit(): number }
const lanes: Lane[] = [];
const socket = new NullSocket();

for (const build of builds) {
  const url = (m: string): string => pathToFileURL(resolve(import.meta.dirname, '..', build, `${m}.js`)).href;
  const p = Object.assign({}, ...await Promise.all(['app', 'config', 'logging'].map((m) => import(url(m))))) as Product;
  for (const deployed of configurations) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/fhir`;
    const config = p.loadConfig({
      LOG_LEVEL: 'silent', PORT: String(port), HOST: '127.0.0.1', FHIR_BASE_URL: base, CACHE_TTL_SECONDS: '86400', CHANGE_POLL_SECONDS: '0', OSCAR_GZIP: 'false',
      ...(deployed && {
        AUTH_MODE: 'smart', SMART_ISSUER: issuer.issuer, SMART_JWKS_URL: issuer.jwksUrl, SMART_TOKEN_URL: `${issuer.issuer}/token`,
        SMART_EXTERNAL_SYSTEM_SCOPES: 'true', AUDIT_LOG: join(dir, `audit-${lanes.length}.jsonl`),
      }),
    });
    const facade = p.createFacade(config, p.connectionFromCredentials(sim.url, credentials), p.createLogger(config.logLevel));
    await facade.listen();
    audience = base;
    const headers = ['Host', `127.0.0.1:${port}`, 'Accept', '*/*'];
    if (deployed) headers.push('Authorization', `Bearer ${await issuer.token({ scope: 'system/*.rs' }, { expiresIn: 3600 })}`);
    // The first read fills the cache (and verifies the token) over real HTTP.
    const first = await fetch(`${base}/Patient/1001`, { headers: Object.fromEntries(Array.from({ length: headers.length / 2 }, (_, i) => [headers[2 * i]!, headers[2 * i + 1]!])) });
    if (first.status !== 200) throw new Error(`${build}: the first read answered ${first.status}`);
    await first.arrayBuffer();
    // The first requests verify the token and fill the read cache; from then on every hit is answered at once.
    for (let i = 0; i < 3; i++) await fetch(`${base}/Patient/1001`, { headers: Object.fromEntries(Array.from({ length: headers.length / 2 }, (_, k) => [headers[2 * k]!, headers[2 * k + 1]!])) }).then((r) => r.arrayBuffer());
    const headerObject = Object.fromEntries(Array.from({ length: headers.length / 2 }, (_, k) => [headers[2 * k]!.toLowerCase(), headers[2 * k + 1]!]));
    const hit = (): number => {
      const { req, res } = inMemoryGet(socket, '/fhir/Patient/1001', headers, headerObject);
      facade.handle(req, res);
      res.detachSocket(socket as never);
      // A hit is answered before the handler returns; anything else would still be on its way.
      return res.headersSent ? res.statusCode : 0;
    };
    lanes.push({ name: `${deployed ? 'deployed' : 'demo'} ${build}`, facade, headers, hit });
  }
}

const cpu = new Map<string, number[]>(lanes.map((l) => [l.name, []]));
for (let r = -2; r < rounds; r++) {
  for (const l of lanes) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      if (l.hit() !== 200) throw new Error(`${l.name}: a request was not answered at once with a 200`);
      // Timers (the audit batch) and next-tick work run between hits as they would on a server.
      if ((i & 63) === 63) await new Promise((done) => setImmediate(done));
    }
    const t = process.cpuUsage(t0);
    if (r >= 0) cpu.get(l.name)!.push((t.user + t.system) / n);
  }
}
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
for (const [name, xs] of cpu) {
  const s = sorted(xs);
  process.stdout.write(`${name.padEnd(24)} CPU µs per hit: min ${s[0]!.toFixed(2)} median ${s[Math.floor(s.length / 2)]!.toFixed(2)} (${xs.map((x) => x.toFixed(1)).join(' ')})\n`);
}
for (const l of lanes) await l.facade.close();
await issuer.close();
await sim.close();
// The audit files of a run hold hundreds of megabytes.
rmSync(dir, { recursive: true, force: true });
