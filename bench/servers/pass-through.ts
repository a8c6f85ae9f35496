// The control beside the facade in benchmark 6's reads: a bare node:http server in a process of
// its own that, for each request, makes the OSCAR calls it was handed (rpc 'calls': the calls the
// simulator saw while the facade answered the same FHIR request) through the same raw client
// (lib/replay.ts: same bytes, same order and concurrency, keep-alive) and answers with a fixed
// body. It does no FHIR work at all, so its time over the raw client alone is what one more
// process in the middle (a socket hop each way, another event loop to be scheduled on this
// machine's cores) costs here; the facade's added time minus this is the facade's own.
// The body is as long as the facade's answer to the same request when the rpc says how long that
// was (`bytes`): writing 90 kB of a search page to a loopback socket and the client reading it cost
// CPU on both sides that the raw client never spends, and that is the hop's, not the facade's work.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveChild } from '../lib/proc.js';
import { replay, type CapturedCall } from '../lib/replay.js';

const origin = process.env.BENCH_SIM_URL ? new URL(process.env.BENCH_SIM_URL).origin : '';
/** A JSON body of `bytes` bytes (at least 60); by default about the size of a read's answer (680–1,700 bytes of FHIR JSON). */
function bodyOf(bytes = 1460): Buffer {
  const shell = JSON.stringify({ resourceType: 'Basic', id: 'pass-through', text: '' });
  return Buffer.from(JSON.stringify({ resourceType: 'Basic', id: 'pass-through', text: 'x'.repeat(Math.max(0, bytes - shell.length)) }));
}
let body = bodyOf();
let next: CapturedCall[] = [];

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    replay(origin, next).then(({ statuses }) => {
      res.writeHead(statuses.every((s) => s === 200) ? 200 : 502, { 'content-type': 'application/fhir+json', 'content-length': body.length });
      res.end(body);
    }, () => { res.writeHead(502).end(); });
  });
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
serveChild({ base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, {
  calls: (arg) => {
    const { calls, bytes } = arg as { calls: CapturedCall[]; bytes?: number };
    next = calls;
    if (body.length !== (bytes ?? 1460)) body = bodyOf(bytes);
    return true;
  },
});
