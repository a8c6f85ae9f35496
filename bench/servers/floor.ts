// The floor: a bare node:http server answering every request with the same bytes and headers the
// facade sends for a cache hit. Nothing can serve this answer faster on this machine with Node.
//   argv: a JSON file { body: base64, headers: {…} }
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { processStats, serveChild } from '../lib/proc.js';

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { body: string; headers: Record<string, string> };
const body = Buffer.from(spec.body, 'base64');
const headers = { ...spec.headers, 'content-length': body.length };
// FLOOR_LIMITS=1: the connection limits the facade's server runs with by default (src/http/server.ts,
// README "Operations"): an idle timer per socket, refreshed on every read and write, and the
// header and request deadlines checked every 1 s. What a bare server pays for them alone.
const limits = process.env.FLOOR_LIMITS === '1';
const server = createServer(limits ? { connectionsCheckingInterval: 1_000 } : {}, (_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 65_000;
if (limits) {
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  server.timeout = 120_000;
}
server.listen(0, '127.0.0.1', () => {
  serveChild({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, { process: () => processStats() });
});
