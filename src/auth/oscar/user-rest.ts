// The few OSCAR REST calls the sign-in, the patient picker and the per-request patient check make
// with the user's own OSCAR token (smart §4.4), so OSCAR decides with that provider's roles
// (contract 1.5): who the token belongs to (`/oauth/info`, contract 2.6), patients matching a
// name (`/demographics/quickSearch`, at most 10, contract 3.1), and whether one patient is
// visible (`/demographics/{id}`: 204 or an error page when not). Not through the shared client
// and its cache: these answers are per user and must not be served to anyone else. They go out on a
// transport of their own (http-transport.ts: kept-alive sockets, the outbound proxy of docs/proxy.md,
// the certificate trust of docs/oscar-tls.md).
import type { IncomingHttpHeaders } from 'node:http';
import { OscarAuthError, OscarRedirectError, OscarSignInEndedError, SIGNED_OUT_CODES } from '../../oscar/errors.js';
import { HttpTransport } from '../../oscar/http-transport.js';
import type { ProxySettings } from '../../oscar/proxy.js';
import { buildUrl, oauthHeader, queryPairs, type QueryParams } from '../../oscar/oauth-sign.js';
// contract 1.6: OAuthInterceptor's refusal of a token is a 500 CXF XMLFault naming the OAuth1Exception.
import { oauthRefusal, ownSignatureVerdict } from '../../oscar/rest.js';
import { NO_OWN_TOKEN, OWN_SIGNATURE_REFUSED, OwnSignatureCheck } from '../../oscar/own-signature.js';
import type { DemographicSearchResult } from '../../oscar/types.js';
import type { OscarTrust } from '../../oscar/tls-trust.js';

export interface OscarUserRestOptions {
  /** OSCAR web-app base (REST under /ws/services). */
  baseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  /**
   * The facade's own OSCAR access token (OSCAR_ACCESS_TOKEN / _SECRET), to confirm that OSCAR
   * accepts the facade's signature before a user's token refused as a bad signature is taken as
   * ended (contract 2.7); absent or empty, such a refusal keeps the user's token (a 502).
   */
  ownToken?: UserToken;
  timeoutMs?: number;
  /** The outbound proxy toward OSCAR; absent = direct. */
  proxy?: ProxySettings;
  /** Certificates trusted for OSCAR beyond the public roots (OSCAR_CA_FILE, OSCAR_TLS_FINGERPRINT). */
  tls?: OscarTrust;
}

export interface UserToken { token: string; secret: string }

/**
 * OSCAR answered, but not what was asked (its error page: the user lacks the privilege, contract
 * 3.1). OSCAR refusing the user's token itself is OscarSignInEndedError instead.
 */
export class OscarRefused extends Error {
  override readonly name = 'OscarRefused';
}

/** OSCAR could not say (down, timed out, its own internal error): ask again later, decide nothing. */
export class OscarUnreachable extends Error {
  override readonly name = 'OscarUnreachable';
  readonly retryAfterSeconds = 5;
}

export interface PickedPatient { demographicNo: number; lastName: string; firstName: string; dob: string | null }

