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
// With `floor` (the facade's answer to the same request), it also does the work no facade can
// leave out, at the least it can cost: each OSCAR answer read by the facade's own SOAP reader as it
// arrives (src/oscar/soap-reply.ts, the WSDL's rules), the FHIR objects of the answer built natively
// (JSON.parse of the facade's answer: no mapper written in JavaScript builds them faster), and
// written out entry by entry (JSON.stringify per entry, as the facade serialises per resource: one
// call over the whole page takes V8's slow path for all of it once one name holds a character
// beyond Latin-1, 0.86 against 0.15 ms for a 50-Patient page) into the bytes it answers. No
// mapping rules, validation, version ids, cache or audit: a floor under any facade's page.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveChild } from '../lib/proc.js';
import { replay, type CapturedCall } from '../lib/replay.js';
import { sizedExchange } from '../lib/sequential.js';
import { readSoapBytes } from '../../src/oscar/soap-reply.js';
import { readSoapSchema, type SoapSchema } from '../../src/oscar/soap-schema.js';

const origin = process.env.BENCH_SIM_URL ? new URL(process.env.BENCH_SIM_URL).origin : '';
/** A JSON body of `bytes` bytes (at least 60); by default about the size of a read's answer (680–1,700 bytes of FHIR JSON). */
function bodyOf(bytes = 1460): Buffer {
  const shell = JSON.stringify({ resourceType: 'Basic', id: 'pass-through', text: '' });
  return Buffer.from(JSON.stringify({ resourceType: 'Basic', id: 'pass-through', text: 'x'.repeat(Math.max(0, bytes - shell.length)) }));
}
let body = bodyOf();
let next: CapturedCall[] = [];
/** The facade's answer to the request, when the floor's work is asked for. */
let floorPage: string | undefined;

// Each SOAP service's reading rules, from its WSDL (fetched before the request is timed).
const schemas = new Map<string, SoapSchema>();
const pathOf = (c: CapturedCall): string => c.url.split('?')[0]!;
const SOAP_OPERATION = /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?([\w-]+)/;
async function loadSchemas(calls: readonly CapturedCall[]): Promise<void> {
  for (const c of calls) {
    const path = pathOf(c);
    if (c.method !== 'POST' || schemas.has(path)) continue;
    const { status, body: wsdl } = await sizedExchange({ method: 'GET', url: `${origin}${path}?wsdl` }, true);
    const schema = status === 200 ? readSoapSchema(wsdl!.toString('utf8')) : undefined;
    if (schema) schemas.set(path, schema);
  }
}
/**
 * Reads a SOAP answer as the facade's reader does (a REST answer: JSON.parse; a WSDL fetched once
 * per service is set-up, not per-request work). A SOAP answer it cannot read fails the request
 * (502): a floor that skipped its work would be a floor too low.
 */
function readAnswer(c: CapturedCall, answer: Buffer): void {
  if (c.method !== 'POST') {
    if (answer[0] === 0x7b || answer[0] === 0x5b) JSON.parse(answer.toString('utf8'));
    return;
  }
  const schema = schemas.get(pathOf(c));
  const operation = c.body && SOAP_OPERATION.exec(c.body)?.[1];
  if (!schema || !operation || !readSoapBytes(answer, schema, operation)) throw new Error(`the floor could not read the answer of ${pathOf(c)}`);
}
/**
 * The facade's answer rebuilt natively and written entry by entry, each entry's text encoded
 * straight into one buffer (as src/fhir/json-bytes.ts writes a page): joining the texts first
 * cost 1.8 ms for this page once two entries held a character beyond Latin-1, 0.06 ms this way.
 */
function floorBytes(page: string): Buffer {
  const { entry, ...head } = JSON.parse(page) as { entry?: unknown[] };
  const start = JSON.stringify(head);
  if (!entry) return Buffer.from(start);
  const pieces = [`${start.slice(0, -1)}${start.length > 2 ? ',' : ''}"entry":[`];
  entry.forEach((e, i) => { if (i > 0) pieces.push(','); pieces.push(JSON.stringify(e)); });
  pieces.push(']}');
  let size = 0;
  for (const p of pieces) size += Buffer.byteLength(p);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const p of pieces) at += out.write(p, at);
  return out;
}

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const page = floorPage;
    replay(origin, next, page === undefined ? undefined : readAnswer).then(({ statuses }) => {
      const out = page === undefined ? body : floorBytes(page);
      res.writeHead(statuses.every((s) => s === 200) ? 200 : 502, { 'content-type': 'application/fhir+json', 'content-length': out.length });
      res.end(out);
    }, (e: unknown) => {
      process.stderr.write(`pass-through: ${(e as Error).message}\n`);
      res.writeHead(502).end();
    });
  });
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
serveChild({ base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, {
  calls: async (arg) => {
    const { calls, bytes, floor } = arg as { calls: CapturedCall[]; bytes?: number; floor?: string };
    next = calls;
    floorPage = floor;
    if (floor !== undefined) await loadSchemas(calls);
    else if (body.length !== (bytes ?? 1460)) body = bodyOf(bytes);
    return true;
  },
});
