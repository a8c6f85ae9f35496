// The scope check that can run before a request body is read (src/http/body-admission.ts): a
// token with no permission at all for the attempted interaction gets the same 403 the router's
// check (enforce.ts) would give, without the server reading and parsing a body it will refuse.
// Compartment rules need the resource, so they stay with the router.
import type { Attempt } from '../http/body-admission.js';
import type { AuditFacts, AuthContext } from './context.js';
import { insufficientScope, missingToken } from './errors.js';
import { accessFor, PERMISSION_ORDER } from './scopes.js';

const VERB: Record<Attempt, string> = { c: 'create', u: 'update', s: 'search', any: 'use' };

/** Throws the 401/403; `facts` (the request's audit facts) get the reason, as enforce.ts records it. */
export function refuseWithoutScope(auth: unknown, type: string, attempt: Attempt, facts?: AuditFacts): void {
  const a = auth as AuthContext | undefined;
  if (a?.kind !== 'token') {
    if (facts) facts.denial = 'no access token';
    throw missingToken();
  }
  const perms = attempt === 'any' ? PERMISSION_ORDER : [attempt];
  if (perms.some((p) => accessFor(a.scopes ?? [], type, p))) return;
  if (facts) facts.denial = `insufficient_scope ${type}.${attempt === 'any' ? PERMISSION_ORDER.join('') : attempt}`;
  const context = a.patient ? 'patient' : a.scopes?.some((s) => s.context === 'user') ? 'user' : 'system';
  throw insufficientScope(`This access token may not ${VERB[attempt]} ${type}`, `${context}/${type}.${attempt === 'any' ? 'r' : attempt}`);
}
