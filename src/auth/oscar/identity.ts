// OSCAR as the identity step of people-facing SMART launches (smart §5): the vault of users' OSCAR
// tokens, the REST calls made with them, and what a request of such a user runs under — its
// REST calls toward OSCAR signed with the user's own token (so OSCAR's roles apply: contract 1.5),
// after a check that OSCAR lets that user see the token's patient.
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { OscarConnection } from '../../config.js';
import type { ProxySettings } from '../../oscar/proxy.js';
import { forbidden, serviceUnavailable, type FhirError } from '../../fhir/index.js';
import { asOscarUser } from '../../oscar/acting-user.js';
import type { OscarTrust } from '../../oscar/tls-trust.js';
import type { TokenVault } from '../../state/index.js';
import type { AuthContext } from '../context.js';
import { invalidToken } from '../errors.js';
import { OscarAuthError, OscarSignInEndedError } from '../../oscar/errors.js';
import { oscarUserRest, OscarUnreachable, type OscarUserRest } from './user-rest.js';
import { OscarTokenVault, type OscarToken, type VaultKey } from './vault.js';

export interface OscarIdentity {
  vault: OscarTokenVault;
  userRest: OscarUserRest;
  consumer: { key: string; secret: string };
  url: string;
  /** The outbound proxy toward OSCAR (docs/proxy.md), for the sign-in's OAuth handshake. */
  proxy?: ProxySettings;
  /** Certificates trusted for OSCAR beyond the public roots (docs/oscar-tls.md). */
  tls?: OscarTrust;
  /** Runs `fn` as the token's OSCAR user; a 401 when their OSCAR sign-in is gone, a 403 when OSCAR hides the patient. */
  actAs<T>(auth: AuthContext, fn: () => Promise<T>): Promise<T>;
  /**
   * Whether the provider's OSCAR token is kept and OSCAR still accepts it as theirs; a token OSCAR
   * refuses leaves the vault. Throws OscarUnreachable when OSCAR cannot say.
   */
  stillSignedIn(providerNo: string): Promise<boolean>;
  /**
   * Whether OSCAR's REST shows the token's OSCAR user this patient, and this patient's records of
   * `type` where OSCAR has a per-user question for that type (true for tokens of no OSCAR user):
   * what a SMART app user's reads and writes over SOAP, which run as the facade's service identity,
   * are held to (docs/smart-app-launch.md §7.7).
   */
  sees(auth: AuthContext, patient: string, type?: string): Promise<boolean>;
}

/** How long "OSCAR lets this user see this patient" is trusted before OSCAR is asked again. */
const VISIBLE_TTL_MS = 60_000;

