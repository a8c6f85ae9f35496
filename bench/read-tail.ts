// Benchmark 6's cache-miss reads alone, set up as benchmark 6 sets them up (facade from the build
// in its own process, SMART bearer token, audit file, the simulator in another process, warm-up,
// then the cache cleared), with each request's time taken apart so that its slowest ones can be
// put down to a cause. Not a test: a tool for the reads' added p99.
// For every read it records, on the clock all the processes share (performance.timeOrigin + now):
//   - the facade's timeline (bench/servers/facade.ts BENCH_TIMELINE): the request's arrival and
//     its body handed to the socket, each OSCAR exchange sent and answered, each collector pause (kind, duration);
//   - the simulator's record of the calls, arrived and answered, for the facade's run and for the
//     raw client's replay of the same calls;
//   - the kernel's scheduler accounting of the main thread of the facade, the simulator, this
//     tool and the pass-through (/proc/PID/schedstat: time on a CPU and time runnable but waiting
//     for one), over the facade's request and over the replay;
//   - the control: the same calls made by a bare node:http pass-through process
//     (bench/servers/pass-through.ts), raw replay and pass-through alternating which goes first.
// Then, per type, the added p50/p99 of the facade and of the pass-through, and the top 2 % of
// requests by added time with the split of what they added over the type's median.
//   npm run build && npx node --import tsx bench/read-tail.ts [N=200] [--types=Patient,…]
//     [--warm=300] [--warm-pages=30] [--rows=FILE] (every row as JSON) [--env=NAME=VALUE,…]
//     [--node=--flag,…] (the facade's node flags) [--dist=DIR] (another build than dist/)
//     [--profile=DIR] (a CPU profile of the facade per type, over its measured reads)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDeployedFacade } from './lib/deployed-facade.js';
import { startChild } from './lib/proc.js';
import { schedMs, schedOf, type Sched } from './lib/sched.js';
import { replay, type CapturedCall } from './lib/replay.js';
import { exchange } from './lib/sequential.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 200);
const warm = Number(opt('warm') ?? 300);
const warmPages = Number(opt('warm-pages') ?? 30);
const TYPES = ['Patient', 'Appointment', 'AllergyIntolerance', 'Immunization', 'DocumentReference'] as const;
type ReadType = (typeof TYPES)[number];
const types = (opt('types')?.split(',') ?? TYPES) as ReadType[];
type Event = { what: string; at: number; ms?: number; kind?: number };
type SimInfo = { url: string; ids: number[]; records: Record<Exclude<ReadType, 'Patient'>, number[]> };

const clock = (): number => performance.timeOrigin + performance.now();
// Each watched process's main thread: time on a CPU and time waiting for one (lib/sched.ts).
type Scheds = (Sched | undefined)[];
const schedAll = (pids: number[]): Scheds => pids.map(schedOf);
const deltaMs = (a: Scheds, b: Scheds, k: keyof Sched): number[] => a.map((x, i) => schedMs(x, b[i], k));

