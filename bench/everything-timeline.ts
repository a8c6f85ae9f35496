// When each OSCAR call of one Patient/$everything starts and ends, relative to the request (the
// simulator in its own process, the facade in this one from dist/): shows waits between calls.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startChild } from './lib/proc.js';

type Product = typeof import('../src/oscar/client.js') & typeof import('../src/app.js') & typeof import('../src/config.js') & typeof import('../src/logging.js') & typeof import('../src/oscar/http-transport.js') & typeof import('../src/fhir/exchange.js');
const dir = process.argv.find((a) => a.startsWith('--dir='))?.slice(6) ?? 'dist';
const url = (m: string): string => pathToFileURL(resolve(import.meta.dirname, '..', dir, `${m}.js`)).href;
const p = Object.assign({}, ...await Promise.all(['oscar/client', 'app', 'config', 'logging', 'oscar/http-transport', 'fhir/exchange'].map((m) => import(url(m))))) as Product;

const sim = await startChild<{ url: string; credentials: never; timezone: string; ids: number[] }>('servers/sim.ts');
let t0 = 0;
let log: { s: number; e: number; op: string }[] = [];
const send = p.HttpTransport.prototype.send;
p.HttpTransport.prototype.send = async function (this: InstanceType<Product['HttpTransport']>, x) {
  const s = performance.now() - t0;
  // The answer's end: when the transport says it is in (a build that hands the slot on there calls
  // the next call's send before this send's promise settles), else when the promise settles.
  let e: number | undefined;
  const answered = x.answered;
  const r = await send.call(this, { ...x, answered: () => { e ??= performance.now() - t0; answered?.(); } });
  log.push({ s, e: e ?? performance.now() - t0, op: x.operation });
  return r;
};
// When each client method was entered (after the cache), to tell the facade's own wait before a call from the guard's.
const entered: { t: number; op: string }[] = [];
const proto = p.OscarClient.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
for (const name of Object.getOwnPropertyNames(proto)) {
  if (!/^(soap|rest)/.test(name)) continue;
  const f = proto[name]!;
  proto[name] = function (this: unknown, ...a: unknown[]) { entered.push({ t: performance.now() - t0, op: name }); return f.apply(this, a); };
}
const config = p.loadConfig({
  LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', FHIR_BASE_URL: 'http://127.0.0.1:1/fhir', OSCAR_TIMEZONE: sim.info.timezone,
  CHANGE_POLL_SECONDS: '0', CAPABILITY_DISCOVERY: 'false', OSCAR_GZIP: 'false',
});
const facade = p.createFacade(config, p.connectionFromCredentials(sim.info.url, sim.info.credentials), p.createLogger('silent'));
await facade.start();
const ids = sim.info.ids.slice(1, 200);
const stats = { pre: [] as number[], post: [] as number[], render: [] as number[], idle: [] as number[], wall: [] as number[], turn: [] as number[] };
const N = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 150);
for (let i = 0; i < N; i++) {
  const id = ids[i % ids.length]!;
  facade.cache.invalidateAll();
  log = [];
  entered.length = 0;
  t0 = performance.now();
  const path = (process.argv.find((a) => a.startsWith("--path="))?.slice(7) ?? "/Patient/{id}/$everything").replace("{id}", String(id));
  const res = await facade.router({ method: "GET", path, query: [], headers: {}, requestId: "r" });
  const routed = performance.now() - t0;
  p.renderBody(res);
  const wall = performance.now() - t0;
  if (i < 50) continue;
  log.sort((a, b) => a.s - b.s);
  // Time with no OSCAR call outstanding, between the first start and the last end.
  let idle = 0;
  let reach = log[0]!.e;
  for (const c of log) { if (c.s > reach) idle += c.s - reach; reach = Math.max(reach, c.e); }
  // A call that started after another's answer came back: how long after the latest such answer
  // (reading it, handing the slot on, preparing this call): the facade's turn-around, per call.
  for (const c of log) {
    const before = log.filter((o) => o.e <= c.s).map((o) => o.e);
    if (before.length) stats.turn.push(c.s - Math.max(...before));
  }
  stats.pre.push(log[0]!.s); stats.post.push(wall - reach); stats.render.push(wall - routed); stats.idle.push(idle); stats.wall.push(wall);
  if (i >= N - 2) process.stdout.write(`Patient/${id}/$everything ${res.status} in ${wall.toFixed(2)} ms\n${log.map((c) => `${c.s.toFixed(2).padStart(7)} → ${c.e.toFixed(2).padStart(7)}  ${c.op}`).join('\n')}\nentered: ${entered.map((e) => `${e.t.toFixed(2)} ${e.op}`).join(', ')}\n\n`);
}
const med = (xs: number[]): string => [...xs].sort((a, b) => a - b)[xs.length >> 1]!.toFixed(2);
process.stdout.write(`medians over ${stats.wall.length}: wall ${med(stats.wall)} ms; before the first call ${med(stats.pre)}; no call outstanding in between ${med(stats.idle)}; after the last answer ${med(stats.post)} (of which the body's bytes ${med(stats.render)}); turn-around of a call that waited ${med(stats.turn)} (${stats.turn.length} calls)\n`);
await facade.close(0);
await sim.stop();
