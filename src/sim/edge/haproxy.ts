// OpenOSP's shared HAProxy front end: since 2025-03-20 it carries `acl is_put_method method PUT`
// and `http-request deny if is_put_method` (variants §5 "OpenOSP", B4), so every PUT — REST
// patient update included — is refused at the edge and never reaches Tomcat.
import type { RequestHandler } from 'express';

/**
 * HAProxy's built-in 403 error message, byte for byte as HAProxy 2.x writes it (93 bytes,
 * `cache-control: no-cache`, `content-type: text/html`, connection closed after it).
 */
export const HAPROXY_403_BODY = '<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n';

/** Middleware that answers every PUT with HAProxy's deny page. */
export function denyPut(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'PUT') { next(); return; }
    res.locals.simOperation = 'EDGE haproxy deny PUT';
    res.writeHead(403, { 'content-length': String(Buffer.byteLength(HAPROXY_403_BODY)), 'cache-control': 'no-cache', 'content-type': 'text/html', connection: 'close' });
    res.end(HAPROXY_403_BODY);
  };
}