export function oscarUserRest(o: OscarUserRestOptions) {
  const root = `${o.baseUrl.replace(/\/+$/, '')}/ws/services`;
  const transport = new HttpTransport({ maxSockets: 4, ...(o.proxy && { proxy: o.proxy }), ...(o.tls && { tls: o.tls }) });

  interface Answer { status: number; headers: IncomingHttpHeaders; text: string }

  // contract 2.7, docs/smart-app-launch.md §7.7: OSCAR answers invalid_signature for a deleted
  // token and for the facade's setup at fault (a wrong consumer secret, a proxy changing the URL
  // OSCAR sees) alike; one call signed with the facade's own token tells them apart for all the
  // refusals meanwhile (own-signature.ts). Without a token of its own the facade keeps the user's.
  const own = new OwnSignatureCheck(async () => {
    if (!o.ownToken || o.ownToken.token === '') return 'no-own-token';
    const r = await get(o.ownToken, '/oauth/info');
    return ownSignatureVerdict(r, r.text, Date.now());
  });

  /**
   * The user's token refused with a code of contract 2.7: whether their sign-in has ended (true),
   * or the facade's own setup is at fault (OscarAuthError), or OSCAR cannot say (OscarUnreachable).
   * `unknown_provider` names the user's provider and needs no confirmation.
   */
  async function signInEnded(code: string, operation: string): Promise<true> {
    if (code !== 'invalid_signature') return true;
    const verdict = await own.confirm();
    if (verdict === 'accepted') return true;
    if (verdict === 'unreachable') throw new OscarUnreachable('OSCAR could not confirm the facade\'s own signature');
    throw new OscarAuthError(operation, verdict === 'refused' ? OWN_SIGNATURE_REFUSED : NO_OWN_TOKEN);
  }

  async function get(t: UserToken, path: string, query: QueryParams = {}, operation = path): Promise<Answer> {
    const pairs = queryPairs(query, operation);
    const url = buildUrl(root, path, pairs);
    try {
      const res = await transport.send({
        method: 'GET', url, operation: 'user-rest', timeoutMs: o.timeoutMs ?? 10_000,
        headers: {
          Accept: 'application/json',
          Authorization: oauthHeader({ consumerKey: o.consumerKey, consumerSecret: o.consumerSecret, token: t.token, tokenSecret: t.secret }, 'GET', url, pairs),
        },
      });
      return { status: res.status, headers: res.headers, text: res.body.toString('utf8') };
    } catch (e) {
      // Not a passing state: the OSCAR address is wrong (docs/oscar-redirects.md). The FHIR layer
      // answers it with a 502; the sign-in names it.
      if (e instanceof OscarRedirectError) throw e;
      // The transport's typed error as the cause: the sign-in tells a refused certificate or proxy from an outage.
      throw new OscarUnreachable(`OSCAR did not answer (${(e as { code?: string }).code ?? (e as { kind?: string }).kind ?? (e as Error).name})`, { cause: e });
    }
  }

  /**
   * Throws when OSCAR refused the call's OAuth (contract 2.7): the user's token no longer accepted
   * (their sign-in has ended), or the facade's own consumer or clock at fault (for an administrator).
   */
  async function oauthChecked(r: Answer, operation: string): Promise<Answer> {
    const code = oauthRefusal(r, r.text, Date.now());
    if (code === undefined) return r;
    if (SIGNED_OUT_CODES.has(code) && await signInEnded(code, operation)) throw new OscarSignInEndedError(operation, code);
    throw new OscarAuthError(operation, code);
  }

  function json(r: Answer): unknown {
    if (r.status !== 200) throw new OscarRefused(`OSCAR answered ${r.status}`);
    try { return JSON.parse(r.text) as unknown; } catch { throw new OscarRefused('OSCAR did not answer JSON'); }
  }

  return {
    /** The provider number the token acts as (contract 2.6: errors come back as 200 {"error": …}). */
    async providerOf(t: UserToken): Promise<string> {
      const body = json(await oauthChecked(await get(t, '/oauth/info'), 'user-rest:oauthInfo')) as { login?: unknown; error?: unknown };
      if (typeof body.login !== 'string' || body.login === '' || body.error !== undefined) throw new OscarRefused('OSCAR did not say who approved');
      return body.login;
    },
    /**
     * Whether OSCAR still accepts the token as `providerNo`'s (`/oauth/info`, the cheapest call,
     * contract 2.6): false when OSCAR refuses the token itself (deleted in OSCAR, its provider gone:
     * the codes of contract 2.7, a bad signature only once OSCAR accepts the facade's own) or
     * names another provider; OscarAuthError when OSCAR refuses the facade's consumer, its own
     * signature as well, or the clocks disagree (the same for every user: an administrator's to fix,
     * never a reason to drop the user's token); OscarUnreachable when OSCAR cannot answer (its own
     * internal error included).
     */
    async accepts(t: UserToken, providerNo: string): Promise<boolean> {
      const r = await get(t, '/oauth/info');
      const refused = oauthRefusal(r, r.text, Date.now());
      if (refused !== undefined) {
        if (SIGNED_OUT_CODES.has(refused) && await signInEnded(refused, 'user-rest:oauthInfo')) return false;
        throw new OscarAuthError('user-rest:oauthInfo', refused);
      }
      if (r.status !== 200) throw new OscarUnreachable(`OSCAR answered ${r.status}`);
      let body: { login?: unknown; error?: unknown };
      try { body = JSON.parse(r.text) as typeof body; } catch { throw new OscarUnreachable('OSCAR did not answer JSON'); }
      if (body.error !== undefined) throw new OscarUnreachable('OSCAR reported an internal error');
      return body.login === providerNo;
    },
    /** Active patients matching `term` that this user may see (OSCAR filters by privilege). */
    async quickSearch(t: UserToken, term: string): Promise<PickedPatient[]> {
      const body = json(await oauthChecked(await get(t, '/demographics/quickSearch', { query: term }), 'user-rest:quickSearch')) as { content?: DemographicSearchResult[] | DemographicSearchResult };
      const content = body.content === undefined ? [] : Array.isArray(body.content) ? body.content : [body.content];
      return content.map((d) => ({ demographicNo: d.demographicNo, lastName: d.lastName ?? '', firstName: d.firstName ?? '', dob: d.formattedDOB }));
    },
    /**
     * Whether OSCAR lets this user read the patient's preventions (contract 3.4: privilege
     * _prevention r; a refusal is OSCAR's error page). The list itself is not used.
     */
    async readsPreventions(t: UserToken, demographicNo: number): Promise<boolean> {
      return (await oauthChecked(await get(t, '/preventions/active', { demographicNo }), 'user-rest:getPreventions')).status === 200;
    },
    /** The patient as this user may see it, or undefined when OSCAR will not show it to them (its error page, or 204). */
    async patient(t: UserToken, demographicNo: number): Promise<PickedPatient | undefined> {
      const r = await oauthChecked(await get(t, `/demographics/${demographicNo}`), 'user-rest:getDemographic');
      if (r.status !== 200) return undefined;
      try {
        const d = JSON.parse(r.text) as { demographicNo?: number; lastName?: string; firstName?: string; dateOfBirth?: unknown; yearOfBirth?: string; monthOfBirth?: string; dayOfBirth?: string };
        if (d.demographicNo !== demographicNo) return undefined;
        const dob = d.yearOfBirth && d.monthOfBirth && d.dayOfBirth ? `${d.yearOfBirth}-${d.monthOfBirth}-${d.dayOfBirth}` : null;
        return { demographicNo, lastName: d.lastName ?? '', firstName: d.firstName ?? '', dob };
      } catch {
        return undefined;
      }
    },
  };
}

export type OscarUserRest = ReturnType<typeof oscarUserRest>;
