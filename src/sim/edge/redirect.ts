// Redirects a web server in front of OSCAR sends (docs/oscar-redirects.md). OSCAR itself redirects
// no web-service call (contract 1.1: LoginFilter exempts /ws/); its hosts do:
// - 'https': the plain-HTTP port of a host that serves OSCAR over HTTPS only, nginx's
//   `return 301 https://$host$request_uri;` (the Host header's name, its port dropped);
// - 'front-page': a host that sends every path outside OSCAR's context to OSCAR's front page,
//   nginx's `location / { return 302 /oscar/; }` (absolute, as nginx's absolute_redirect writes it),
//   which a facade configured without the context path (`https://host`) meets on every call.
import type { RequestHandler } from 'express';

export type EdgeRedirect = 'none' | 'https' | 'front-page';

const REASONS: Record<number, string> = { 301: 'Moved Permanently', 302: 'Found' };

/** nginx's own page for a `return 30x` (HTTP/1.1, `server_tokens off`). */
export function nginxRedirectPage(status: 301 | 302): string {
  const title = `${status} ${REASONS[status]}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

function send(res: Parameters<RequestHandler>[1], status: 301 | 302, location: string): void {
  const body = nginxRedirectPage(status);
  res.locals.simOperation = `EDGE nginx ${status}`;
  res.writeHead(status, { server: 'nginx', 'content-type': 'text/html', 'content-length': String(Buffer.byteLength(body)), location });
  res.end(body);
}

/** Middleware answering as the host's `redirect` rule says; 'none' passes everything on. */
export function edgeRedirect(redirect: EdgeRedirect, contextPath: string): RequestHandler {
  return (req, res, next) => {
    const host = req.get('host') ?? 'localhost';
    if (redirect === 'https') { send(res, 301, `https://${host.replace(/:\d+$/, '')}${req.originalUrl}`); return; }
    const outside = contextPath !== '' && req.path !== contextPath && !req.path.startsWith(`${contextPath}/`);
    if (redirect === 'front-page' && outside && !req.path.startsWith('/__sim')) { send(res, 302, `http://${host}${contextPath}/`); return; }
    next();
  };
}
