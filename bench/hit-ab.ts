// Paired A/B of facade builds on the cache-hit path (not a benchmark of record; benchmark 1 is).
// Each build runs as deployed (external bearer token, audit to a file) — and with --demo also in
// the demo configuration — beside a floor per distinct answer (bare node:http, same bytes and
// headers). Rounds alternate every server, each measured over the same number of hits, so the load
// of this shared machine falls on all alike; CPU µs per hit is the figure (rates move with load).
//   npx node --import tsx bench/hit-ab.ts [--n=20000] [--rounds=4] [--demo] [--floor-token] [--floor-limits] [--strace|--perf|--alloc|--profile] BUILD[@node-flag,…] …
// BUILD is a directory of the repo holding a build (dist, or an older dist copied aside);
// --strace counts system calls, --perf records `perf` samples (node --perf-basic-prof), --alloc
// writes sampled allocation profiles, --profile V8 CPU profiles (200 µs sampling): each over one more
// window of n hits per server, after the rounds.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIssuer } from '../test/auth/fixture.js';
import { runLoad } from './lib/load-client.js';
import { startChild, type Child } from './lib/proc.js';
import { hitOf } from './throughput.js';

const args = process.argv.slice(2);
const opt = (k: string, d: string): string => args.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const n = Number(opt('n', '20000'));
const rounds = Number(opt('rounds', '4'));
const record = ['strace', 'perf', 'alloc', 'profile'].find((k) => args.includes(`--${k}`));
const nodeArgs = record === 'perf' ? ['--perf-basic-prof'] : [];
const builds = args.filter((a) => !a.startsWith('--'));
if (builds.length === 0) throw new Error('name at least one build directory (e.g. dist)');

