// The interaction steps oidc-provider hands to us (smart §5.2 A): who the user is comes from
// OSCAR's own 3-legged OAuth 1.0a (contract 2.3) — the request token is bound to this browser's
// interaction by a cookie, checked when OSCAR sends the browser back (CSRF) — and what the app
// gets comes from the facade's consent page (patient picker, selectable scopes, an explicit Deny,
// because OSCAR's Cancel approves). OSCAR's access token is kept in the vault, per provider.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type Provider from 'oidc-provider';
import type { DocumentStore } from '../../state/index.js';
import { authorizeUrl, exchange, HandshakeError, initiate, type Consumer } from '../../oscar/oauth1-handshake.js';
import type { ProxySettings } from '../../oscar/proxy.js';
import type { SmartClient } from '../clients.js';
import { parseScopes } from '../scopes.js';
import type { OscarToken, OscarTokenVault } from '../oscar/vault.js';
import { OscarRefused, OscarUnreachable, type OscarUserRest, type UserToken } from '../oscar/user-rest.js';
import { OscarAuthError, OscarRedirectError, OscarSignInEndedError, OscarUnavailableError } from '../../oscar/errors.js';
import type { Logger } from '../../logging.js';
import { consentPage, errorPage, scopeLabel, signInAgainPage } from './pages.js';
import type { EhrLaunch } from './ehr-launch.js';
import { rememberGrant } from './management.js';
import type { OscarTrust } from '../../oscar/tls-trust.js';
import { appScopeOf, CONTEXT_KIND, GRANT_TTL_S, SMART_WORDS, type GrantContext } from './provider.js';

