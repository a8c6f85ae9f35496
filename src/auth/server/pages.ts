// The facade's own sign-in pages (smart §5.2 A steps 5-6): the consent page with its patient
// picker, selectable resource types and an explicit Deny (OSCAR's own Cancel approves: contract
// 2.3), the error page shown instead of a redirect, and the page that sends the user through
// OSCAR's sign-in again. Plain HTML, no script, every value escaped.

export function escapeHtml(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
fieldset{margin:1rem 0}button{margin-right:1rem;padding:.4rem 1rem}.deny{background:#eee}</style></head>
<body>${body}</body></html>`;
}

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p>Close this window and start again from the app or from OSCAR.</p>`);
}

/**
 * OSCAR no longer accepts the user's sign-in (contract 2.7): the way back through OSCAR's own
 * sign-in at `action`, which keeps the app's request (the same interaction resumes afterwards).
 */
export function signInAgainPage(action: string): string {
  const title = 'Sign in to OSCAR again';
  return page(title, `<h1>${escapeHtml(title)}</h1><p role="alert">Your OSCAR sign-in has ended; sign in to OSCAR again.</p>
<form method="get" action="${escapeHtml(action)}"><button type="submit">Sign in to OSCAR</button></form>
<p>The app's request is kept: once you have signed in, it carries on where it stopped.</p>`);
}

export interface ConsentView {
  action: string;
  csrf: string;
  appName: string;
  userName: string;
  /** Resource scopes requested, each a checkbox (unticking one leaves it out of the grant). */
  scopes: { value: string; label: string }[];
  /** Shown when the app asked for a patient and none is in context yet; `trouble`: why OSCAR could not search. */
  picker?: { searchAction: string; term: string; results: { id: number; label: string }[]; searched: boolean; trouble?: string };
  /** The patient an EHR launch named, to confirm on screen. */
  confirmPatient?: { id: number; label: string };
  offline: boolean;
}

const PERMS: Record<string, string> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' };

/** A scope in words: "read and search Immunization records of the selected patient". */
export function scopeLabel(scope: string): string {
  const m = /^(patient|user)\/(\*|[A-Za-z]+)\.(.+)$/.exec(scope);
  if (!m) return scope;
  const suffix = m[3]!;
  const perms = suffix === 'read' ? 'rs' : suffix === 'write' ? 'cud' : suffix === '*' ? 'cruds' : suffix;
  const verbs = [...perms].map((p) => PERMS[p]).filter(Boolean).join(', ');
  const what = m[2] === '*' ? 'all records' : `${m[2]} records`;
  return `${verbs} ${what} ${m[1] === 'patient' ? 'of the selected patient' : 'you can see in OSCAR'}`;
}

export function consentPage(v: ConsentView): string {
  const scopes = v.scopes.map((s) => `<label><input type="checkbox" name="scope" value="${escapeHtml(s.value)}" checked> ${escapeHtml(s.label)}</label><br>`).join('\n');
  const picker = v.picker ? `<fieldset><legend>Patient</legend>
${v.picker.results.map((r) => `<label><input type="radio" name="patient" value="${r.id}" required> ${escapeHtml(r.label)}</label><br>`).join('\n')}
${v.picker.trouble ? `<p role="alert">${escapeHtml(v.picker.trouble)}</p>` : v.picker.searched && v.picker.results.length === 0 ? '<p>No patient you may see in OSCAR matches.</p>' : ''}
</fieldset>` : '';
  const confirm = v.confirmPatient ? `<fieldset><legend>Patient</legend><p>The app opens for <strong>${escapeHtml(v.confirmPatient.label)}</strong>. Check this is the patient you meant.</p>
<input type="hidden" name="patient" value="${v.confirmPatient.id}"></fieldset>` : '';
  const search = v.picker ? `<form method="get" action="${escapeHtml(v.picker.searchAction)}"><label>Find a patient (last name, first name): <input name="q" value="${escapeHtml(v.picker.term)}"></label> <button type="submit">Search</button></form>` : '';
  return page(`Allow ${v.appName}?`, `<h1>Allow “${escapeHtml(v.appName)}” to use OSCAR records?</h1>
<p>Signed in at OSCAR as ${escapeHtml(v.userName)}. The app sees no more than you may see in OSCAR.</p>
${search}
<form method="post" action="${escapeHtml(v.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(v.csrf)}">
${picker}${confirm}
<fieldset><legend>The app may</legend>
${scopes}
</fieldset>
${v.offline ? '<p>The app may keep access after you close it, until you revoke it.</p>' : ''}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="deny" formnovalidate>Deny</button>
</form>`);
}
