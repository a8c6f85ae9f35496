// The SOAP half of the OSCAR simulator: CXF-style JAX-WS endpoints at /ws/<Service>
// (contract 1.7, 4). Mounted by the simulator server at `${contextPath}/ws` after
// `express.raw({ type: () => true })`, so the body arrives as a Buffer. Paths that are not one
// of our services fall through to the next router (REST and OAuth live under /ws too).

import { gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import type { Request, Response } from 'express';
import type { ClinicStore } from '../clinic/store.js';
import type { SimOptions } from '../options.js';
import type { CallContext } from './context.js';
import { clientFault, serverFault, SoapFault } from './faults.js';
import { bindArgs, parseEnvelope } from './parse.js';
import { renderResponse, UnwritableCharError } from './render.js';
import type { ServiceDef, SoapSchema } from './schema.js';
import { authenticate, isSecurityHeader, mustUnderstandCheck, NonceCaches } from './security.js';
import { soapServicesFor } from './services.js';
import { variantProfile } from '../variants.js';
import { ipNotAllowedFault, callerIp } from './ip-allowlist.js';
import { buildWsdl } from './wsdl.js';

const CONTENT_TYPE = 'text/xml;charset=UTF-8';

/** `@GZIP(threshold = 0)`: every response (faults too) is gzipped when the client accepts it (contract 4.1). */
function acceptsGzip(req: Request): boolean {
  const header = req.get('accept-encoding');
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding = '', ...params] = part.trim().split(';').map((s) => s.trim());
    const q = params.find((p) => p.startsWith('q='));
    return ['gzip', 'x-gzip', '*'].includes(coding.toLowerCase()) && (q === undefined || Number(q.slice(2)) > 0);
  });
}

function send(req: Request, res: Response, status: number, xml: string): void {
  let body = Buffer.from(xml, 'utf8');
  res.status(status);
  res.setHeader('Content-Type', CONTENT_TYPE);
  if (acceptsGzip(req)) {
    body = gzipSync(body);
    res.setHeader('Content-Encoding', 'gzip');
  }
  res.setHeader('Content-Length', String(body.length));
  res.end(body);
}

/** The request body as text; CXF also accepts gzip-compressed requests. */
function requestText(req: Request): string {
  let buf = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try { buf = gunzipSync(buf); } catch { throw clientFault('Error reading XMLStreamReader: invalid gzip request body'); }
  }
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(req.get('content-type') ?? '')?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(buf);
  } catch {
    return buf.toString('utf8');
  }
}

/** The endpoint URL as the client reached it (CXF writes it into soap:address). */
function endpointUrl(req: Request): string {
  const path = req.originalUrl.split('?')[0] ?? '';
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${path}`;
}

async function invoke(service: ServiceDef, req: Request, res: Response, deps: SoapDeps): Promise<string> {
  const { store, opts, nonces, schema } = deps;
  const env = parseEnvelope(requestText(req));
  const op = env.body && env.body.ns === schema.ns ? service.operations.find((o) => o.name === env.body?.local) : undefined;
  if (op) res.locals.simOperation = `${service.path}.${op.name}`;
  const ctx: CallContext = { store, opts, schema, tz: store.serverZone, now: store.now(), caller: undefined };
  // Phase order as in CXF: Juno's IP check, then WS-Security (both PRE_PROTOCOL, in that order on
  // every Juno endpoint, Login and SystemInfo included: variants B8), operation dispatch and
  // unmarshalling (UNMARSHAL), then the deferred mustUnderstand check (PRE_INVOKE), then the call.
  if (opts.ipAllowlist === 'deny') throw ipNotAllowedFault(callerIp(req));
  if (service.secured) ctx.caller = await authenticate(env.headers, { store, nonces, endpoint: service.path, now: ctx.now });
  if (!env.body) throw clientFault('No binding operation info while invoking unknown method with params unknown.');
  if (!op) {
    const qname = env.body.ns ? `{${env.body.ns}}${env.body.local}` : env.body.local;
    throw clientFault(`Message part ${qname} was not recognized.  (Does it exist in service WSDL?)`);
  }
  const args = bindArgs(op, env.body, ctx.tz, schema);
  const notUnderstood = mustUnderstandCheck(env.headers, (h) => service.secured && isSecurityHeader(h));
  if (notUnderstood) throw notUnderstood;
  store.beforeSoapOperation?.(`${service.path}.${op.name}`);
  const result = await op.handler(args, ctx);
  return renderResponse(op, result, ctx.tz, schema);
}

function asFault(e: unknown): SoapFault {
  if (e instanceof SoapFault) return e;
  if (e instanceof UnwritableCharError) return serverFault(e.message);
  // An unexpected simulator error still answers the way CXF answers any RuntimeException.
  return serverFault(e instanceof Error && e.message ? e.message : 'Fault occurred while processing.');
}

interface SoapDeps { store: ClinicStore; opts: SimOptions; nonces: NonceCaches; schema: SoapSchema }

/** Express router serving `/<Service>` (POST = SOAP call, `GET ?wsdl` = WSDL) for every service of the variant. */
export function createSoapRouter(store: ClinicStore, opts: SimOptions): express.Router {
  const router = express.Router();
  const profile = variantProfile(opts.variant);
  const services = new Map(soapServicesFor(profile).map((s) => [s.path, s]));
  const deps: SoapDeps = { store, opts, nonces: new NonceCaches(), schema: profile.soap };

  router.all('/:service', async (req, res, next) => {
    const service = services.get(String(req.params.service));
    if (!service) { next(); return; }
    const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
    if (req.method === 'GET' && [...query.keys()].some((k) => k.toLowerCase() === 'wsdl')) {
      res.locals.simOperation = `${service.path}.wsdl`;
      res.status(200).setHeader('Content-Type', CONTENT_TYPE);
      res.end(buildWsdl(service, endpointUrl(req), profile.soap));
      return;
    }
    if (req.method !== 'POST') {
      send(req, res, 500, clientFault('No binding operation info while invoking unknown method with params unknown.').toXml());
      return;
    }
    try {
      send(req, res, 200, await invoke(service, req, res, deps));
    } catch (e) {
      send(req, res, 500, asFault(e).toXml());
    }
  });
  return router;
}
