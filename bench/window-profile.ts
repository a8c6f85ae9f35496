// A CPU profile's samples told apart by stage: the stage bounds of each measured request
// (bench/miss-cpu.ts --windows=FILE, monotonic µs: start, 1st OSCAR send, last answer, res.end
// returned, done) select the samples that fell inside that stage of some request; they are summed
// by function, self time and inclusive (a function counted once per sample however deep it
// recurs), per request. Not a test: a tool to see what runs before the first OSCAR send, and
// after the last answer, without the rest of a profile (set-up, the benchmark's own loop).
//   npx node --cpu-prof --cpu-prof-dir=D --cpu-prof-interval=50 --import tsx bench/miss-cpu.ts dist --case=read --windows=W
//   npx node --import tsx bench/window-profile.ts D/<file>.cpuprofile W [pre|wait|post|after] [N] [filter]
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const [file, windowsFile, stage = 'pre', top = '40', filter = ''] = process.argv.slice(2);
if (!file || !windowsFile) throw new Error('give a .cpuprofile and the windows file');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number };
const windows = JSON.parse(readFileSync(windowsFile, 'utf8')) as number[][];
const bound = { pre: [0, 1], wait: [1, 2], post: [2, 3], after: [3, 4] }[stage];
if (!bound) throw new Error(`stage is one of pre, wait, post, after: ${stage}`);
// Stage intervals in start order (requests run one at a time, so they do not overlap).
const spans = windows.map((w) => [w[bound[0]!]!, w[bound[1]!]!] as const).filter(([a, b]) => a > 0 && b >= a).sort((x, y) => x[0] - y[0]);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n: Node): string => `${n.callFrame.functionName || '(anon)'} ${(n.callFrame.url || '(native)').replace(/.*\/(dist|src|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
const self = new Map<string, number>();
const incl = new Map<string, number>();
let t = profile.startTime;
let s = 0;
let inside = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i]!;
  // A sample stands for the time since the one before it: counted when it was taken inside a span.
  while (s < spans.length && spans[s]![1] < t) s++;
  if (s >= spans.length) break;
  if (t < spans[s]![0]) continue;
  const dt = profile.timeDeltas[i]!;
  inside += dt;
  let id: number | undefined = profile.samples[i]!;
  const leaf = name(byId.get(id)!);
  self.set(leaf, (self.get(leaf) ?? 0) + dt);
  const seen = new Set<string>();
  while (id !== undefined) {
    const k = name(byId.get(id)!);
    if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + dt); }
    id = parent.get(id);
  }
}
const per = (us: number): string => (us / spans.length).toFixed(1).padStart(8);
process.stdout.write(`${stage}: ${spans.length} requests, ${per(inside)} µs of samples per request (profiling slows what it samples)\n--- self\n`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) process.stdout.write(`${per(v)} ${k}\n`);
process.stdout.write('--- inclusive\n');
for (const [k, v] of [...incl].filter(([k]) => !filter || k.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, Number(top))) process.stdout.write(`${per(v)} ${k}\n`);