export function oscarIdentity(o: { oscar: OscarConnection; vault: TokenVault; keys: readonly VaultKey[]; maxAgeSeconds: number }): { identity: OscarIdentity; generatedKey: boolean } {
  const generatedKey = o.keys.length === 0;
  const keys = generatedKey ? [{ id: 'boot', key: randomBytes(32) }] : o.keys;
  const vault = new OscarTokenVault(o.vault, keys, o.maxAgeSeconds);
  const userRest = oscarUserRest({ baseUrl: o.oscar.url, consumerKey: o.oscar.consumerKey, consumerSecret: o.oscar.consumerSecret, ownToken: { token: o.oscar.accessToken, secret: o.oscar.accessTokenSecret }, ...(o.oscar.proxy && { proxy: o.oscar.proxy }), ...(o.oscar.tls && { tls: o.oscar.tls }) });
  // Until when each "yes" is trusted; the least recently asked go first once 10,000 are held.
  const visible = new LRUCache<string, number>({ max: 10_000 });

  /**
   * A "yes" from OSCAR about this user is trusted for a minute; a "no" is asked again next time.
   * OSCAR refusing the user's token (contract 2.7) drops it from the vault, so the next request
   * is answered without asking OSCAR; a refusal of the facade's own credentials is thrown on as it is.
   */
  async function askedOnce(token: OscarToken, key: string, what: string, ask: () => Promise<boolean>): Promise<boolean> {
    if ((visible.get(key) ?? 0) >= Date.now()) return true;
    let yes: boolean;
    try { yes = await ask(); } catch (e) {
      if (e instanceof OscarSignInEndedError) { await dropped(token); throw e; }
      if (e instanceof OscarAuthError) throw e;
      throw serviceUnavailable(`OSCAR cannot say right now whether this user may see ${what}`, 5);
    }
    if (!yes) return false;
    visible.set(key, Date.now() + VISIBLE_TTL_MS);
    return true;
  }

  /** Whether OSCAR shows this user this patient: `/demographics/{id}` with their own token (contract 3.1: privilege _demographic r). */
  async function shows(providerNo: string, token: OscarToken, patient: string): Promise<boolean> {
    return /^[1-9][0-9]{0,9}$/.test(patient)
      && askedOnce(token, `${providerNo}\u0000${patient}`, 'this patient', async () => (await userRest.patient(token, Number(patient))) !== undefined);
  }

  /**
   * The per-type privileges OSCAR's REST checks with a question that costs one small answer for the
   * patient (contract 3.4: `_prevention` r). Other types have none worth asking (contract 3.3:
   * OSCAR's REST allergy list checks no privilege; 3.2: the appointment history returns the whole
   * list it guards; documents have no REST read): there only the patient is checked.
   */
  const typeQuestions: Readonly<Record<string, (t: OscarToken, demographicNo: number) => Promise<boolean>>> = {
    Immunization: (t, no) => userRest.readsPreventions(t, no),
  };

  async function showsType(providerNo: string, token: OscarToken, patient: string, type: string): Promise<boolean> {
    const ask = typeQuestions[type];
    return !ask || askedOnce(token, `${providerNo}\u0000${patient}\u0000${type}`, `${type} records`, () => ask(token, Number(patient)));
  }

  /**
   * Forgets the user's OSCAR token OSCAR refused, not one a new sign-in put meanwhile (vault.ts
   * deleteIf); when the state cannot say, OSCAR refuses it again next time.
   */
  async function dropped(refused: OscarToken): Promise<void> {
    await vault.deleteIf(refused.providerNo, refused.token).catch(() => undefined);
  }

  /** The user may have deleted the facade's token in OSCAR (contract 2.5: the only way it ends). */
  async function accepted(providerNo: string, token: OscarToken): Promise<boolean> {
    if (await userRest.accepts(token, providerNo)) return true;
    await vault.deleteIf(providerNo, token.token);
    return false;
  }

  return {
    generatedKey,
    identity: {
      vault, userRest, url: o.oscar.url, consumer: { key: o.oscar.consumerKey, secret: o.oscar.consumerSecret }, ...(o.oscar.proxy && { proxy: o.oscar.proxy }), ...(o.oscar.tls && { tls: o.oscar.tls }),
      async actAs(auth, fn) {
        const providerNo = auth.oscarProvider;
        if (providerNo === undefined) return fn();
        const token = await vault.get(providerNo);
        if (!token) throw invalidToken('the user\'s OSCAR sign-in has expired: sign in to the app again') as FhirError;
        if (auth.patient !== undefined && !(await shows(providerNo, token, auth.patient))) {
          // Hidden patient, or the whole sign-in withdrawn in OSCAR: OSCAR tells them apart.
          const alive = await accepted(providerNo, token).catch((e: unknown) => {
            if (e instanceof OscarUnreachable) throw serviceUnavailable('OSCAR cannot confirm the user\'s sign-in right now', e.retryAfterSeconds);
            throw e;
          });
          if (!alive) throw invalidToken('the user\'s OSCAR authorization was withdrawn in OSCAR: sign in to the app again') as FhirError;
          throw forbidden('OSCAR does not let this user see the patient of this token');
        }
        // contract 2.7: OSCAR refusing the user's token on the way (rest.ts) drops it, whether the
        // refusal reached the answer (a 401 from fhir/outcome.ts) or was caught on the way.
        let ended = false;
        try {
          return await asOscarUser({ token: token.token, tokenSecret: token.secret, signInEnded: () => { ended = true; } }, fn);
        } finally {
          if (ended) await dropped(token);
        }
      },
      async sees(auth, patient, type) {
        const providerNo = auth.oscarProvider;
        if (providerNo === undefined) return true;
        const token = await vault.get(providerNo);
        return token !== undefined && (await shows(providerNo, token, patient)) && (type === undefined || showsType(providerNo, token, patient, type));
      },
      async stillSignedIn(providerNo) {
        const token = await vault.get(providerNo);
        return token !== undefined && accepted(providerNo, token);
      },
    },
  };
}