const sim = await startChild<SimInfo>('servers/sim.ts', { BENCH_EXTRA_PATIENTS: '4000' });
const extraEnv = Object.fromEntries((opt('env') ?? '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const deployed = await startDeployedFacade(sim.info.url, { BENCH_TIMELINE: '1', ...(opt('dist') && { BENCH_FACADE_DIST: opt('dist')! }), ...extraEnv }, (opt('node') ?? '').split(',').filter(Boolean));
const { facade, headers } = deployed;
const pass = await startChild<{ base: string }>('servers/pass-through.ts', { BENCH_SIM_URL: sim.info.url });
const origin = new URL(sim.info.url).origin;
// Which processes' main threads are watched: facade, simulator, this tool, pass-through.
const pids = [facade.proc.pid!, sim.proc.pid!, process.pid, pass.proc.pid!];

// Benchmark 6's reads: copies 1,600–1,999 of the clinic's patients, every readable record of the others.
const copies = sim.info.ids.filter((id) => id >= 100_000);
const candidates: Record<ReadType, string[]> = {
  Patient: copies.slice(1600, 2000).map((id) => `/Patient/${id}`),
  ...Object.fromEntries((Object.keys(sim.info.records) as Exclude<ReadType, 'Patient'>[]).map((t) => [t, sim.info.records[t].map((id) => `/${t}/${id}`)])) as Record<Exclude<ReadType, 'Patient'>, string[]>,
};
const FEED_CALL = /<(?:[\w-]+:)?(?:getActiveDemographicsAfter|get\w*UpdatedAfterDate|get\w*UpdateAfterDate)[\s/>]/;
const ownCalls = (calls: CapturedCall[]): CapturedCall[] => calls.filter((c) => !(c.body && FEED_CALL.test(c.body)));

async function facadeRun(path: string): Promise<{ status: number; t0: number; t1: number; calls: CapturedCall[]; feed: boolean }> {
  await sim.rpc('capture', true);
  const t0 = clock();
  const status = await exchange({ method: 'GET', url: `${facade.info.base}${path}`, headers });
  const t1 = clock();
  const all = await sim.rpc<CapturedCall[]>('captured');
  await sim.rpc('capture', false);
  const calls = ownCalls(all);
  return { status, t0, t1, calls, feed: calls.length !== all.length };
}

// Warm-up as benchmark 6's: its reads over other ids (the last of each candidate list), its
// pages and $everything, mixed, each replayed too; then the cache cleared.
const pageIds = copies.slice(2000, 4000);
const warmQueues: string[][] = [
  ...types.map((t) => Array.from({ length: warm }, (_, k) => candidates[t][candidates[t].length - 1 - (k % candidates[t].length)]!)),
  Array.from({ length: warmPages }, (_, k) => `/Patient?_id=${pageIds.slice(k * 50, k * 50 + 50).join(',')}&_count=50`),
  Array.from({ length: warmPages }, (_, k) => `/Patient/${sim.info.ids[1 + (k % 299)]}/$everything`),
];
for (let k = 0; warmQueues.some((q) => k < q.length); k++) {
  for (const q of warmQueues) if (k < q.length) await replay(origin, (await facadeRun(q[k]!)).calls);
}
await facade.rpc('clear');
await facade.rpc('timeline');

interface Row {
  type: ReadType; path: string; calls: number; facadeMs: number; rawMs: number; passMs: number; added: number; passAdded: number;
  /** Client → facade's request start; facade's finish → client has the body. */
  inbound: number; outbound: number;
  /** Facade: request start → first OSCAR send; first send → last answer; last answer → finish. */
  pre: number; oscar: number; post: number;
  /** Facade: a call's answer → the next call sent, summed over calls made one after the other (a read that needs the first answer to make its second call). */
  between: number;
  /** The simulator's busy time for the calls (union of arrived→answered), facade's run and replay. */
  simFacade: number; simRaw: number;
  /** The first call's arrival at the simulator → the second's (0 for one call), facade's run and replay. */
  spread: number; spreadRaw: number;
  /** Collector pauses inside the facade's request (ms, count, kinds: 1 scavenge, 2 mark-compact, 4 incremental, 8 weak callbacks). */
  gcMs: number; gcKinds: string;
  /** Main threads (ms): facade on-CPU and waiting for a CPU in the facade's window; simulator's and this tool's wait in the facade's window and in the replay's. */
  facadeCpu: number; facadeWait: number; simWait: number; simWaitRaw: number; toolWait: number; toolWaitRaw: number; passWait: number;
  feed: boolean;
}

const union = (xs: [number, number][]): number => {
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of xs.sort((p, q) => p[0] - q[0])) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
};
const simBusy = (calls: CapturedCall[]): number => union(calls.map((c) => [c.arrived, c.answered]));
const together = (calls: CapturedCall[]): number => {
  const at = calls.map((c) => c.arrived).sort((a, b) => a - b);
  return at.length > 1 ? at[1]! - at[0]! : 0;
};
async function measure(type: ReadType, path: string, k: number): Promise<Row | undefined> {
  const s0 = schedAll(pids);
  const f = await facadeRun(path);
  const s1 = schedAll(pids);
  const all = await facade.rpc<Event[]>('timeline');
  pauses.push(...all.filter((e) => e.what === 'gc'));
  const events = all.filter((e) => e.at + (e.ms ?? 0) >= f.t0 && e.at <= f.t1);
  const runRaw = async (): Promise<{ ms: number; ok: boolean; sim: number; spread: number; s: [Scheds, Scheds] }> => {
    await sim.rpc('capture', true);
    const a = schedAll(pids);
    const r = await replay(origin, f.calls);
    const b = schedAll(pids);
    const seen = ownCalls(await sim.rpc<CapturedCall[]>('captured'));
    await sim.rpc('capture', false);
    return { ms: r.ms, ok: r.statuses.every((s) => s === 200), sim: simBusy(seen), spread: together(seen), s: [a, b] };
  };
  const runPass = async (): Promise<{ ms: number; ok: boolean; wait: number }> => {
    await pass.rpc('calls', { calls: f.calls });
    const a = schedAll(pids);
    const t = performance.now();
    const status = await exchange({ method: 'GET', url: `${pass.info.base}/x`, headers });
    const ms = performance.now() - t;
    const b = schedAll(pids);
    return { ms, ok: status === 200, wait: deltaMs(a, b, 'wait')[3]! };
  };
  // Raw and pass-through alternate which goes first, so neither always follows the facade.
  let raw;
  let p;
  if (k % 2 === 0) { raw = await runRaw(); p = await runPass(); } else { p = await runPass(); raw = await runRaw(); }
  if (f.status !== 200 || !raw.ok || !p.ok || f.calls.length === 0) return undefined;
  const at = (what: string): number[] => events.filter((e) => e.what === what).map((e) => e.at);
  const request = at('request')[0] ?? f.t0;
  const finish = at('end').at(-1) ?? f.t1;
  const sends = at('send');
  const answers = at('answer');
  const firstSend = sends[0] ?? request;
  const lastAnswer = answers.at(-1) ?? firstSend;
  const gcs = events.filter((e) => e.what === 'gc' && e.at + e.ms! >= request && e.at <= finish);
  const wait = deltaMs(s0, s1, 'wait');
  const waitRaw = deltaMs(raw.s[0], raw.s[1], 'wait');
  const facadeMs = f.t1 - f.t0;
  return {
    type, path, calls: f.calls.length, facadeMs, rawMs: raw.ms, passMs: p.ms, added: facadeMs - raw.ms, passAdded: p.ms - raw.ms,
    inbound: request - f.t0, outbound: f.t1 - finish, pre: firstSend - request, between: sends.slice(1).reduce((sum, t) => { const before = answers.filter((a) => a <= t).at(-1); return before === undefined ? sum : sum + t - before; }, 0), oscar: lastAnswer - firstSend, post: finish - lastAnswer,
    simFacade: simBusy(f.calls), simRaw: raw.sim, spread: together(f.calls), spreadRaw: raw.spread,
    gcMs: gcs.reduce((a, e) => a + e.ms!, 0), gcKinds: gcs.map((e) => `${e.kind}:${e.ms!.toFixed(2)}`).join(' '),
    facadeCpu: deltaMs(s0, s1, 'run')[0]!, facadeWait: wait[0]!, simWait: wait[1]!, simWaitRaw: waitRaw[1]!, toolWait: wait[2]!, toolWaitRaw: waitRaw[2]!, passWait: p.wait,
    feed: f.feed,
  };
}

const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN; };
const med = (xs: number[]): number => pct(xs, 50);
const f2 = (x: number): string => x.toFixed(2);
const rows: Row[] = [];
// Every collector pause of the facade while a type was measured, in a request or between two.
let pauses: Event[] = [];
process.stdout.write(`reads one at a time after ${warm} warm-up reads of each type and ${warmPages} pages and $everything; load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}\n`);
for (const type of types) {
  await facade.rpc('clear');
  const list = candidates[type];
  const mine: Row[] = [];
  // The first read of a type after the cache was cleared loads what every read shares: not measured.
  await facadeRun(list[0]!);
  await facade.rpc('timeline');
  pauses = [];
  if (opt('profile')) await facade.rpc('profile-start');
  for (let i = 1; i < list.length && mine.length < n; i++) {
    const r = await measure(type, list[i]!, i);
    if (r) mine.push(r);
  }
  rows.push(...mine);
  const profile = opt('profile') && await facade.rpc<string>('profile-stop', join(opt('profile')!, `read-tail-${type}.cpuprofile`));
  const col = (k: keyof Row): number[] => mine.map((r) => r[k] as number);
  process.stdout.write(`\n${type} read, ${mine.length} × ${f2(med(col('calls')))} calls: facade p50 ${f2(med(col('facadeMs')))} p99 ${f2(pct(col('facadeMs'), 99))} | raw p50 ${f2(med(col('rawMs')))} p99 ${f2(pct(col('rawMs'), 99))} | pass-through p50 ${f2(med(col('passMs')))} p99 ${f2(pct(col('passMs'), 99))}\n`);
  process.stdout.write(`  added p50 ${f2(med(col('added')))} p99 ${f2(pct(col('added'), 99))} | pass-through added p50 ${f2(med(col('passAdded')))} p99 ${f2(pct(col('passAdded'), 99))}\n`);
  process.stdout.write(`  medians (ms): inbound ${f2(med(col('inbound')))}, before the 1st call ${f2(med(col('pre')))}, calls ${f2(med(col('oscar')))} (simulator busy ${f2(med(col('simFacade')))}; replay's ${f2(med(col('simRaw')))}; 2nd call arrived ${f2(med(col('spread')))} after the 1st, replay's ${f2(med(col('spreadRaw')))}), after the last answer ${f2(med(col('post')))}, outbound ${f2(med(col('outbound')))}; between calls ${f2(med(col('between')))}; facade main thread on CPU ${f2(med(col('facadeCpu')))} (p99 ${f2(pct(col('facadeCpu'), 99))}), waiting for a CPU ${f2(med(col('facadeWait')))}\n`);
  const byKind = (kind: number): string => { const ms = pauses.filter((e) => e.kind === kind).map((e) => e.ms!); return `${ms.length} (max ${f2(Math.max(0, ...ms))}, total ${f2(ms.reduce((a, b) => a + b, 0))} ms)`; };
  process.stdout.write(`  facade's collector pauses: scavenges ${byKind(1)}, mark-compacts ${byKind(2)}, other ${pauses.filter((e) => e.kind !== 1 && e.kind !== 2).length}; in ${mine.filter((r) => r.gcMs > 0).length} requests (${f2(mine.reduce((a, r) => a + r.gcMs, 0))} ms), the rest between requests\n`);
  if (profile) process.stdout.write(`  CPU profile of the facade: ${profile}\n`);
  // The slowest 2 % by added time, each against the type's medians.
  const tail = [...mine].sort((a, b) => b.added - a.added).slice(0, Math.max(1, Math.ceil(mine.length / 50)));
  const m = (k: keyof Row): number => med(col(k));
  process.stdout.write('  slowest 2 % by added time (ms; Δ = over the type\'s median):\n');
  for (const r of tail) {
    process.stdout.write(`    ${r.path.padEnd(28)} added ${f2(r.added)} (pass-through ${f2(r.passAdded)}) facade ${f2(r.facadeMs)} raw ${f2(r.rawMs)} | Δ inbound ${f2(r.inbound - m('inbound'))} pre ${f2(r.pre - m('pre'))} calls ${f2(r.oscar - m('oscar'))} (sim Δ ${f2(r.simFacade - r.simRaw)}) post ${f2(r.post - m('post'))} outbound ${f2(r.outbound - m('outbound'))}`
      + ` | facade CPU Δ ${f2(r.facadeCpu - m('facadeCpu'))}, waited for CPU: facade ${f2(r.facadeWait)} sim ${f2(r.simWait)} (replay ${f2(r.simWaitRaw)}) tool ${f2(r.toolWait)} (replay ${f2(r.toolWaitRaw)}) | GC ${f2(r.gcMs)}${r.gcKinds ? ` [${r.gcKinds}]` : ''}${r.feed ? ' | change-feed poll in the window' : ''}\n`);
  }
}
// Every type's slowest 2 %, their time over their type's median added time put down to causes.
// Each part is that request's figure over its type's median (the replay's own figure for the
// simulator and this tool), so the parts can overlap a little and need not sum exactly.
const parts = { excess: 0, facadeWait: 0, facadeCpu: 0, gc: 0, sim: 0, tool: 0 };
let tails = 0;
for (const type of types) {
  const mine = rows.filter((r) => r.type === type);
  const m = (k: keyof Row): number => med(mine.map((r) => r[k] as number));
  for (const r of [...mine].sort((a, b) => b.added - a.added).slice(0, Math.max(1, Math.ceil(mine.length / 50)))) {
    tails++;
    parts.excess += r.added - m('added');
    parts.facadeWait += r.facadeWait - m('facadeWait');
    parts.gc += r.gcMs;
    parts.facadeCpu += r.facadeCpu - m('facadeCpu') - r.gcMs;
    parts.sim += (r.simFacade - r.simRaw) - (m('simFacade') - m('simRaw'));
    parts.tool += r.toolWait - r.toolWaitRaw;
  }
}
const explained = parts.facadeWait + parts.facadeCpu + parts.gc + parts.sim + parts.tool;
process.stdout.write(`
the ${tails} slowest reads (2 % of each type) added ${f2(parts.excess / tails)} ms over their type's median on average:`
  + ` facade's main thread waiting for a CPU ${f2(parts.facadeWait / tails)}, its own CPU beyond the median ${f2(parts.facadeCpu / tails)} and GC pauses ${f2(parts.gc / tails)},`
  + ` the simulator's time beyond the replay's ${f2(parts.sim / tails)}, this client waiting for a CPU beyond the replay's ${f2(parts.tool / tails)}; not put down to these ${f2((parts.excess - explained) / tails)}\n`);
if (opt('rows')) writeFileSync(opt('rows')!, JSON.stringify(rows));
await pass.stop();
await deployed.stop();
await sim.stop();
