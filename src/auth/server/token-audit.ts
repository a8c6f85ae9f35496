// What the audit trail records of a token request (src/auth/audit.ts tokenAuditEventFor): who
// asked, what was granted or why not, never a token, code, secret or assertion.
import type { KoaContextWithOIDC } from 'oidc-provider';

export interface TokenResult {
  status: number;
  clientId?: string;
  /** The OAuth error code, or undefined on success. */
  error?: string;
  /** Why, in words with no secrets. */
  reason?: string;
  scope?: string;
  remoteAddress?: string;
}

/** oidc-provider's grant.success / grant.error event as a TokenResult. */
export function tokenAuditOf(ctx: KoaContextWithOIDC, err?: Error & { status?: number; error?: string; error_description?: string; error_detail?: string }): TokenResult {
  const remoteAddress = ctx.req.socket.remoteAddress;
  const clientId = ctx.oidc?.client?.clientId;
  if (err) {
    return {
      // error_detail says why client authentication failed (replay, audience…); the client is only told it failed.
      status: err.status ?? 500, error: err.error ?? 'server_error', reason: err.error_detail ?? err.error_description ?? 'internal error',
      ...(clientId && { clientId }), ...(remoteAddress && { remoteAddress }),
    };
  }
  const body = ctx.body as { scope?: unknown } | undefined;
  return {
    status: 200, ...(clientId && { clientId }), ...(typeof body?.scope === 'string' && { scope: body.scope }),
    ...(remoteAddress && { remoteAddress }),
  };
}
