// What reaches oidc-provider's authorization endpoint, made SMART (smart §1.2, §2.4 items 1 and 8).
//
// POST (authorize-post): oidc-provider 9 accepts a POSTed authorization request only with its
// session cookie on SameSite=None, which browsers take only with Secure, i.e. over https; and a
// POSTed request would lose offline_access (below). So a form POST is answered with a 303 to the
// same request as a GET: the browser follows it as a top-level navigation, which carries
// SameSite=Lax cookies over http and https alike, and every rule of the GET path applies. The
// parameters then appear in the URL, as they do for apps that use GET (none of them is secret).
//
// offline_access: oidc-provider drops it from a request without prompt=consent (OIDC Core §11),
// which SMART apps never send; the facade's consent page runs anyway, so prompt=consent is added.
import type Provider from 'oidc-provider';
import { errorPage } from './pages.js';

/** Longer bodies would make a URL past what servers and proxies accept (8 KiB request lines are common). */
const MAX_FORM_BYTES = 6 * 1024;

async function readForm(req: NodeJS.ReadableStream, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function smartAuthorizeRequests(provider: Provider, o: { authorizationUrl: string; authorizationPath: string }): void {
  provider.use(async (ctx, next) => {
    if (!ctx.path.endsWith(o.authorizationPath)) { await next(); return; }
    if (ctx.method === 'POST') {
      const refuse = (status: number, message: string): void => {
        ctx.status = status;
        ctx.type = 'html';
        ctx.set('cache-control', 'no-store');
        ctx.body = errorPage('This request cannot go on', message);
      };
      if (!ctx.is('application/x-www-form-urlencoded')) { refuse(400, 'An authorization request sent by POST must be a form (application/x-www-form-urlencoded).'); return; }
      const form = await readForm(ctx.req, MAX_FORM_BYTES);
      if (form === undefined) { refuse(413, 'This authorization request is too long.'); return; }
      // Repeated parameters stay repeated: the GET path refuses them as it should.
      const query = new URLSearchParams(form).toString();
      ctx.set('cache-control', 'no-store');
      ctx.status = 303;
      ctx.redirect(`${o.authorizationUrl}?${query}`);
      return;
    }
    const q = ctx.query as Record<string, unknown>;
    if (ctx.method === 'GET' && typeof q.scope === 'string' && q.scope.split(' ').includes('offline_access') && q.prompt === undefined) {
      ctx.query = { ...q, prompt: 'consent' } as typeof ctx.query;
    }
    await next();
  });
}
