// WS-Security exactly as OSCAR's CXF/WSS4J stack applies it (contract 4.2): a UsernameToken whose
// Username is the numeric security_no and whose Password (PasswordText, with the mandatory
// unqualified Type attribute) is the plaintext password or the login token. Anything else in the
// header — a Timestamp, a signature, a digest password — fails with the same SecurityError.

import { epochOfWallClock } from '../wall-clock.js';
import type { ClinicStore } from '../clinic/store.js';
import type { SecurityRow } from '../clinic/model.js';
import type { Caller } from './context.js';
import { mustUnderstandFault, npeFault, securityFault } from './faults.js';
import type { SoapFault } from './faults.js';
import { SOAP_ENV_NS } from './render.js';
import { attrOf, elementsOf, textOf } from './xml.js';
import type { XmlElement } from './xml.js';

export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const WSU_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
const BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';
/** Namespaces whose header elements WSS4J would process as further security actions. */
const ACTION_NAMESPACES = new Set([
  'http://www.w3.org/2000/09/xmldsig#', 'http://www.w3.org/2001/04/xmlenc#',
  'urn:oasis:names:tc:SAML:1.0:assertion', 'urn:oasis:names:tc:SAML:2.0:assertion',
  'http://docs.oasis-open.org/ws-sx/ws-secureconversation/200512', 'http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd',
]);

/** WSS4J defaults: UsernameToken/Timestamp time-to-live 300 s, future tolerance 60 s. */
const TTL_MS = 300_000;
const FUTURE_TTL_MS = 60_000;
/** A nonce without Created stays in the replay cache for an hour (the cache's default TTL). */
const NONCE_DEFAULT_TTL_MS = 3_600_000;
const BAD_PASSWORD_DELAY_MS = 250;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * WsUtils.generateSecurityToken: JVM start millis + a mangling of the stored password, as a Java
 * long (both sums wrap at 64 bits). Read at call time: a restart changes every token (contract 7.18).
 */
export function securityToken(jvmStartMillis: number, storedPassword: string): string {
  let mangling = 0n;
  for (let i = 0; i < storedPassword.length; i++) {
    mangling = BigInt.asIntN(64, mangling + BigInt(storedPassword.charCodeAt(i)) * 100n ** BigInt(i % 6));
  }
  return BigInt.asIntN(64, BigInt(jvmStartMillis) + mangling).toString();
}

/** contract 4.2: `date_ExpireDate` (a DATE, so local midnight) before now → the account is refused. */
function isExpired(row: SecurityRow, store: ClinicStore, now: number): boolean {
  return row.expireDate !== null && epochOfWallClock(row.expireDate, store.serverZone) < now;
}

/**
 * WsUtils.checkAuthenticationAndSetLoggedInInfo, shared by WS-Security and LoginWs: expiry, then
 * the token, then the password (a wrong password costs 250 ms). Null password → the JVM's NPE.
 */
export async function checkCredentials(store: ClinicStore, row: SecurityRow | undefined, password: string | null, now: number): Promise<Caller | undefined> {
  if (!row || isExpired(row, store, now)) return undefined;
  if (password === null) throw npeFault('String.equals(Object)', 'securityToken');
  // The token is tried first; only a failed password check is throttled.
  const ok = password === securityToken(store.jvmStartMillis, row.password) || password === row.password;
  if (!ok) {
    await sleep(BAD_PASSWORD_DELAY_MS);
    return undefined;
  }
  return { security: row, provider: row.providerNo === null ? undefined : store.provider(row.providerNo) };
}