export interface InteractionDeps {
  provider: Provider;
  /** FHIR base URL (the issuer). */
  issuer: string;
  clients: ReadonlyMap<string, SmartClient>;
  documents: DocumentStore;
  vault: OscarTokenVault;
  oscar: { url: string; consumer: Consumer; proxy?: ProxySettings; tls?: OscarTrust };
  userRest: OscarUserRest;
  https: boolean;
  /** EHR launches (ehr-launch.ts). */
  launches?: EhrLaunch;
  /** Where OSCAR's failures during the consent step are logged (typed, no PHI). */
  log?: Pick<Logger, 'warn'>;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const STEP_COOKIE = 'oscar_step';
const REQUEST_KIND = 'oscar-request';
const CONSENT_KIND = 'consent-csrf';
const STEP_TTL_MS = 10 * 60_000;

/** Constant-time equality of two strings of any length. */
function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

const providerOfAccount = (accountId: string | undefined): string | undefined =>
  accountId?.startsWith('oscar:') ? accountId.slice('oscar:'.length) : undefined;

/**
 * The policy of the pages whose form leaves the facade: no form-action, since Chromium applies it to
 * the redirects after the submission too, and these end at the app (consent) or at OSCAR's sign-in
 * (sign in again), which helmet's default `form-action 'self'` blocks.
 */
const FORM_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

/** The sign-in page when OSCAR redirected the facade's call: the operator's to fix, not the user's. */
const REDIRECTED = 'OSCAR sent the facade\'s sign-in call to another address. The facade\'s OSCAR address needs correcting: tell whoever runs this service.';

/**
 * What the clinician is told when OSCAR could not answer a call about patients, and what is logged;
 * `signInAgain`: OSCAR no longer accepts their sign-in, and the page offers it again instead.
 */
interface OscarTrouble { status: number; title: string; message: string; retryAfterSeconds?: number; signInAgain?: true; log: Record<string, unknown> }

/**
 * The user's REST call about patients (quickSearch, one patient) failed: each class in words for
 * the clinician — wait, or have the administrator fix the facade's OSCAR settings — never OSCAR's
 * own words, the search term or a patient. Undefined for anything else (a bug: thrown on).
 */
function oscarTrouble(e: unknown, step: string): OscarTrouble | undefined {
  const admin = 'Tell whoever runs this service.';
  if (e instanceof OscarSignInEndedError) {
    // contract 2.7: OSCAR refused the user's own token (deleted in OSCAR, or its provider gone):
    // neither waiting nor an administrator helps, signing in to OSCAR again does.
    return { status: 401, title: 'Sign in to OSCAR again', message: 'Your OSCAR sign-in has ended; sign in to OSCAR again.', signInAgain: true, log: { error: e.name, reason: e.code } };
  }
  if (e instanceof OscarAuthError) {
    // OSCAR refused the facade's own consumer, or the clocks disagree (contract 2.4): the same for every user.
    return { status: 502, title: 'OSCAR refused the facade', message: `OSCAR refused the facade's credentials, so patients cannot be looked up. ${admin}`, log: { error: e.name, reason: e.cause, hint: e.hint } };
  }
  if (e instanceof OscarRedirectError) {
    // docs/oscar-redirects.md: the configured address is not where OSCAR serves its web services.
    return { status: 502, title: 'OSCAR address needs correcting', message: `OSCAR sent the facade's call to another address, so patients cannot be looked up. The facade's OSCAR address needs correcting. ${admin}`, log: { error: e.name, status: e.status, hint: e.hint } };
  }
  if (e instanceof OscarUnreachable) {
    const cause = e.cause instanceof OscarUnavailableError ? e.cause : undefined;
    const log = { error: e.name, cause: (e.cause as Error | undefined)?.name, reason: cause?.reason, code: (e.cause as { code?: string } | undefined)?.code };
    // docs/oscar-tls.md: the facade's trust settings (or OSCAR's certificate) are at fault; waiting will not help.
    if (cause?.reason === 'tls') return { status: 502, title: 'OSCAR\'s certificate was refused', message: `The facade does not trust OSCAR's certificate, so patients cannot be looked up. The facade's OSCAR certificate settings need correcting. ${admin}`, log };
    // docs/proxy.md: the network's proxy refused to carry the call.
    if (cause?.reason === 'proxy') return { status: 502, title: 'OSCAR cannot be reached', message: `The network's proxy refused the facade's call to OSCAR, so patients cannot be looked up. ${admin}`, log };
    return { status: 503, title: 'OSCAR is not answering', message: 'OSCAR is not answering right now, so patients cannot be looked up. Try again in a moment.', retryAfterSeconds: e.retryAfterSeconds, log };
  }
  if (e instanceof OscarRefused && step === 'patient search') {
    // contract 3.1: quickSearch without the privilege _demographic is OSCAR's 500 error page, the
    // same page as any failure of it: for this user it most likely means OSCAR shows them no
    // patient, which retrying will not change. (A token OSCAR no longer accepts is its XMLFault
    // instead, contract 2.7: OscarSignInEndedError.)
    return { status: 403, title: 'No patient to show', message: 'No patient you may see in OSCAR matches: OSCAR refused the search for your account. Your OSCAR role may not allow looking up patients. If you should be able to, tell whoever runs this service.', log: { error: e.name } };
  }
  if (e instanceof OscarRefused) {
    return { status: 502, title: 'OSCAR could not look up patients', message: 'OSCAR could not look up patients just now. Try again; if it keeps failing, tell whoever runs this service.', log: { error: e.name } };
  }
  return undefined;
}

const patientLabel = (p: { lastName: string; firstName: string; dob: string | null }): string =>
  `${p.lastName}, ${p.firstName}${p.dob ? ` (born ${p.dob})` : ''}`;

export function interactionRoutes(d: InteractionDeps): Router {
  const router = express.Router();
  const base = new URL(d.issuer).pathname.replace(/\/$/, '');
  const here = (uid: string, tail = ''): string => `${base}/auth/interaction/${uid}${tail}`;
  const fail = (res: Response, status: number, title: string, message: string): void => {
    res.status(status).type('html').set('cache-control', 'no-store').send(errorPage(title, message));
  };
  const secure = d.https ? '; Secure' : '';

  /**
   * OSCAR no longer accepts the user's sign-in: the token it refused (`refused`; none when the vault
   * held none) leaves the vault, so the app's FHIR calls stop asking OSCAR too, but not one a new
   * sign-in put meanwhile (vault.ts deleteIf); the page offers OSCAR's sign-in again for this same
   * interaction.
   */
  const signInAgain = async (res: Response, uid: string, refused: OscarToken | undefined): Promise<void> => {
    if (refused) await d.vault.deleteIf(refused.providerNo, refused.token);
    res.status(401).type('html').set({ 'cache-control': 'no-store', 'content-security-policy': FORM_PAGE_CSP }).send(signInAgainPage(here(uid, '/oscar-again')));
  };

  /** OSCAR's sign-in could not be started: its redirect is the facade's configuration, anything else a passing state. */
  const handshakeFailed = (res: Response, e: unknown): boolean => {
    // A redirect from OSCAR is the facade's configuration (docs/oscar-redirects.md): waiting will not help.
    if (e instanceof HandshakeError && e.status !== undefined && e.status >= 300 && e.status <= 399) { fail(res, 502, 'OSCAR sign-in failed', REDIRECTED); return true; }
    if (e instanceof HandshakeError) { fail(res, 502, 'OSCAR is not answering', 'OSCAR could not start the sign-in. Try again in a moment.'); return true; }
    return false;
  };

  /** Logs OSCAR's failure at `step` (typed, no PHI) and sets its Retry-After; undefined for anything else. */
  const troubled = (res: Response, step: string, e: unknown): OscarTrouble | undefined => {
    const t = oscarTrouble(e, step);
    if (!t) return undefined;
    d.log?.warn({ ...t.log, step }, 'OSCAR could not answer a sign-in\'s call about patients');
    if (t.retryAfterSeconds !== undefined) res.set('retry-after', String(t.retryAfterSeconds));
    return t;
  };

  /** Sends the browser to OSCAR's consent page, the request token bound to this browser. */
  async function startOscarStep(req: Request, res: Response, uid: string, client: SmartClient | undefined): Promise<void> {
    // contract 2.4: OSCAR decodes callback URLs twice, so this one holds no '%' or '+' (uids are base64url).
    const absolute = new URL(here(uid, '/oscar'), d.issuer).href;
    const rt = await initiate(d.oscar.url, d.oscar.consumer, absolute, `SMART app: ${client?.name ?? client?.clientId ?? 'app'}`, { proxy: d.oscar.proxy, ...(d.oscar.tls && { tls: d.oscar.tls }) });
    const nonce = randomBytes(24).toString('base64url');
    await d.documents.put(REQUEST_KIND, rt.token, { secret: rt.secret, uid, nonce }, { ttlMs: STEP_TTL_MS });
    res.append('set-cookie', `${STEP_COOKIE}=${nonce}; Path=${base}/auth/interaction/; HttpOnly; SameSite=Lax; Max-Age=${STEP_TTL_MS / 1000}${secure}`);
    res.redirect(303, authorizeUrl(d.oscar.url, rt.token));
  }

  router.get('/auth/smart-style-v1.json', (_req, res) => {
    res.set({ 'cache-control': 'public, max-age=86400', 'access-control-allow-origin': '*' })
      .json({ color_background: '#ffffff', color_highlight: '#2b6cb0', color_text: '#1a202c', dim_border_radius: '4px', font_family: 'system-ui, sans-serif' });
  });

  router.get('/auth/interaction/:uid', async (req, res) => {
    let details;
    try { details = await d.provider.interactionDetails(req, res); } catch {
      fail(res, 400, 'Sign-in expired', 'This sign-in is no longer valid (it expired or was opened in another browser).'); return;
    }
    if (details.uid !== req.params.uid) { fail(res, 400, 'Sign-in expired', 'This sign-in does not belong to this browser.'); return; }
    const client = d.clients.get(String(details.params.client_id));
    try {
      if (details.prompt.name === 'login') { await startOscarStep(req, res, details.uid, client); return; }
      await showConsent(req, res, details, client);
    } catch (e) {
      if (!handshakeFailed(res, e)) throw e;
    }
  });

  /**
   * OSCAR's sign-in again, from the page that said it had ended: the same interaction, so the app's
   * request (client, scopes, launch, redirect) is kept; OSCAR sends the browser back to /oscar below.
   */
  router.get('/auth/interaction/:uid/oscar-again', async (req, res) => {
    let details;
    try { details = await d.provider.interactionDetails(req, res); } catch {
      fail(res, 400, 'Sign-in expired', 'This sign-in is no longer valid (it expired or was opened in another browser).'); return;
    }
    if (details.uid !== req.params.uid) { fail(res, 400, 'Sign-in expired', 'This sign-in does not belong to this browser.'); return; }
    try {
      await startOscarStep(req, res, details.uid, d.clients.get(String(details.params.client_id)));
    } catch (e) {
      if (!handshakeFailed(res, e)) throw e;
    }
  });

  /** OSCAR sends the browser back here after its consent page (contract 2.3 step 2). */
  router.get('/auth/interaction/:uid/oscar', async (req, res) => {
    const token = typeof req.query.oauth_token === 'string' ? req.query.oauth_token : '';
    const verifier = typeof req.query.oauth_verifier === 'string' ? req.query.oauth_verifier : '';
    const step = token ? await d.documents.get<{ secret: string; uid: string; nonce: string }>(REQUEST_KIND, token) : undefined;
    const cookie = cookieOf(req, STEP_COOKIE);
    // The request token must have been started by this browser for this very interaction (login CSRF).
    if (!step || step.value.uid !== req.params.uid || !cookie || !same(cookie, step.value.nonce)) {
      fail(res, 403, 'Sign-in refused', 'This OSCAR sign-in was not started from this browser.'); return;
    }
    if (!(await d.documents.consume(REQUEST_KIND, token))) { fail(res, 403, 'Sign-in refused', 'This OSCAR sign-in was already used.'); return; }
    await d.documents.delete(REQUEST_KIND, token);
    res.append('set-cookie', `${STEP_COOKIE}=; Path=${base}/auth/interaction/; HttpOnly; SameSite=Lax; Max-Age=0${secure}`);
    let pair: UserToken;
    let providerNo: string;
    try {
      pair = await exchange(d.oscar.url, d.oscar.consumer, { token, secret: step.value.secret }, verifier, { proxy: d.oscar.proxy, ...(d.oscar.tls && { tls: d.oscar.tls }) });
      providerNo = await d.userRest.providerOf(pair);
    } catch (e) {
      if (e instanceof OscarRedirectError || (e instanceof HandshakeError && e.status !== undefined && e.status >= 300 && e.status <= 399)) { fail(res, 502, 'OSCAR sign-in failed', REDIRECTED); return; }
      // The new token refused at once (contract 2.7: its provider gone) is no answer either.
      if (e instanceof HandshakeError || e instanceof OscarRefused || e instanceof OscarUnreachable || e instanceof OscarSignInEndedError) { fail(res, 502, 'OSCAR sign-in failed', 'OSCAR did not confirm who signed in. Start again.'); return; }
      if (e instanceof OscarAuthError) {
        // The facade's consumer or the clocks (contract 2.4): the same for every user, the administrator's to fix.
        d.log?.warn({ error: e.name, reason: e.cause, hint: e.hint, step: 'who signed in' }, 'OSCAR refused the facade at a sign-in');
        fail(res, 502, 'OSCAR sign-in failed', 'OSCAR refused the facade\'s credentials, so it cannot confirm who signed in. Tell whoever runs this service.'); return;
      }
      throw e;
    }
    await d.vault.put({ token: pair.token, secret: pair.secret, providerNo, obtainedAt: Date.now() });
    try {
      await d.provider.interactionFinished(req, res, { login: { accountId: `oscar:${providerNo}` } }, { mergeWithLastSubmission: false });
    } catch {
      fail(res, 400, 'Sign-in expired', 'This sign-in is no longer valid (it expired or was opened in another browser).');
    }
  });

  async function showConsent(req: Request, res: Response, details: Details, client: SmartClient | undefined): Promise<void> {
    if (!client) { fail(res, 400, 'Unknown app', 'This app is not registered here.'); return; }
    const providerNo = providerOfAccount(details.session?.accountId);
    const oscarToken = providerNo ? await d.vault.get(providerNo) : undefined;
    if (!providerNo) { fail(res, 401, 'Sign in again', 'Your OSCAR sign-in has expired. Start again from the app.'); return; }
    if (!oscarToken) { await signInAgain(res, details.uid, undefined); return; }
    const requested = String(details.params.scope ?? '');
    const scopes = appScopeOf(client, requested);
    const words = requested.split(' ');
    const launch = typeof details.params.launch === 'string' ? await d.launches?.record(details.params.launch) : undefined;
    if (typeof details.params.launch === 'string' && !launch) { fail(res, 400, 'Launch expired', 'This launch from OSCAR has expired. Open the app from OSCAR again.'); return; }
    // The link named the provider logged into OSCAR where it was clicked: another signed-in user is refused.
    if (launch?.providerHint !== undefined && launch.providerHint !== providerNo) {
      fail(res, 403, 'Different OSCAR user', 'The app was opened from OSCAR by another provider than the one signed in here. Log out of OSCAR in this browser, or open the app from your own OSCAR session.'); return;
    }
    const needsPatient = words.includes('launch/patient') || parseScopes(scopes).resource.some((s) => s.context === 'patient');
    let confirmPatient: { id: number; label: string } | undefined;
    let picker;
    let trouble: OscarTrouble | undefined;
    if (needsPatient && launch?.patient) {
      let p;
      try { p = await d.userRest.patient(oscarToken, Number(launch.patient)); } catch (e) {
        const t = troubled(res, 'launch patient', e);
        if (!t) throw e;
        if (t.signInAgain) await signInAgain(res, details.uid, oscarToken);
        else fail(res, t.status, t.title, t.message);
        return;
      }
      if (!p) { fail(res, 403, 'Patient not available', 'OSCAR does not let you see the patient this launch named.'); return; }
      confirmPatient = { id: p.demographicNo, label: patientLabel(p) };
    } else if (needsPatient) {
      const term = typeof req.query.q === 'string' ? req.query.q.slice(0, 60) : '';
      let results: Awaited<ReturnType<OscarUserRest['quickSearch']>> = [];
      try { if (term.trim() !== '') results = await d.userRest.quickSearch(oscarToken, term.trim()); } catch (e) {
        trouble = troubled(res, 'patient search', e);
        if (!trouble) throw e;
        if (trouble.signInAgain) { await signInAgain(res, details.uid, oscarToken); return; }
      }
      // The page stays (its search form too, to try again), with OSCAR's trouble instead of "no patient".
      picker = { searchAction: here(details.uid), term, searched: term.trim() !== '', results: results.map((p) => ({ id: p.demographicNo, label: patientLabel(p) })), ...(trouble && { trouble: trouble.message }) };
    }
    // An app the clinic marked trusted_ehr_launch skips this page on an EHR launch that named the
    // signed-in provider (the OSCAR sign-in, that match and OSCAR's patient check above still ran):
    // it gets what it asked within its registration, and shows the patient itself (nobody confirmed
    // it here).
    if (client.trustedEhrLaunch && launch?.providerHint === providerNo && (!needsPatient || confirmPatient)) {
      await finishConsent(req, res, details, client, providerNo, scopes, confirmPatient?.id, false);
      return;
    }
    const csrf = randomBytes(24).toString('base64url');
    await d.documents.put(CONSENT_KIND, details.uid, { csrf }, { ttlMs: STEP_TTL_MS });
    const userName = `provider ${providerNo}`;
    res.status(trouble?.status ?? 200).type('html').set({ 'cache-control': 'no-store', 'content-security-policy': FORM_PAGE_CSP })
      .send(consentPage({
        action: here(details.uid, '/decide'), csrf, appName: client.name ?? client.clientId, userName,
        scopes: scopes.map((s) => ({ value: s, label: scopeLabel(s) })),
        ...(picker && { picker }), ...(confirmPatient && { confirmPatient }),
        offline: words.includes('offline_access'),
      }));
  }

  router.post('/auth/interaction/:uid/decide', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    let details;
    try { details = await d.provider.interactionDetails(req, res); } catch {
      fail(res, 400, 'Sign-in expired', 'This sign-in is no longer valid.'); return;
    }
    const form = req.body as Record<string, string | string[] | undefined>;
    const csrf = await d.documents.get<{ csrf: string }>(CONSENT_KIND, details.uid);
    if (details.uid !== req.params.uid || details.prompt.name !== 'consent' || !csrf || typeof form.csrf !== 'string' || !same(form.csrf, csrf.value.csrf)) {
      fail(res, 403, 'Request refused', 'This form was not sent from the page this server showed.'); return;
    }
    await d.documents.delete(CONSENT_KIND, details.uid);
    const client = d.clients.get(String(details.params.client_id));
    const accountId = details.session?.accountId;
    const providerNo = providerOfAccount(accountId);
    if (!client || !accountId || !providerNo) { fail(res, 400, 'Sign-in expired', 'This sign-in is no longer valid.'); return; }
    if (form.decision !== 'allow') {
      await d.provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the user denied access' }, { mergeWithLastSubmission: false });
      return;
    }
    const allowed = new Set(appScopeOf(client, String(details.params.scope ?? '')));
    const ticked = (Array.isArray(form.scope) ? form.scope : form.scope ? [form.scope] : []).filter((s) => allowed.has(s));
    const id = typeof form.patient === 'string' && /^[1-9][0-9]{0,9}$/.test(form.patient) ? Number(form.patient) : undefined;
    await finishConsent(req, res, details, client, providerNo, ticked, id, true);
  });

