// The management page (smart §1.1 management_endpoint): a user signed in here through OSCAR sees
// the apps they authorised — for which patient, with which scopes — and revokes any of them; a
// revocation ends the grant's access and refresh tokens at once (they are looked up per request).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type Provider from 'oidc-provider';
import type { DocumentStore } from '../../state/index.js';
import type { SmartClient } from '../clients.js';
import { errorPage, escapeHtml, page, scopeLabel } from './pages.js';
import { CONTEXT_KIND, GRANT_TTL_S, type GrantContext } from './provider.js';

const ACCOUNT_KIND = 'smart-account-grants';
const CSRF_KIND = 'apps-csrf';

/** Remembers that `accountId` authorised `grantId` (the page lists them). */
export async function rememberGrant(documents: DocumentStore, accountId: string, grantId: string): Promise<void> {
  const kept = (await documents.get<{ grants: string[] }>(ACCOUNT_KIND, accountId))?.value.grants ?? [];
  await documents.put(ACCOUNT_KIND, accountId, { grants: [...kept.slice(-99), grantId] }, { ttlMs: GRANT_TTL_S * 1000 });
}

export function managementRoutes(o: { provider: Provider; issuer: string; clients: ReadonlyMap<string, SmartClient>; documents: DocumentStore }): Router {
  const router = express.Router();
  const base = new URL(o.issuer).pathname.replace(/\/$/, '');
  const action = `${base}/auth/apps`;

  async function accountOf(req: Request, res: Response): Promise<{ accountId: string; sessionUid: string } | undefined> {
    const session = await o.provider.Session.get({ req, res } as unknown as Parameters<Provider['Session']['get']>[0]);
    return session?.accountId ? { accountId: session.accountId, sessionUid: session.uid } : undefined;
  }

  async function liveGrants(accountId: string): Promise<{ id: string; client: string; scope: string; patient?: string }[]> {
    const ids = (await o.documents.get<{ grants: string[] }>(ACCOUNT_KIND, accountId))?.value.grants ?? [];
    const out = [];
    for (const id of ids) {
      const grant = await o.provider.Grant.find(id);
      if (!grant) continue;
      const ctx = (await o.documents.get<GrantContext>(CONTEXT_KIND, id))?.value;
      const client = o.clients.get(grant.clientId ?? '');
      out.push({ id, client: client?.name ?? grant.clientId ?? '', scope: grant.getResourceScope(o.issuer), ...(ctx?.patient && { patient: ctx.patient }) });
    }
    return out;
  }

  router.get('/auth/apps', async (req, res) => {
    const who = await accountOf(req, res);
    res.set({ 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'" });
    if (!who) { res.status(401).type('html').send(errorPage('Not signed in', 'Open one of your SMART apps in this browser first: this page shows the apps you authorised here.')); return; }
    const csrf = randomBytes(24).toString('base64url');
    await o.documents.put(CSRF_KIND, who.sessionUid, { csrf }, { ttlMs: 3_600_000 });
    const grants = await liveGrants(who.accountId);
    const rows = grants.map((g) => `<li><strong>${escapeHtml(g.client)}</strong>${g.patient ? ` — patient ${escapeHtml(g.patient)}` : ''}<br>
${g.scope.split(' ').filter(Boolean).map((sc) => escapeHtml(scopeLabel(sc))).join('<br>')}
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><input type="hidden" name="grant" value="${escapeHtml(g.id)}"><button type="submit">Revoke</button></form></li>`).join('\n');
    res.type('html').send(page('Your SMART apps', `<h1>Apps you authorised</h1>${grants.length ? `<ul>${rows}</ul>` : '<p>None.</p>'}`));
  });

  router.post('/auth/apps', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const who = await accountOf(req, res);
    const form = req.body as Record<string, unknown>;
    const kept = who ? (await o.documents.get<{ csrf: string }>(CSRF_KIND, who.sessionUid))?.value.csrf : undefined;
    const sent = typeof form.csrf === 'string' ? form.csrf : '';
    if (!who || !kept || sent.length !== kept.length || !timingSafeEqual(Buffer.from(sent), Buffer.from(kept))) {
      res.status(403).type('html').send(errorPage('Request refused', 'This form was not sent from the page this server showed.')); return;
    }
    const grantId = typeof form.grant === 'string' ? form.grant : '';
    const mine = (await o.documents.get<{ grants: string[] }>(ACCOUNT_KIND, who.accountId))?.value.grants ?? [];
    if (!mine.includes(grantId)) { res.status(404).type('html').send(errorPage('Unknown app', 'You did not authorise this.')); return; }
    // Every token, code and the launch context of the grant carry its grantId (adapter.ts), then the grant itself.
    await o.documents.deleteBy('grantId', grantId);
    await o.documents.delete('oidc:Grant', grantId);
    res.redirect(303, action);
  });

  return router;
}
