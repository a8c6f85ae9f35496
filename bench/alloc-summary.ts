// Where a measured window allocated: a sampling heap profile (the facade's 'alloc-start' /
// 'alloc-stop' rpcs, e.g. bench/page-http.ts --alloc=FILE) summed per allocating function, in
// bytes per request, with the file it belongs to. Collected objects are counted too (the profile
// keeps them), so the total is what the collector had to deal with, not what stayed.
//   npx node --import tsx bench/alloc-summary.ts FILE REQUESTS [--top=40] [--stacks]
//     --stacks: by the nearest frame of our own code (src/ or dist/) on the stack instead
import { readFileSync } from 'node:fs';

interface Node { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: Node[] }

const args = process.argv.slice(2);
const [file, requests] = [args[0]!, Number(args[1] ?? 1)];
const top = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 40);
const ours = args.includes('--stacks');
const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: Node };
const where = (n: Node): string => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(dist|src|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
const ownCode = (n: Node): boolean => /\/(src|dist)\//.test(n.callFrame.url) && !n.callFrame.url.includes('/node_modules/');
const totals = new Map<string, number>();
let all = 0;
const walk = (n: Node, site: string | undefined): void => {
  const mine = ours ? (ownCode(n) ? where(n) : site) : where(n);
  if (n.selfSize) {
    const key = mine ?? '(no frame of ours)';
    totals.set(key, (totals.get(key) ?? 0) + n.selfSize);
    all += n.selfSize;
  }
  for (const c of n.children) walk(c, mine);
};
walk(head, undefined);
process.stdout.write(`${(all / requests / 1024).toFixed(1)} kB sampled per request over ${requests} requests\n`);
for (const [k, b] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${(b / requests).toFixed(0).padStart(8)} B  ${k}\n`);
