// The authorization server keeps everything in the facade's state (src/state) and re-checks users
// with OSCAR on refresh. When either cannot answer (StateUnavailableError: the state database is
// down; OscarUnreachable: OSCAR is), oidc-provider would call it its own failure, a 500
// server_error; the client gets what it is, a 503 with Retry-After to come back after (README,
// Operations: several instances). OSCAR's host redirecting the re-check, or OSCAR refusing the
// facade's own consumer or clock on it (contract 2.7), is no outage: a 502 saying so.
import type Provider from 'oidc-provider';

/** The outages a client should wait out, and what it is told about each. */
const OUTAGES: Readonly<Record<string, string>> = {
  StateUnavailableError: 'the authorization server\'s storage is unavailable; retry later',
  OscarUnreachable: 'OSCAR cannot confirm the user\'s sign-in right now; retry later',
};

/**
 * OSCAR's host redirected the re-check (docs/oscar-redirects.md): the facade's OSCAR address is
 * wrong; OSCAR refused the facade's consumer, or the clocks disagree (contract 2.7): its OSCAR
 * settings or clock are. Not a wait: a 502, without Retry-After, saying so; the user's sign-in and
 * refresh token are kept.
 */
const MISCONFIGURED: Readonly<Record<string, string>> = {
  OscarRedirectError: 'OSCAR redirected the facade\'s check of the user\'s sign-in: the facade\'s OSCAR address needs correcting',
  OscarAuthError: 'OSCAR refused the facade\'s own credentials when checking the user\'s sign-in: the facade\'s OSCAR settings need correcting',
};

export function stateOutageAnswers(provider: Provider): void {
  const unavailable = new WeakMap<object, { retryAfter: number | undefined; description: string }>();
  provider.on('server_error', (ctx, err) => {
    const e = err as { name?: string; retryAfterSeconds?: number };
    const description = e?.name !== undefined ? OUTAGES[e.name] : undefined;
    if (description) unavailable.set(ctx, { retryAfter: e.retryAfterSeconds ?? 5, description });
    const misconfigured = e?.name !== undefined ? MISCONFIGURED[e.name] : undefined;
    if (misconfigured) unavailable.set(ctx, { retryAfter: undefined, description: misconfigured });
  });
  provider.use(async (ctx, next) => {
    await next();
    const outage = unavailable.get(ctx);
    if (ctx.status !== 500 || outage === undefined) return;
    if (outage.retryAfter === undefined) {
      ctx.status = 502;
      if (typeof ctx.body === 'object' && ctx.body !== null && !Buffer.isBuffer(ctx.body)) ctx.body = { error: 'server_error', error_description: outage.description };
      return;
    }
    ctx.status = 503;
    ctx.set('retry-after', String(outage.retryAfter));
    // JSON endpoints (token, introspection, revocation) keep JSON; pages keep their page.
    if (typeof ctx.body === 'object' && ctx.body !== null && !Buffer.isBuffer(ctx.body)) {
      ctx.body = { error: 'temporarily_unavailable', error_description: outage.description };
    }
  });
}