interface Lane { name: string; child: Child; url: string; headers: Record<string, string> }
const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-hit-ab-'));
const sim = await startChild<{ url: string }>('servers/sim.ts', {});
let audience = '';
const issuer = await startIssuer(() => audience);
const started: Child[] = [sim];
const lanes: Lane[] = [];
try {
  for (const spec of builds) {
    const [build, flags] = spec.split('@') as [string, string | undefined];
    const own = [...nodeArgs, ...(flags ? flags.split(',') : [])];
    const env = { BENCH_FACADE_FROM: 'dist', BENCH_FACADE_DIST: build, BENCH_SIM_URL: sim.info.url, CHANGE_POLL_SECONDS: '5', OSCAR_GZIP: 'false' };
    const deployed = await startChild<{ base: string }>('servers/facade.ts', {
      ...env, AUTH_MODE: 'smart', SMART_ISSUER: issuer.issuer, SMART_JWKS_URL: issuer.jwksUrl, SMART_TOKEN_URL: `${issuer.issuer}/token`,
      SMART_EXTERNAL_SYSTEM_SCOPES: 'true', AUDIT_LOG: join(dir, `audit-${lanes.length}.jsonl`),
    }, [], own);
    started.push(deployed);
    audience = deployed.info.base;
    const token = `Bearer ${await issuer.token({ scope: 'system/*.rs' }, { expiresIn: 3600 })}`;
    lanes.push({ name: `deployed ${spec}`, child: deployed, url: `${deployed.info.base}/Patient/1001`, headers: { authorization: token } });
    if (args.includes('--demo')) {
      const demo = await startChild<{ base: string }>('servers/facade.ts', env, [], own);
      started.push(demo);
      lanes.push({ name: `demo ${spec}`, child: demo, url: `${demo.info.base}/Patient/1001`, headers: {} });
      // --demo-token: the demo configuration fed the same request as the deployed one (it ignores the token).
      if (args.includes('--demo-token')) lanes.push({ name: `demo fed the token ${spec}`, child: demo, url: `${demo.info.base}/Patient/1001`, headers: { authorization: token } });
    }
  }
  const floors = new Map<string, Lane>();
  for (const l of lanes) {
    const hit = await hitOf(l.url, l.headers);
    const { 'x-request-id': _, ...compared } = hit.headers;
    const key = JSON.stringify([hit.body.toString('base64'), compared]);
    if (floors.has(key)) continue;
    const file = join(dir, `floor-${floors.size}.json`);
    writeFileSync(file, JSON.stringify({ body: hit.body.toString('base64'), headers: hit.headers }));
    const floor = await startChild<{ url: string }>('servers/floor.ts', {}, [file], nodeArgs);
    started.push(floor);
    floors.set(key, { name: `floor ${floors.size + 1}`, child: floor, url: floor.info.url, headers: {} });
  }
  // --floor-token: each floor also fed the deployed requests (their bearer token's kilobyte of
  // header): the same request in as well as the same answer out.
  const fed = args.includes('--floor-token')
    ? [...floors.values()].map((f) => ({ ...f, name: `${f.name} fed the token`, headers: lanes.find((l) => l.name.startsWith('deployed'))!.headers }))
    : [];
  // --floor-limits: each floor also with the facade's connection limits (bench/servers/floor.ts).
  const limited: Lane[] = [];
  if (args.includes('--floor-limits')) {
    for (const [i, f] of [...floors.values()].entries()) {
      const child = await startChild<{ url: string }>('servers/floor.ts', { FLOOR_LIMITS: '1' }, [join(dir, `floor-${i}.json`)], nodeArgs);
      started.push(child);
      limited.push({ name: `${f.name} with the facade's connection limits`, child, url: child.info.url, headers: {} });
    }
  }
  const all = [...floors.values(), ...limited, ...fed, ...lanes];
  for (const l of all) await runLoad({ url: l.url, connections: 16, durationSec: 2, headers: l.headers });
  const cpu = new Map<string, number[]>(all.map((l) => [l.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const l of all) {
      const before = await l.child.rpc<{ cpuMicros: number }>('cpu');
      const res = await runLoad({ url: l.url, connections: 16, amount: n, headers: l.headers });
      const after = await l.child.rpc<{ cpuMicros: number }>('cpu');
      if (res.non2xx > 0) throw new Error(`${l.name} answered ${res.non2xx} hits with an error`);
      cpu.get(l.name)!.push((after.cpuMicros - before.cpuMicros) / res.requests);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [name, xs] of cpu) process.stdout.write(`${name}: CPU µs per hit ${xs.map((x) => x.toFixed(1)).join(' ')} (median ${median(xs).toFixed(1)})\n`);
  if (record) {
    for (const l of all) {
      const out = join(dir, `${record}-${l.name.replace(/\W+/g, '_')}`);
      const load = (): Promise<unknown> => runLoad({ url: l.url, connections: 16, amount: n, headers: l.headers });
      if (record === 'alloc' || record === 'profile') {
        const [start, stop, ext] = record === 'alloc' ? ['alloc-start', 'alloc-stop', 'heapprofile'] : ['profile-start', 'profile-stop', 'cpuprofile'];
        await l.child.rpc(start);
        await load();
        await l.child.rpc(stop, `${out}.${ext}`);
      } else {
        const pid = String(l.child.proc.pid);
        const tool = record === 'strace' ? spawn('strace', ['-c', '-f', '-o', `${out}.txt`, '-p', pid]) : spawn('perf', ['record', '-F', '4999', '-g', '-o', `${out}.data`, '-p', pid]);
        await new Promise((r) => setTimeout(r, 500));
        await load();
        tool.kill('SIGINT');
        await new Promise((r) => tool.once('exit', r));
        if (record === 'strace') process.stdout.write(`--- ${l.name}: system calls over ${n} hits\n${readFileSync(`${out}.txt`, 'utf8')}`);
      }
    }
    process.stdout.write(`recordings in ${dir}\n`);
  }
} finally {
  for (const c of started) await c.stop();
  await issuer.close();
}
