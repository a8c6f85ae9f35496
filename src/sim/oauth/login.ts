import type { Request, Response } from 'express';
import type { ClinicStore } from '../clinic/store.js';
import type { SimOptions } from '../options.js';
import { wallDateOf } from '../wall-clock.js';
import { sendBody } from '../rest/errors.js';
import { formatProviderName } from './endpoints.js';
import { parameter, servletView } from './request-view.js';
import type { SessionRegistry, SimSession } from './session.js';
import { rawRequestToken } from './tokens.js';

/** OWASP Encode.forJavaScript, as Login2Action applies it to providerName. */
function encodeForJavaScript(s: string): string {
  return s.replace(/[\\'"/&\u0000-\u001f]/g, (c) => {
    switch (c) {
      case '\\': return '\\\\';
      case '/': return '\\/';
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      default: return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    }
  });
}

/**
 * POST /login.do (Login2Action) as the consent page uses it: checks a security row's user name and
 * password, starts a logged-in session, stores the provider on the request token named by
 * `oauth_token`, and answers JSON when `ajaxResponse=true`.
 */
export function login(store: ClinicStore, opts: SimOptions, sessions: SessionRegistry, session: SimSession, req: Request, res: Response): void {
  const ctx = opts.contextPath;
  const redirect = (url: string): void => { res.setHeader('Location', url); res.status(302).end(); };
  if (req.method !== 'POST') { redirect(`${ctx}/loginfailed.jsp?errormsg=Application Error. See Log.`); return; }
  const view = servletView(req);
  const ajax = (parameter(view, 'ajaxResponse') ?? '').toLowerCase() === 'true';
  const json = (body: Record<string, unknown>): void => sendBody(res, 200, 'text/x-json', JSON.stringify(body));

  let userName = parameter(view, 'username') ?? '';
  if (!/^[a-zA-Z0-9]{1,10}$/.test(userName)) userName = 'Invalid Username';
  const password = parameter(view, 'password') ?? '';
  const sec = store.data.security.find((s) => s.userName === userName && s.password === password);
  if (!sec || sec.providerNo === null) {
    if (ajax) { json({ success: false, error: 'Invalid Credentials' }); return; }
    redirect(`${ctx}/logout.do?login=failed`);
    return;
  }
  if (sec.expireDate !== null && sec.expireDate < wallDateOf(store.now(), store.serverZone)) {
    if (ajax) { json({ success: false, error: 'Your account is expired. Please contact your administrator.' }); return; }
    redirect(`${ctx}/loginfailed.jsp?errormsg=Your account is expired. Please contact your administrator.`);
    return;
  }
  const provider = store.provider(sec.providerNo);
  if (!provider || provider.status === '0') {
    // Login2Action redirects here even for AJAX callers
    redirect(`${ctx}/loginfailed.jsp?errormsg=Your account is inactive. Please contact your administrator to activate.`);
    return;
  }
  // the consent page sends invalidate_session=false ("it messes up authenticity of OAUTH")
  const active = parameter(view, 'invalidate_session') === 'false' ? session : sessions.renew(session, res);
  active.providerNo = provider.providerNo;
  active.maxInactiveMs = 7_200_000;

  const tokenId = parameter(view, 'oauth_token');
  if (tokenId !== null) {
    const rt = rawRequestToken(store, tokenId);
    if (rt) rt.providerNo = provider.providerNo;
  }
  if (ajax) {
    json({ success: true, providerName: encodeForJavaScript(formatProviderName(store, provider.providerNo)), providerNo: provider.providerNo });
    return;
  }
  sendBody(res, 200, 'text/html;charset=UTF-8',
    '<!DOCTYPE html><html><head><meta charset="UTF-8"><title>OSCAR</title></head><body><p>Logged in.</p></body></html>');
}
