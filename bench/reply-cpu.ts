// The per-resource cost from OSCAR's answer to the mapped Patient, in one process, stage by stage:
// reading the SOAP answer of the 50-result page (getDemographics, recorded once from the simulator),
// the clinic wall clocks of its rows, the cache's freeze-and-measure of them, and the Patient mapper. Each stage runs on the same answer N
// rounds; min and median CPU per page are printed. With two builds (`--ab=DIR`) the rounds alternate
// between them, and the A/B should be run both ways (`--ab-first`) as with bench/page-cpu.ts.
// Not a test: a tool to measure changes to these stages.
//   npm run build && npx node --import tsx bench/reply-cpu.ts [N] [--ab=dist-base] [--ab-first] [--from-src]
//     [--build=DIR] (DIR instead of dist/: one build per process, the steadier A/B on a loaded machine)
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSimulator } from '../src/sim/server.js';
import { createFacade } from '../src/app.js';
import { connectionFromCredentials, loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging.js';
import { HttpTransport, type HttpExchange, type HttpReply } from '../src/oscar/http-transport.js';
import { benchClinic } from './lib/clinic.js';

type Build = typeof import('../src/oscar/soap-reply.js') & typeof import('../src/oscar/soap-schema.js')
  & typeof import('../src/oscar/normalise/clinic-time.js') & typeof import('../src/resources/patient/mapper.js')
  & typeof import('../src/resources/mapping-config.js') & typeof import('../src/cache/measure.js');

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 300);
const builds = [opt('build') ?? (args.includes('--from-src') ? 'src' : 'dist'), ...(opt('ab') ? [opt('ab')!] : [])];
if (args.includes('--ab-first')) builds.reverse();

const { credentials, timezone, data } = benchClinic();
const sim = await startSimulator({ port: 0, credentials, data });

// The WSDL and the getDemographics answer of the 50-result page, recorded as a facade (from src/)
// asks for them: its transport's replies are kept by what was asked.
const replies: { url: string; body: string; reply: HttpReply }[] = [];
const send = HttpTransport.prototype.send;
HttpTransport.prototype.send = async function (this: HttpTransport, x: HttpExchange): Promise<HttpReply> {
  const reply = await send.call(this, x);
  replies.push({ url: x.url.href, body: String(x.body ?? ''), reply });
  return reply;
};
const facade = createFacade(loadConfig({
  LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', FHIR_BASE_URL: 'http://127.0.0.1:1/fhir', OSCAR_TIMEZONE: timezone,
  CHANGE_POLL_SECONDS: '0', CAPABILITY_DISCOVERY: 'false', OSCAR_GZIP: 'false',
}), connectionFromCredentials(sim.url, credentials), createLogger('silent'));
await facade.start();
const ids = data.demographics.slice(0, 50).map((d) => d.demographicNo).join(',');
const res = await facade.router({ method: 'GET', path: '/Patient', query: [['_id', ids], ['_count', '50']], headers: {}, requestId: 'r' });
if (res.status !== 200) throw new Error(`search: ${res.status}`);
await facade.close(0);
HttpTransport.prototype.send = send;
const wsdl = replies.find((r) => r.url.endsWith('DemographicService?wsdl'))!.reply.body.toString('utf8');
const answer = replies.find((r) => r.body.includes('getDemographics>'))!.reply.body;
await sim.close();

async function load(dir: string): Promise<Build> {
  const url = (m: string): string => pathToFileURL(resolve(import.meta.dirname, '..', dir, `${m}.${dir === 'src' ? 'ts' : 'js'}`)).href;
  return Object.assign({}, ...await Promise.all(['oscar/soap-reply', 'oscar/soap-schema', 'oscar/normalise/clinic-time', 'resources/patient/mapper', 'resources/mapping-config', 'cache/measure'].map((m) => import(url(m))))) as Build;
}

const cpu = (): number => { const u = process.cpuUsage(); return u.user + u.system; };
const stages = ['read', 'wall clocks', 'cache store', 'mapper'] as const;
const runs = await Promise.all(builds.map(async (dir) => {
  const b = await load(dir);
  const schema = b.readSoapSchema(wsdl)!;
  const cfg = b.defaultMappingConfig({ timezone });
  const times: Record<(typeof stages)[number], number[]> = { read: [], 'wall clocks': [], 'cache store': [], mapper: [] };
  const round = (): unknown => {
    let t = cpu();
    const reply = b.readSoapBytes(answer, schema, 'getDemographics');
    if (reply?.kind !== 'return' || !Array.isArray(reply.value) || reply.value.length !== 50) throw new Error(`${dir}: not 50 rows`);
    times.read.push(cpu() - t);
    t = cpu();
    const rows = (reply.value as object[]).map((r) => b.readWallClock(r, b.WALL_CLOCK.demographic, timezone));
    times['wall clocks'].push(cpu() - t);
    t = cpu();
    if (!(b.freezeAndMeasure(rows) > 0)) throw new Error('no size');
    times['cache store'].push(cpu() - t);
    t = cpu();
    const patients = rows.map((r) => b.patientFromSoap(r, cfg, { providerDisplay: 'doctor oscardoc' }));
    times.mapper.push(cpu() - t);
    return patients;
  };
  return { dir, round, times };
}));
for (const r of runs) for (let i = 0; i < 200; i++) r.round(); // warm (JIT)
for (const r of runs) for (const s of stages) r.times[s] = [];
for (let i = 0; i < n; i++) for (const r of runs) r.round();

process.stdout.write(`answer ${answer.length} bytes, ${n} rounds; CPU per page, µs (min / 10th percentile / median)\n`);
for (const r of runs) {
  const parts = stages.map((s) => {
    const t = r.times[s].sort((a, b) => a - b);
    return `${s} ${t[0]} / ${t[Math.floor(t.length / 10)]} / ${t[t.length >> 1]}`;
  });
  process.stdout.write(`${r.dir.padEnd(12)} ${parts.join(', ')}\n`);
}
if (opt('answer')) (await import('node:fs')).writeFileSync(opt('answer')!, answer);
