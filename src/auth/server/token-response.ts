// What oidc-provider's token endpoint answers, made SMART (smart §2.4 items 2, 3, 5): Pragma:
// no-cache beside Cache-Control: no-store; the launch context (patient, need_patient_banner,
// smart_style_url) beside the token; the granted SMART words (openid, fhirUser, launch/patient,
// offline_access…) back in `scope`, which oidc-provider fills with the resource scopes only; and
// client-authentication failures as invalid_client (401), which SMART requires for every failed
// assertion (smart §1.3) where oidc-provider answers invalid_request for a few.
import type Provider from 'oidc-provider';

/** oidc-provider's invalid_request descriptions that are about the client's credentials. */
const CLIENT_AUTH_PROBLEMS = new Set(['invalid client_assertion format', 'client_id mismatch']);

export function smartTokenResponses(provider: Provider, o: { smartStyleUrl: string }): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'token') return;
    ctx.set('pragma', 'no-cache');
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.status === 400 && body?.error === 'invalid_request' && CLIENT_AUTH_PROBLEMS.has(String(body.error_description))) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: 'client authentication failed' };
      return;
    }
    const token = ctx.oidc.entities.AccessToken;
    if (ctx.status !== 200 || !body || !token) return;
    const extra = (token.extra ?? {}) as { patient?: unknown; need_patient_banner?: unknown };
    if (typeof extra.patient === 'string') {
      body.patient = extra.patient;
      body.need_patient_banner = extra.need_patient_banner !== false;
    }
    body.smart_style_url = o.smartStyleUrl;
    const words: string[] = (ctx.oidc.entities.Grant?.getOIDCScope() ?? '').split(' ').filter((w: string) => w !== '');
    const scope = new Set(String(body.scope ?? '').split(' ').filter((w: string) => w !== ''));
    body.scope = [...words.filter((w) => !scope.has(w)), ...scope].join(' ');
  });
}
