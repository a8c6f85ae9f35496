// The authorization server keeps everything in the facade's state (src/state). When that cannot
// answer (StateUnavailableError: the state database is down), oidc-provider would call it its own
// failure, a 500 server_error; the client gets what it is, a 503 with Retry-After to come back
// after (README, Operations: several instances).
import type Provider from 'oidc-provider';

export function stateOutageAnswers(provider: Provider): void {
  const unavailable = new WeakMap<object, number>();
  provider.on('server_error', (ctx, err) => {
    const e = err as { name?: string; retryAfterSeconds?: number };
    if (e?.name === 'StateUnavailableError') unavailable.set(ctx, e.retryAfterSeconds ?? 5);
  });
  provider.use(async (ctx, next) => {
    await next();
    const retryAfter = unavailable.get(ctx);
    if (ctx.status !== 500 || retryAfter === undefined) return;
    ctx.status = 503;
    ctx.set('retry-after', String(retryAfter));
    // JSON endpoints (token, introspection, revocation) keep JSON; pages keep their page.
    if (typeof ctx.body === 'object' && ctx.body !== null && !Buffer.isBuffer(ctx.body)) {
      ctx.body = { error: 'temporarily_unavailable', error_description: 'the authorization server\'s storage is unavailable; retry later' };
    }
  });
}
