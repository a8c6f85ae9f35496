// A facade CPU profile's busy samples by owner, finer than profile-summary.ts: each sample goes to
// the area of its leaf frame, a native leaf (a builtin, a syscall wrapper: no url) to the area of
// the nearest JavaScript frame that called it, so that a socket write made by Node's HTTP server
// counts as Node's and a JSON.parse made by the SOAP reader as ours. The collector, '(program)'
// (V8 and libuv outside any JavaScript) and idle keep areas of their own. Used for benchmark 6's
// split (bench/results.md, "Benchmark 6's split").
import { readFileSync } from 'node:fs';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number }

const OURS = /\/(?:src|dist)\/([\w-]+)\/(?:([\w-]+)\/)?/;
/** The area of a frame with a url, or undefined for one without (native). */
export function areaOf(fn: string, url: string): string | undefined {
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'V8/libuv outside JavaScript (program)';
  if (fn === '(root)') return 'other';
  if (!url) return undefined;
  // The benchmark's rpcs: serveChild's handlers (bench/), the IPC channel and its JSON.
  if (/\/bench\//.test(url) || /^node:(?:internal\/)?child_process/.test(url) || url === 'node:inspector' || url === 'node:inspector/promises') return "bench's rpcs and profiler";
  if (/^node:(?:_http_server|_http_common|_http_outgoing|_http_incoming|internal\/http)/.test(url) || url === 'node:http') return 'Node HTTP (server, parser, outgoing)';
  if (/^node:(?:_http_client|_http_agent)/.test(url)) return 'Node HTTP client';
  if (/^node:(?:net|internal\/stream_base_commons|internal\/streams|stream|internal\/net)/.test(url)) return 'Node net and streams';
  if (/^node:(?:internal\/)?(?:crypto|buffer)/.test(url)) return 'Node crypto and buffer (called by our hashing and byte writing)';
  if (/^node:internal\/(?:process\/task_queues|async_hooks)/.test(url)) return 'Node ticks and promise jobs (microtasks run there)';
  if (/^node:(?:internal\/)?timers/.test(url)) return 'Node timers';
  if (/^node:(?:internal\/)?fs/.test(url)) return 'Node fs (the audit file)';
  if (url.startsWith('node:')) return 'Node other (events, perf_hooks, diagnostics…)';
  const m = OURS.exec(url);
  if (m && !url.includes('/node_modules/')) {
    const [, dir, sub] = m;
    if (dir === 'http' || dir === 'clinics') return 'ours: HTTP handler (src/http, src/clinics)';
    if (dir === 'routing' || (dir === 'fhir' && (sub === 'router' || /\/fhir\/router\.[jt]s$/.test(url)))) return 'ours: router (src/routing, src/fhir/router)';
    if (dir === 'auth') return 'ours: auth and audit (src/auth)';
    if (dir === 'metrics') return 'ours: metrics (src/metrics)';
    if (dir === 'cache' || dir === 'state') return 'ours: cache (src/cache, src/state)';
    if (dir === 'oscar') return 'ours: OSCAR client and transport (src/oscar)';
    if (dir === 'fhir' || dir === 'resources' || dir === 'validation' || dir === 'time') return 'ours: mapping, validation, version (src/fhir, resources, validation, time)';
    return `ours: src/${dir}`;
  }
  if (url.includes('profiles/generated')) return 'ours: mapping, validation, version (src/fhir, resources, validation, time)';
  if (url.includes('/node_modules/')) return `npm: ${/node_modules\/((?:@[\w.-]+\/)?[\w.-]+)/.exec(url)?.[1] ?? '?'}`;
  return 'other';
}

/**
 * µs per request by area, largest first; the idle area is left out unless `idle`. A sample stands
 * for the time since the one before it (`weigh` 'time'), or, with 'count', for the profile's median
 * interval: a thread the machine took off its CPU is sampled once when it runs again, with the whole
 * stall as its interval (34 ms on one Buffer#indexOf in a loaded run), so counting samples keeps a
 * stall from being charged to the frame it happened in. With `windows`
 * (the requests' [start, end] on CLOCK_MONOTONIC in µs, the clock of V8's samples on Linux), only
 * the samples taken inside one count, and `requests` is their number.
 */
export function profileAreas(file: string, requests: number, idle = false, windows?: [number, number][], weigh: 'time' | 'count' = 'time'): [string, number][] {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, string>();
  const area = (id: number): string => {
    const known = memo.get(id);
    if (known) return known;
    const { functionName, url } = byId.get(id)!.callFrame;
    const own = areaOf(functionName, url);
    const up = parent.get(id);
    const a = own ?? (up === undefined ? 'native (no caller)' : area(up));
    memo.set(id, a);
    return a;
  };
  const totals = new Map<string, number>();
  const spans = windows && [...windows].sort((x, y) => x[0] - y[0]);
  const sorted = [...p.timeDeltas].sort((x, y) => x - y);
  const interval = sorted[sorted.length >> 1] ?? 0;
  let t = p.startTime;
  let w = 0;
  p.samples.forEach((id, i) => {
    t += p.timeDeltas[i] ?? 0;
    if (spans) {
      while (w < spans.length && spans[w]![1] < t) w++;
      if (w >= spans.length || t < spans[w]![0]) return;
    }
    const a = area(id);
    if (a === 'idle' && !idle) return;
    totals.set(a, (totals.get(a) ?? 0) + (weigh === 'count' ? interval : (p.timeDeltas[i] ?? 0)));
  });
  return [...totals].map(([a, us]): [string, number] => [a, us / Math.max(1, requests)]).sort((x, y) => y[1] - x[1]);
}

// npx node --import tsx bench/lib/profile-areas.ts FILE.cpuprofile REQUESTS [FILE.windows.json] [--time]
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))) {
  // With a windows file (FILE.windows.json, written by benchmark 6 beside its profile), only the requests' windows.
  const [file, n, windowsFile] = process.argv.slice(2);
  const windows = windowsFile ? JSON.parse(readFileSync(windowsFile, 'utf8')) as [number, number][] : undefined;
  const rows = profileAreas(file!, windows?.length ?? Number(n ?? 1), false, windows, process.argv.includes('--time') ? 'time' : 'count');
  const busy = rows.reduce((a, [, us]) => a + us, 0);
  for (const [a, us] of rows) process.stdout.write(`${us.toFixed(0).padStart(7)} µs/request ${(100 * us / busy).toFixed(1).padStart(5)} %  ${a}\n`);
  process.stdout.write(`${busy.toFixed(0).padStart(7)} µs/request busy\n`);
}
