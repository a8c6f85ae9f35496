// The 3rd-party consent page (login/3rdpartyLogin.jsp, contract 2.3 step 2): client name, URI and
// scopes; a login form that AJAX-posts to /login.do; an "Authorize" form posting to
// /ws/oauth/authorize. Stable ids (#username, #password, #login, #authorize) for people and robots.

export interface ConsentPageModel {
  contextPath: string;
  oauthToken: string;
  applicationName: string;
  applicationUri: string;
  scopes: string[];
  /** Set when the browser's session is already logged in (OAuthSessionMerger). */
  loggedInAs: { providerNo: string; name: string } | null;
  authenticityToken: string;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export function renderConsentPage(m: ConsentPageModel): string {
  const ctx = esc(m.contextPath);
  const scopes = m.scopes.length
    ? `<ul id="scopes">${m.scopes.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>`
    : '<p id="scopes">No specific permissions were requested.</p>';
  const loggedIn = m.loggedInAs !== null;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><title>OSCAR - Authorize ${esc(m.applicationName)}</title>
<style>body{font-family:sans-serif;max-width:32em;margin:2em auto}label{display:block;margin:.5em 0}.error{color:#b00}</style>
</head>
<body data-context-path="${ctx}" data-oauth-token="${esc(m.oauthToken)}">
<h2>Third-party application access</h2>
<p>The application <strong id="appName">${esc(m.applicationName)}</strong>
(<a id="appUri" href="${esc(m.applicationUri)}">${esc(m.applicationUri)}</a>) is requesting access to OSCAR on your behalf.</p>
<h3>Requested permissions</h3>
${scopes}
<section id="loginSection"${loggedIn ? ' hidden' : ''}>
<h3>Log in to OSCAR</h3>
<form id="loginForm" autocomplete="off">
<label for="username">User name <input id="username" name="username" type="text" required></label>
<label for="password">Password <input id="password" name="password" type="password" required></label>
<label for="pin">PIN <input id="pin" name="pin" type="password" inputmode="numeric"></label>
<button id="login" type="submit">Log in</button>
<p id="loginError" class="error" role="alert"></p>
</form>
</section>
<section id="authorizeSection"${loggedIn ? '' : ' hidden'}>
<p>Logged in as <span id="providerName">${loggedIn ? esc(m.loggedInAs?.name ?? '') : ''}</span>.</p>
<form id="authorizeForm" method="POST" action="${ctx}/ws/oauth/authorize">
<input type="hidden" name="oauth_token" value="${esc(m.oauthToken)}">
<input type="hidden" name="session_authenticity_token" value="${esc(m.authenticityToken)}">
<button id="authorize" type="submit" name="oauthDecision" value="allow">Authorize</button>
<button id="cancel" type="submit" name="oauthDecision" value="deny">Cancel</button>
</form>
</section>
<script src="${ctx}/login/3rdpartyLogin.js"></script>
</body></html>`;
}

/** Served as a same-origin file so a strict Content-Security-Policy does not block it. */
export const CONSENT_PAGE_SCRIPT = `(function () {
  var body = document.body;
  var ctx = body.getAttribute('data-context-path') || '';
  var token = body.getAttribute('data-oauth-token') || '';
  var form = document.getElementById('loginForm');
  if (!form) return;
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var params = new URLSearchParams();
    params.set('username', document.getElementById('username').value);
    params.set('password', document.getElementById('password').value);
    params.set('pin', document.getElementById('pin').value);
    params.set('ajaxResponse', 'true');
    params.set('oauth_token', token);
    params.set('invalidate_session', 'false');
    fetch(ctx + '/login.do', { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: params.toString() })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (j && j.success) {
          document.getElementById('providerName').textContent = j.providerName;
          document.getElementById('loginSection').hidden = true;
          document.getElementById('authorizeSection').hidden = false;
        } else {
          document.getElementById('loginError').textContent = (j && j.error) || 'Login failed';
        }
      })
      .catch(function () { document.getElementById('loginError').textContent = 'Login failed'; });
  });
})();
`;
