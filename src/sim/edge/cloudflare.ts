// A Cloudflare WAF in front of the instance, as on WELL/KAI-hosted OSCAR Pro (`*.kai-oscar.com`,
// variants §5 "OSCAR Pro", B5). The published trigger is `Content-Type: text/xml` together with
// a `<soapenv:Envelope>` body, so only requests carrying both are blocked: a `?wsdl` GET has
// neither and passes (variants §7.2 step 1 expects the WAF may inspect only POST bodies). A path
// outside the context path also gets Cloudflare's 403 (the `/ws/services` observation there).
import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler } from 'express';

/** A Cloudflare Ray ID: 16 hex digits, a dash, the answering data centre. */
function rayId(): string {
  return `${randomBytes(8).toString('hex')}-YYZ`;
}

/** The block page: Cloudflare's title, headline and Ray ID footer (the styling is left out). */
export function blockPage(ray: string, host: string): string {
  return '<!DOCTYPE html><html lang="en-US"><head><title>Attention Required! | Cloudflare</title>'
    + '<meta charset="UTF-8" /></head><body><div id="cf-wrapper"><div id="cf-error-details">'
    + '<h1>Sorry, you have been blocked</h1>'
    + `<h2>You are unable to access ${host.replace(/[<>&"]/g, '')}</h2>`
    + '<p>This website is using a security service to protect itself from online attacks. The action you just performed triggered the security solution.</p>'
    + `<p>Cloudflare Ray ID: <strong>${ray}</strong></p></div></div></body></html>`;
}

const SOAP_MEDIA_TYPES = new Set(['text/xml', 'application/soap+xml']);
const ENVELOPE = /<([A-Za-z_][\w.-]*:)?Envelope[\s>/]/;

/** `Content-Type: text/xml` (or the SOAP 1.2 type) with an envelope in the body. */
export function looksLikeSoap(req: Request): boolean {
  const media = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!SOAP_MEDIA_TYPES.has(media)) return false;
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  return ENVELOPE.test(body.subarray(0, 4096).toString('latin1'));
}

/** Middleware (after the body is read) that blocks SOAP calls and paths outside `contextPath`. */
export function soapWaf(contextPath: string): RequestHandler {
  return (req, res, next) => {
    const outside = contextPath !== '' && req.path !== contextPath && !req.path.startsWith(`${contextPath}/`);
    if (!outside && !looksLikeSoap(req)) { next(); return; }
    res.locals.simOperation = 'EDGE cloudflare block';
    const ray = rayId();
    const body = blockPage(ray, req.get('host') ?? '');
    res.writeHead(403, {
      'content-type': 'text/html; charset=UTF-8', 'content-length': String(Buffer.byteLength(body)),
      server: 'cloudflare', 'cf-ray': ray, 'cache-control': 'private, max-age=0, no-store, no-cache, must-revalidate, post-check=0, pre-check=0',
    });
    res.end(body);
  };
}
