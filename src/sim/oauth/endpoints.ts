import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ClinicStore } from '../clinic/store.js';
import type { SimOptions } from '../options.js';
import { sendBody, sendContainerErrorPage, sendEmpty } from '../rest/errors.js';
import { renderConsentPage } from './consent-page.js';
import { parseOAuth1Request, type OAuth1Request } from './header.js';
import { servletDecode, servletParams } from './percent.js';
import { bodyBuffer, isFormContentType, servletView } from './request-view.js';
import type { SimSession } from './session.js';
import { verifySignature } from './signature.js';
import { tokenSecretsOf } from './guard.js';
import { createRequestToken, exchangeRequestToken, findClient, findRequestToken } from './tokens.js';

const FORM = 'application/x-www-form-urlencoded';
const nowSeconds = (store: ClinicStore): number => Math.floor(store.now() / 1000);

/** URLEncoder.encode(v, UTF-8) (form encoding: space → '+'). */
function formEncode(v: string): string {
  return encodeURIComponent(v).replace(/%20/g, '+').replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** contract 2.3 step 1: the callback is percent-decoded once and normalised before storage. */
function normalizeCallback(raw: string): string {
  const decoded = servletDecode(raw);
  if (decoded.toLowerCase() === 'oob') return decoded;
  const u = new URL(decoded); // not absolute → throws → 500, as the Java URI parsing would
  return u.href;
}

/** POST /ws/oauth/initiate. contract 2.3 step 1: every failure is an unmapped exception → HTTP 500 error page. */
export function initiate(store: ClinicStore, req: Request, res: Response): void {
  if (req.method !== 'POST') { res.setHeader('Allow', 'POST'); sendEmpty(res, 405); return; }
  const view = servletView(req);
  let oreq: OAuth1Request;
  try { oreq = parseOAuth1Request(view); } catch { sendContainerErrorPage(res, 500, 'invalid_oauth_parameters'); return; }
  const client = findClient(store, oreq.consumerKey);
  if (!client) { sendContainerErrorPage(res, 500, 'invalid_consumer'); return; }
  try {
    verifySignature(view, client.secret, tokenSecretsOf(store), nowSeconds(store));
  } catch {
    sendContainerErrorPage(res, 500, 'Invalid OAuth1 signature'); return;
  }
  if (oreq.callback === null) { sendContainerErrorPage(res, 500, 'Column callback cannot be null'); return; }
  let callback: string;
  try { callback = normalizeCallback(oreq.callback); } catch { sendContainerErrorPage(res, 500, 'Invalid callback URI'); return; }
  const rt = createRequestToken(store, client, callback, (oreq.scope ?? '').trim());
  sendBody(res, 200, FORM, `oauth_token=${rt.token}&oauth_token_secret=${rt.secret}&oauth_callback_confirmed=true`);
}

export function formatProviderName(store: ClinicStore, providerNo: string): string {
  const p = store.provider(providerNo);
  return p ? `${p.lastName}, ${p.firstName}` : providerNo;
}

/** GET /ws/oauth/authorize: the consent page, or a 400 container error page. */
export function showConsent(store: ClinicStore, opts: SimOptions, session: SimSession, req: Request, res: Response): void {
  const q = req.originalUrl.indexOf('?');
  const tokenId = servletParams(q < 0 ? '' : req.originalUrl.slice(q + 1)).find(([k]) => k === 'oauth_token')?.[1] ?? '';
  if (tokenId === '') { sendContainerErrorPage(res, 400, 'Missing oauth_token'); return; }
  const rt = findRequestToken(store, tokenId);
  if (!rt) { sendContainerErrorPage(res, 400, 'Invalid oauth_token'); return; }
  const client = store.data.oauthClients.find((c) => c.id === rt.clientId);
  let loggedInAs: { providerNo: string; name: string } | null = null;
  if (session.providerNo !== null) {
    rt.providerNo = session.providerNo; // OAuthSessionMerger.mergeSession
    loggedInAs = { providerNo: session.providerNo, name: formatProviderName(store, session.providerNo) };
  }
  const html = renderConsentPage({
    contextPath: opts.contextPath, oauthToken: tokenId, applicationName: client?.name ?? '', applicationUri: client?.uri ?? '',
    scopes: rt.scopes.split(' ').filter((s) => s !== ''), loggedInAs, authenticityToken: randomUUID(),
  });
  sendBody(res, 200, 'text/html;charset=UTF-8', html);
}

/**
 * POST /ws/oauth/authorize (contract 2.3 step 2). `oauthDecision` is never read: "Cancel" approves
 * too. The provider was stored on the request token by /login.do (or the session merge).
 */
export function approve(store: ClinicStore, session: SimSession, req: Request, res: Response): void {
  const contentType = req.headers['content-type'] ?? null;
  if (contentType !== null && !isFormContentType(contentType)) { sendEmpty(res, 415); return; }
  const form = servletParams(bodyBuffer(req).toString('utf8'));
  const tokenId = form.find(([k]) => k === 'oauth_token')?.[1] ?? '';
  const text = (status: number, body: string): void => sendBody(res, status, 'text/plain', body);
  if (tokenId === '') { text(400, 'missing oauth_token'); return; }
  const rt = findRequestToken(store, tokenId);
  if (!rt) { text(400, 'invalid_request_token'); return; }
  if (session.providerNo === null) { text(401, 'login_required'); return; }
  const verifier = randomUUID();
  rt.verifier = verifier;
  if (rt.callback.toLowerCase() !== 'oob') {
    const sep = rt.callback.includes('?') ? '&' : '?';
    res.setHeader('Location', `${rt.callback}${sep}oauth_token=${formEncode(tokenId)}&oauth_verifier=${formEncode(verifier)}`);
    sendEmpty(res, 303);
    return;
  }
  text(200, `oauth_verifier=${formEncode(verifier)}`);
}

/** POST /ws/oauth/token (contract 2.3 step 3): 401 bodies are bare words, form-encoded type. */
export function accessToken(store: ClinicStore, req: Request, res: Response): void {
  if (req.method !== 'POST') { res.setHeader('Allow', 'POST'); sendEmpty(res, 405); return; }
  const view = servletView(req);
  let oreq: OAuth1Request;
  try { oreq = parseOAuth1Request(view); } catch { sendContainerErrorPage(res, 500, 'invalid_oauth_parameters'); return; }
  const fail = (word: string): void => sendBody(res, 401, FORM, word);
  const client = findClient(store, oreq.consumerKey);
  if (!client) { fail('invalid_consumer'); return; }
  const rt = findRequestToken(store, oreq.token);
  if (!rt) { fail('invalid_request_token'); return; }
  if (oreq.verifier === null || oreq.verifier !== rt.verifier) { fail('invalid_verifier'); return; }
  try {
    const signed = verifySignature(view, client.secret, tokenSecretsOf(store), nowSeconds(store));
    if (signed !== oreq.token) { fail('invalid_signature'); return; }
  } catch {
    fail('invalid_signature'); return;
  }
  const at = exchangeRequestToken(store, rt);
  sendBody(res, 200, FORM, `oauth_token=${formEncode(at.token)}&oauth_token_secret=${formEncode(at.secret)}`);
}