  /**
   * Records the grant (the scopes kept, the patient OSCAR lets this user see) and hands the
   * interaction back to oidc-provider. `onScreen`: the user saw the consent page (an EHR launch's
   * patient was confirmed there, so the app needs no banner).
   */
  async function finishConsent(req: Request, res: Response, details: Details, client: SmartClient, providerNo: string, ticked: string[], id: number | undefined, onScreen: boolean): Promise<void> {
    const accountId = `oscar:${providerNo}`;
    const allowed = new Set(appScopeOf(client, String(details.params.scope ?? '')));
    const requestedWords = String(details.params.scope ?? '').split(' ');
    const words = SMART_WORDS.filter((w) => requestedWords.includes(w) && (client.otherScopes.includes(w) || w === 'openid'));
    const context: GrantContext = {};
    const needsPatient = words.includes('launch/patient') || parseScopes(ticked).resource.some((s) => s.context === 'patient');
    if (needsPatient) {
      const token = await d.vault.get(providerNo);
      if (!token) { await signInAgain(res, details.uid, undefined); return; }
      let p;
      try { p = id !== undefined ? await d.userRest.patient(token, id) : undefined; } catch (e) {
        const t = troubled(res, 'chosen patient', e);
        if (!t) throw e;
        if (t.signInAgain) await signInAgain(res, details.uid, token);
        else fail(res, t.status, t.title, t.message);
        return;
      }
      if (!p) { fail(res, 400, 'Choose a patient', 'Choose a patient you may see in OSCAR (search, then pick one).'); return; }
      context.patient = String(p.demographicNo);
      const launchId = typeof details.params.launch === 'string' ? details.params.launch : undefined;
      const launched = launchId ? await d.launches?.record(launchId) : undefined;
      // An EHR launch's patient is the one confirmed on screen, never another one posted instead.
      if (launched?.patient !== undefined && launched.patient !== String(p.demographicNo)) { fail(res, 400, 'Patient changed', 'The patient does not match the launch.'); return; }
      // In an EHR launch confirmed here OSCAR's own screen shows the patient; otherwise the app must show it.
      context.needPatientBanner = launchId === undefined || !onScreen;
      if (launchId) context.launchId = launchId;
    }
    if (context.launchId && !(await d.launches?.consume(context.launchId))) { fail(res, 400, 'Launch already used', 'This launch from OSCAR was already used. Open the app from OSCAR again.'); return; }
    const grant = new d.provider.Grant({ accountId, clientId: client.clientId });
    if (words.length) grant.addOIDCScope(words.join(' '));
    if (ticked.length) grant.addResourceScope(d.issuer, ticked.join(' '));
    // What was asked and not granted is rejected, so oidc-provider does not ask again for it.
    const unticked = [...allowed].filter((w) => !ticked.includes(w));
    if (unticked.length) grant.rejectResourceScope(d.issuer, unticked.join(' '));
    const refusedWords = SMART_WORDS.filter((w) => requestedWords.includes(w) && !words.includes(w));
    if (refusedWords.length) grant.rejectOIDCScope(refusedWords.join(' '));
    const grantId = await grant.save();
    await d.documents.put(CONTEXT_KIND, grantId, context, { ttlMs: GRANT_TTL_S * 1000, lookup: { grantId } });
    await rememberGrant(d.documents, accountId, grantId);
    await d.provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  return router;
}