/** Java Integer.parseInt: optional sign, ASCII digits, 32-bit range; no white space. */
function parseJavaInt(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/** xs:dateTime with a mandatory zone, as WSS4J parses Created/Expires; undefined when invalid. */
function zonedDateTime(text: string): number | undefined {
  const m = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const t = Date.parse(text.trim().replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(t) ? undefined : t;
}

/** Per-endpoint nonce replay caches (CXF keeps one per endpoint). */
export class NonceCaches {
  private readonly caches = new Map<string, Map<string, number>>();

  /** Records the nonce; false when it was already seen and has not expired. */
  remember(endpoint: string, nonce: string, expiresAt: number, now: number): boolean {
    let cache = this.caches.get(endpoint);
    if (!cache) { cache = new Map(); this.caches.set(endpoint, cache); }
    for (const [k, exp] of cache) if (exp <= now) cache.delete(k);
    if (cache.has(nonce)) return false;
    cache.set(nonce, expiresAt);
    return true;
  }
}

const childrenNamed = (el: XmlElement, ns: string, local: string): XmlElement[] =>
  elementsOf(el).filter((c) => c.ns === ns && c.local === local);

function timestampIsValid(ts: XmlElement, now: number): boolean {
  const created = childrenNamed(ts, WSU_NS, 'Created');
  const expires = childrenNamed(ts, WSU_NS, 'Expires');
  if (created.length !== 1 || expires.length > 1) return false;
  const c = zonedDateTime(textOf(created[0] as XmlElement));
  if (c === undefined || c > now + FUTURE_TTL_MS || c < now - TTL_MS) return false;
  if (expires.length === 1) {
    const e = zonedDateTime(textOf(expires[0] as XmlElement));
    if (e === undefined || e < now) return false;
  }
  return true;
}

export interface SecurityDeps { store: ClinicStore; nonces: NonceCaches; endpoint: string; now: number }

/** UsernameTokenProcessor (BSP checks, replay cache, Created) then OscarUsernameTokenValidator. */
async function processUsernameToken(ut: XmlElement, deps: SecurityDeps): Promise<Caller | undefined> {
  const usernames = childrenNamed(ut, WSSE_NS, 'Username');
  const passwords = childrenNamed(ut, WSSE_NS, 'Password');
  const nonces = childrenNamed(ut, WSSE_NS, 'Nonce');
  const createds = childrenNamed(ut, WSU_NS, 'Created');
  if (usernames.length !== 1 || passwords.length !== 1 || nonces.length > 1 || createds.length > 1) return undefined;
  const password = passwords[0] as XmlElement;
  // BSP R4201 + the required password type: an unqualified Type equal to #PasswordText.
  if (attrOf(password, '', 'Type') !== PASSWORD_TEXT) return undefined;
  let created: number | undefined;
  if (createds.length === 1) {
    created = zonedDateTime(textOf(createds[0] as XmlElement));
    if (created === undefined) return undefined;
  }
  const nonceEl = nonces[0];
  if (nonceEl) {
    // BSP R4220/R4221: the EncodingType is mandatory and must be Base64Binary.
    if (attrOf(nonceEl, '', 'EncodingType') !== BASE64_BINARY) return undefined;
    const nonce = textOf(nonceEl).trim();
    if (!nonce || !/^[A-Za-z0-9+/]+={0,2}$/.test(nonce)) return undefined;
    const expiresAt = created !== undefined ? created + TTL_MS : deps.now + NONCE_DEFAULT_TTL_MS;
    // The nonce is remembered before the password is checked, so even a failed attempt burns it.
    if (!deps.nonces.remember(deps.endpoint, nonce, expiresAt, deps.now)) return undefined;
  }
  if (created !== undefined && (created > deps.now + FUTURE_TTL_MS || created < deps.now - TTL_MS)) return undefined;
  const securityNo = parseJavaInt(textOf(usernames[0] as XmlElement));
  if (securityNo === undefined) return undefined; // "userIdString is not a number?" — logged, then refused
  const row = deps.store.data.security.find((s) => s.securityNo === securityNo);
  return checkCredentials(deps.store, row, textOf(password), deps.now);
}

const isMustUnderstand = (h: XmlElement): boolean => {
  const v = attrOf(h, SOAP_ENV_NS, 'mustUnderstand');
  return v !== undefined && ['1', 'true'].includes(v.trim());
};

/** contract 7.27: headers flagged mustUnderstand that this endpoint does not process. */
export function mustUnderstandCheck(headers: readonly XmlElement[], understood: (h: XmlElement) => boolean): SoapFault | undefined {
  const missing = headers.filter((h) => isMustUnderstand(h) && !understood(h)).map((h) => `{${h.ns}}${h.local}`);
  return missing.length ? mustUnderstandFault(missing) : undefined;
}

export const isSecurityHeader = (h: XmlElement): boolean => h.ns === WSSE_NS && h.local === 'Security';

/** Authenticates a call to a secured endpoint or throws the SecurityError fault. */
export async function authenticate(headers: readonly XmlElement[], deps: SecurityDeps): Promise<Caller> {
  const securityHeaders = headers.filter(isSecurityHeader);
  if (securityHeaders.length !== 1) throw securityFault();
  let caller: Caller | undefined;
  let tokens = 0;
  let extraAction = false;
  // WSS4J processes the header's children in document order.
  for (const el of elementsOf(securityHeaders[0] as XmlElement)) {
    if (el.ns === WSU_NS && el.local === 'Timestamp') {
      if (!timestampIsValid(el, deps.now)) throw securityFault();
      extraAction = true; // valid, but not the configured action: rejected after the token is checked
    } else if (el.ns === WSSE_NS && el.local === 'UsernameToken') {
      tokens++;
      caller = await processUsernameToken(el, deps);
      if (!caller) throw securityFault();
    } else if ((el.ns === WSSE_NS && el.local !== 'UsernameToken') || ACTION_NAMESPACES.has(el.ns)) {
      throw securityFault(); // signatures, encryption, binary tokens: never configured on OSCAR
    }
    // Elements of other namespaces have no WSS4J processor and are skipped.
  }
  if (!caller || tokens !== 1 || extraAction) throw securityFault(); // checkReceiverResultsAnyOrder
  return caller;
}
