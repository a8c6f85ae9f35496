// In-process A/B of Bulk Data export lines (src/bulk/lines.ts resourceLine): the resources of a
// simulated clinic's whole export (all five types), each turned into its line by two builds in one
// process, alternating round by round. bench/export.ts runs a whole export across processes and
// has no A/B; this isolates the line (validation, canonical text, stamp, JSON) from OSCAR and disk.
//   npm run build && npx node --import tsx bench/export-lines.ts [rounds] [--ab=dist-base] [--ab-first] [--patients=N]
// Cases of the build under test (dist/): `cold` a fresh memo each round (first sight: every line
// checked, each filling free room), `warm` the memo holding the clinic (a second export, or records
// the API served), `full` a memo full of other content (every line checked, none remembered).
// The older build (--ab) has one case: every line checked and written with JSON.stringify.
// Reports µs per resource, min and median over rounds, and the memo's churn: of 16,384 entries
// filled by "reads", how many an export of the clinic leaves, inserting with add (evicting) or
// addIfRoom (free room only).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import type { Resource } from 'fhir/r4.js';
import { startStack } from '../test/helpers/stack.js';
import { kickOff, manifestOf } from '../test/bulk/export-helpers.js';

const args = process.argv.slice(2);
const opt = (k: string): string | undefined => args.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 20);
const patients = Number(opt('patients') ?? 300);
const ab = opt('ab');

type Line = (r: Resource, mode: 'strict' | 'sanitize', onInvalid?: unknown, elements?: unknown, check?: { memo?: unknown }) => string | undefined;
interface Memo { has(d: string, m: string): boolean; add(d: string, m: string): void; addIfRoom(d: string, m: string): void; clear(): void; size: number; maxEntries: number }
const load = async (dir: string, m: string): Promise<unknown> => import(pathToFileURL(resolve(dir, m)).href);

// The clinic's resources, collected in a child process: its stack runs from src/, whose validators
// would be another build's in this process (one generated module per process, loader.ts).
const collect = opt('collect');
if (collect) {
  const stack = await startStack({ sim: { patients, seed: 5 }, env: { BULK_MIN_POLL_MS: '0' } });
  const m = await manifestOf(await kickOff(stack, '/Patient/$export?_type=Patient,Immunization,AllergyIntolerance,Appointment,DocumentReference'));
  const out: Resource[] = [];
  for (const o of m.output) {
    for (const l of (await (await fetch(o.url)).text()).split('\n').filter(Boolean)) {
      const r = JSON.parse(l) as Resource;
      // As a source maps it: no version id yet.
      if (r.meta) delete r.meta.versionId;
      out.push(r);
    }
  }
  await stack.close();
  writeFileSync(collect, JSON.stringify(out));
  process.exit(0);
}
const file = join(mkdtempSync(join(tmpdir(), 'export-lines-')), 'resources.json');
execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), `--patients=${patients}`, `--collect=${file}`], { stdio: 'inherit' });
const resources = JSON.parse(readFileSync(file, 'utf8')) as Resource[];
rmSync(dirname(file), { recursive: true });
const byType = resources.reduce<Record<string, number>>((a, r) => ({ ...a, [r.resourceType]: (a[r.resourceType] ?? 0) + 1 }), {});
console.log(`${resources.length} resources (${Object.entries(byType).map(([k, v]) => `${k} ${v}`).join(', ')}), ${rounds} rounds`);

const cur = await load('dist', 'bulk/lines.js') as { resourceLine: Line };
const { CleanMemo } = await load('dist', 'validation/outgoing-memo.js') as { CleanMemo: new (sets?: number) => Memo };
const base = ab ? await load(ab, 'bulk/lines.js') as { resourceLine: Line } : undefined;

const coldMemo = new CleanMemo();
const warmMemo = new CleanMemo();
const fullMemo = new CleanMemo();
// Full of other content: every set's two entries taken.
{ const { createHash } = await import('node:crypto'); for (let i = 0; fullMemo.size < fullMemo.maxEntries && i < 10 * fullMemo.maxEntries; i++) fullMemo.add(createHash('sha256').update(String(i)).digest('hex'), '{"versionId":"x"}'); }
for (const r of resources) cur.resourceLine(r, 'sanitize', undefined, undefined, { memo: warmMemo });

const cases: [string, () => void][] = [
  ['cold', () => { coldMemo.clear(); for (const r of resources) cur.resourceLine(r, 'sanitize', undefined, undefined, { memo: coldMemo }); }],
  ['warm', () => { for (const r of resources) cur.resourceLine(r, 'sanitize', undefined, undefined, { memo: warmMemo }); }],
  ['full', () => { for (const r of resources) cur.resourceLine(r, 'sanitize', undefined, undefined, { memo: fullMemo }); }],
];
if (base) {
  const c: [string, () => void] = ['base', () => { for (const r of resources) base.resourceLine(r, 'sanitize'); }];
  if (args.includes('--ab-first')) cases.unshift(c); else cases.push(c);
}
const times: Record<string, number[]> = Object.fromEntries(cases.map(([k]) => [k, []]));
for (let i = 0; i < 3; i++) for (const [, f] of cases) f();
for (let i = 0; i < rounds; i++) {
  for (const [k, f] of cases) {
    const t = process.cpuUsage();
    f();
    const d = process.cpuUsage(t);
    times[k]!.push((d.user + d.system) / resources.length);
  }
}
const med = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
for (const [k] of cases) console.log(`${k.padEnd(5)} µs CPU per resource: min ${Math.min(...times[k]!).toFixed(2)} median ${med(times[k]!).toFixed(2)}`);

// Churn: 16,384 "read" entries, then an export of `n` resources' worth of new content.
const { createHash } = await import('node:crypto');
for (const how of ['add', 'addIfRoom'] as const) {
  const memo = new CleanMemo();
  const reads: string[] = [];
  for (let i = 0; memo.size < memo.maxEntries && i < 1e6; i++) { const d = createHash('sha256').update(`read${i}`).digest('hex'); memo.add(d, '{}'); reads.push(d); }
  const exported = 50_000;
  for (let i = 0; i < exported; i++) memo[how](createHash('sha256').update(`export${i}`).digest('hex'), '{}');
  const left = reads.filter((d) => memo.has(d, '{}')).length;
  console.log(`churn: ${memo.maxEntries} entries filled by reads (${reads.length} inserted), an export of ${exported} inserting with ${how}: ${left} read entries left`);
}
