// Where the time of a measured window went: a V8 CPU profile's samples grouped by the part of the
// system their frame belongs to, in µs per request (wall time of the main thread while busy). The
// facade runs from dist/ (as deployed) or from src/ (--from-src): both count the same.
import { readFileSync } from 'node:fs';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const AREAS: [string, (fn: string, url: string) => boolean][] = [
  // Profiler.start/stop themselves, posted by the benchmark's rpc: samples of the profiler, not of the facade.
  ['the profiler itself (not the facade)', (_f, u) => u === 'node:inspector' || u === 'node:inspector/promises'],
  ['idle (waiting for the network)', (fn) => fn === '(idle)'],
  ['syscalls and native code (socket writes, reads)', (fn) => ['writev', 'write', 'read', 'epoll_pwait', '(program)'].includes(fn)],
  ['garbage collection', (fn) => fn === '(garbage collector)'],
  ['OSCAR client (src/oscar, soap, sax)', (_f, u) => /node_modules\/(soap|sax|axios|xml-crypto)\/|\/(src|dist)\/oscar\//.test(u)],
  ['cache (src/cache, lru-cache)', (_f, u) => /\/(src|dist)\/cache\/|node_modules\/lru-cache\//.test(u)],
  ['router, mapping, validation, version hash', (_f, u) => /\/(src|dist)\/(fhir|resources|validation)\/|profiles\/generated/.test(u)],
  ['HTTP handler, auth, audit, metrics', (_f, u) => /\/(src|dist)\/(http|auth|metrics|clinics)\/|node_modules\/prom-client\//.test(u)],
  ['Node core (http parser, streams, timers)', (_f, u) => u.startsWith('node:')],
  ['express and other npm packages', (_f, u) => u.includes('/node_modules/')],
  ['the rest of our code (src/ or dist/)', (_f, u) => /\/(src|dist)\//.test(u)],
];

export function summariseProfile(file: string, requests: number): [string, number][] {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const { functionName, url } = byId.get(id)!.callFrame;
    const area = AREAS.find(([, test]) => test(functionName, url))?.[0] ?? 'other';
    totals.set(area, (totals.get(area) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  return [...totals].map(([area, us]): [string, number] => [area, us / Math.max(1, requests)]).sort((a, b) => b[1] - a[1]);
}
