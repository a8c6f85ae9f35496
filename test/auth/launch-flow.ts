// A browser without a browser: fetch with a cookie jar, following redirects by hand, to walk a
// SMART launch through the facade's authorization server, the simulator's OSCAR sign-in and
// consent page, and the facade's consent page. Every step's answer is kept for assertions.
import { createHash, randomBytes } from 'node:crypto';

/** One response; `setCookies` as sent, attributes included. */
export interface Hop { url: string; status: number; location?: string; body: string; setCookies: string[] }

/** The simulated clinic's OSCAR logins: a doctor (every privilege) and the billing clerk (role 'billing': no _demographic). */
export const DOCTOR = { name: 'oscardoc', password: 'mac2002' };
export const BILLING_CLERK = { name: 'jtremblay', password: 'Front-desk-2024!' };

/** Cookies by name and path; all test servers share one host (127.0.0.1), as a browser's jar ignores ports. */
export class Browser {
  readonly cookies = new Map<string, { value: string; path: string }>();
  readonly hops: Hop[] = [];

  #store(setCookie: string[]): void {
    for (const c of setCookie) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const path = attrs.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const maxAge = attrs.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('max-age='));
      const key = `${name}\u0000${path}`;
      if ((maxAge && Number(maxAge.slice(8)) <= 0) || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(key);
      else this.cookies.set(key, { value, path });
    }
  }

  #header(url: string): string {
    const path = new URL(url).pathname;
    return [...this.cookies.entries()].filter(([, c]) => path.startsWith(c.path)).map(([k, c]) => `${k.split('\u0000')[0]}=${c.value}`).join('; ');
  }

  /** One request, no redirect followed. */
  async request(url: string, init: { method?: string; form?: Record<string, string | string[]>; headers?: Record<string, string> } = {}): Promise<Hop> {
    const pairs: [string, string][] = Object.entries(init.form ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]]));
    const body = init.form ? new URLSearchParams(pairs).toString() : undefined;
    const res = await fetch(url, {
      method: init.method ?? (body ? 'POST' : 'GET'), redirect: 'manual',
      headers: { cookie: this.#header(url), ...(body && { 'content-type': 'application/x-www-form-urlencoded' }), ...init.headers },
      ...(body && { body }),
    });
    const setCookies = res.headers.getSetCookie();
    this.#store(setCookies);
    const location = res.headers.get('location') ?? undefined;
    const hop: Hop = { url, status: res.status, body: await res.text(), setCookies, ...(location && { location: new URL(location, url).href }) };
    this.hops.push(hop);
    return hop;
  }

  /** Follows redirects until an answer that is not one, or one to `stopAt` (not requested). */
  async follow(url: string, init: Parameters<Browser['request']>[1] = {}, stopAt?: (u: string) => boolean): Promise<Hop> {
    let hop = await this.request(url, init);
    for (let i = 0; i < 20 && hop.location; i++) {
      if (stopAt?.(hop.location)) return hop;
      hop = await this.request(hop.location);
    }
    return hop;
  }
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Form fields of the first form posting to a URL containing `action` (hidden inputs, checkboxes, radios). */
export function formOf(html: string, actionPart: string): { action: string; fields: Record<string, string>; scopes: string[]; patients: string[] } | undefined {
  const m = new RegExp(`<form method="post" action="([^"]*${actionPart.replace(/[/]/g, '\\/')}[^"]*)">([\\s\\S]*?)</form>`).exec(html);
  if (!m) return undefined;
  const unescape = (s: string): string => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  const fields: Record<string, string> = {};
  for (const h of m[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[h[1]!] = unescape(h[2]!);
  const scopes = [...m[2]!.matchAll(/name="scope" value="([^"]*)"/g)].map((x) => unescape(x[1]!));
  const patients = [...m[2]!.matchAll(/name="patient" value="([^"]*)" required/g)].map((x) => x[1]!);
  return { action: unescape(m[1]!), fields, scopes, patients };
}

export interface LaunchOptions {
  base: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  /** OSCAR login at the simulator's consent page. */
  user: { name: string; password: string };
  aud?: string;
  launch?: string;
  /** Patient name to search in the picker; the first result is chosen. */
  pick?: string;
  /** Scopes to untick on the consent page. */
  untick?: string[];
  decision?: 'allow' | 'deny';
  /** Send the authorization request as a form POST (authorize-post) instead of a GET. */
  post?: boolean;
  /** 'cancel': press OSCAR's Cancel, which approves anyway (contract 2.3). */
  oscarDecision?: 'allow' | 'cancel';
  /** Called with the consent form and its absolute action before the real decision is sent (forgery attempts). */
  beforeDecide?: (form: { action: string; fields: Record<string, string> }, browser: Browser) => Promise<void>;
}

export interface LaunchResult {
  browser: Browser;
  /** Where the app got sent back to, with code/state/error. */
  callback: URL;
  verifier: string;
  state: string;
  consentHtml?: string;
}

/**
 * At the simulator's OSCAR consent page (`hop`): logs in by AJAX as its script does, then
 * Authorize (or Cancel), following OSCAR's redirect back to the facade: the facade's next page.
 */
export async function signInAtOscar(browser: Browser, hop: Hop, user: { name: string; password: string }, o: { atApp?: (u: string) => boolean; decision?: 'allow' | 'cancel' } = {}): Promise<Hop> {
  const oscarPage = hop.url;
  const token = new URL(oscarPage).searchParams.get('oauth_token');
  if (!token) throw new Error(`expected OSCAR's consent page, got ${hop.status} at ${hop.url}: ${hop.body.slice(0, 300)}`);
  const oscarRoot = oscarPage.slice(0, oscarPage.indexOf('/ws/oauth/authorize'));
  const login = await browser.request(`${oscarRoot}/login.do`, { form: { username: user.name, password: user.password, pin: '', ajaxResponse: 'true', invalidate_session: 'false', oauth_token: token } });
  if (!/"success":true/.test(login.body)) throw new Error(`OSCAR login failed: ${login.body}`);
  return browser.follow(`${oscarRoot}/ws/oauth/authorize`, { form: { oauth_token: token, oauthDecision: o.decision === 'cancel' ? 'deny' : 'allow' } }, o.atApp);
}

/** Walks a launch up to the app's redirect URI. */
export async function launch(o: LaunchOptions, browser = new Browser()): Promise<LaunchResult> {
  const { verifier, challenge } = pkce();
  const state = randomBytes(16).toString('hex');
  const q = new URLSearchParams({
    response_type: 'code', client_id: o.clientId, redirect_uri: o.redirectUri, scope: o.scope, state,
    aud: o.aud ?? o.base, code_challenge: challenge, code_challenge_method: 'S256', ...(o.launch && { launch: o.launch }),
  });
  const atApp = (u: string): boolean => u.startsWith(o.redirectUri);
  let hop = o.post
    ? await browser.follow(`${o.base}/auth/authorize`, { form: Object.fromEntries(q) }, atApp)
    : await browser.follow(`${o.base}/auth/authorize?${q}`, {}, atApp);
  if (hop.location && atApp(hop.location)) return { browser, callback: new URL(hop.location), verifier, state };
  hop = await signInAtOscar(browser, hop, o.user, { atApp, ...(o.oscarDecision && { decision: o.oscarDecision }) });
  if (hop.location && atApp(hop.location)) return { browser, callback: new URL(hop.location), verifier, state };
  let consent = hop;
  if (o.pick) consent = await browser.request(`${consent.url.split('?')[0]}?q=${encodeURIComponent(o.pick)}`);
  const form = formOf(consent.body, '/decide');
  if (!form) throw new Error(`expected the facade's consent page, got ${consent.status} at ${consent.url}: ${consent.body.slice(0, 400)}`);
  const patient = form.patients[0] ?? form.fields.patient;
  const scopes = form.scopes.filter((s) => !(o.untick ?? []).includes(s));
  await o.beforeDecide?.({ action: new URL(form.action, consent.url).href, fields: form.fields }, browser);
  const decided = await browser.follow(new URL(form.action, consent.url).href, {
    form: { csrf: form.fields.csrf!, decision: o.decision ?? 'allow', scope: scopes, ...(patient && { patient }) },
  }, atApp);
  if (!decided.location) throw new Error(`the consent did not return to the app: ${decided.status} ${decided.body.slice(0, 400)}`);
  return { browser, callback: new URL(decided.location), verifier, state, consentHtml: consent.body };
}

/** Exchanges the code at the token endpoint (public client). */
export async function redeem(base: string, r: LaunchResult, o: { clientId: string; redirectUri: string; verifier?: string; auth?: Record<string, string> }): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${base}/auth/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: r.callback.searchParams.get('code') ?? '', redirect_uri: o.redirectUri,
      code_verifier: o.verifier ?? r.verifier, client_id: o.clientId, ...o.auth,
    }).toString(),
  });
  return { status: res.status, body: await res.json() as Record<string, unknown>, headers: res.headers };
}
