// Where the time of a measured window went: a V8 CPU profile's samples grouped by the part of the
// system their frame belongs to, in µs per request (wall time of the main thread while busy).
import { readFileSync } from 'node:fs';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const AREAS: [string, (fn: string, url: string) => boolean][] = [
  ['idle (waiting for the network)', (fn) => fn === '(idle)'],
  ['syscalls and native code (socket writes, reads)', (fn) => ['writev', 'write', 'read', 'epoll_pwait', '(program)'].includes(fn)],
  ['garbage collection', (fn) => fn === '(garbage collector)'],
  ['OSCAR client (src/oscar, soap, sax)', (_f, u) => /node_modules\/(soap|sax|axios|xml-crypto)\/|\/src\/oscar\//.test(u)],
  ['cache (src/cache, lru-cache)', (_f, u) => /\/src\/cache\/|node_modules\/lru-cache\//.test(u)],
  ['router, mapping, validation, version hash', (_f, u) => /\/src\/(fhir|resources|validation)\/|profiles\/generated/.test(u)],
  ['HTTP handler, auth, audit, metrics', (_f, u) => /\/src\/(http|auth|metrics)\/|node_modules\/prom-client\//.test(u)],
  ['Node core (http parser, streams, timers)', (_f, u) => u.startsWith('node:')],
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
