// What oidc-provider's token endpoint answers, made SMART (smart §2.4 items 2, 3, 5): Pragma:
// no-cache beside Cache-Control: no-store, and client-authentication failures as invalid_client
// (401), which SMART requires for every failed assertion (smart §1.3) where oidc-provider answers
// invalid_request for a few.
import type Provider from 'oidc-provider';

/** oidc-provider's invalid_request descriptions that are about the client's credentials. */
const CLIENT_AUTH_PROBLEMS = new Set(['invalid client_assertion format', 'client_id mismatch']);

export function smartTokenResponses(provider: Provider): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'token') return;
    ctx.set('pragma', 'no-cache');
    const body = ctx.body as { error?: unknown; error_description?: unknown } | undefined;
    if (ctx.status === 400 && body?.error === 'invalid_request' && CLIENT_AUTH_PROBLEMS.has(String(body.error_description))) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: 'client authentication failed' };
    }
  });
}
