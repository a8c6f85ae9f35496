// The transport's own CPU per OSCAR exchange on a kept-alive loopback connection (http-transport.ts):
// sequential GETs and SOAP-sized POSTs to a bare server that answers a fixed response, so the
// timed work is the request head, the write, the read of the answer and the settling. With two
// builds (`--ab=DIR`) their rounds alternate in one process, so a shared machine's load hits both
// alike; min and median microseconds of CPU per exchange over the rounds are printed. Not a test:
// a tool to check that a change to the per-exchange path (the proxy route, docs/proxy.md) costs
// the direct path nothing.
//   npm run build && npx node --import tsx bench/transport-cpu.ts [ROUNDS] [--ab=dist-base] [--ab-first]
//     [--exchanges=N] (per round, default 2000)
import net from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type Build = typeof import('../src/oscar/http-transport.js');

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 30);
const perRound = Number(opt('exchanges') ?? 2000);
const builds = ['dist', ...(opt('ab') ? [opt('ab')!] : [])];
if (args.includes('--ab-first')) builds.reverse();

// A SOAP-sized answer (about the size of one getDemographic reply).
const body = `<soap:Envelope>${'x'.repeat(2000)}</soap:Envelope>`;
const answer = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${body.length}\r\n\r\n${body}`, 'latin1');
// One request at a time per connection: an answer once the head and its Content-Length of body are in.
const server = net.createServer((s) => {
  let pending: Buffer = Buffer.alloc(0);
  s.on('data', (d: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, d]) : d;
    const headEnd = pending.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const declared = /\r\ncontent-length: *(\d+)/i.exec(pending.toString('latin1', 0, headEnd));
    if (pending.length - headEnd - 4 < Number(declared?.[1] ?? 0)) return;
    pending = Buffer.alloc(0);
    s.write(answer);
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;

const load = async (dir: string): Promise<Build> =>
  import(pathToFileURL(resolve(import.meta.dirname, '..', dir, 'oscar/http-transport.js')).href) as Promise<Build>;
const transports = await Promise.all(builds.map(async (dir) => new (await load(dir)).HttpTransport({ gzip: false })));
const getUrl = new URL(`${origin}/oscar/ws/services/demographics/1001`);
const postUrl = new URL(`${origin}/oscar/ws/DemographicService`);
const envelope = `<soap:Envelope><soap:Body>${'y'.repeat(800)}</soap:Body></soap:Envelope>`;

async function round(t: InstanceType<Build['HttpTransport']>): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < perRound; i++) {
    if (i % 2 === 0) await t.send({ method: 'GET', url: getUrl, headers: { Accept: 'application/json', Authorization: 'OAuth x' }, timeoutMs: 5_000, operation: 'bench' });
    else await t.send({ method: 'POST', url: postUrl, headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '""' }, body: envelope, timeoutMs: 5_000, operation: 'bench' });
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / perRound;
}

for (const t of transports) for (let i = 0; i < 3; i++) await round(t); // warm-up
const results = builds.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  for (let b = 0; b < transports.length; b++) results[b]!.push(await round(transports[b]!));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (let b = 0; b < builds.length; b++) {
  const xs = results[b]!;
  console.log(`${builds[b]!.padEnd(12)} µs CPU per exchange (client and server in this process): min ${Math.min(...xs).toFixed(1)}  median ${median(xs).toFixed(1)}  (${rounds} rounds of ${perRound})`);
}
for (const t of transports) t.close();
server.close();
