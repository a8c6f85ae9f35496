// What the audit trail keeps of a token request: the client, the outcome and the reason, never more.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { tokenAuditOf } from '../../src/auth/server/token-audit.js';

/** Only the parts of oidc-provider's context that tokenAuditOf reads. */
const ctxOf = (o: { clientId?: string; remoteAddress?: string; body?: unknown }): KoaContextWithOIDC =>
  ({
    req: { socket: { remoteAddress: o.remoteAddress } },
    oidc: o.clientId === undefined ? undefined : { client: { clientId: o.clientId } },
    body: o.body,
  }) as unknown as KoaContextWithOIDC;

describe('tokenAuditOf', () => {
  it('records a refusal with the client, the address and the most specific reason', () => {
    const err = Object.assign(new Error('x'), { status: 401, error: 'invalid_client', error_description: 'client authentication failed', error_detail: 'jti already used' });
    assert.deepEqual(tokenAuditOf(ctxOf({ clientId: 'app-1', remoteAddress: '10.0.0.9' }), err), {
      status: 401, error: 'invalid_client', reason: 'jti already used', clientId: 'app-1', remoteAddress: '10.0.0.9',
    });
  });

  it('falls back to the description, then to a server error, and leaves out what it does not know', () => {
    const described = Object.assign(new Error('x'), { status: 400, error: 'invalid_grant', error_description: 'grant request is invalid' });
    assert.deepEqual(tokenAuditOf(ctxOf({}), described), { status: 400, error: 'invalid_grant', reason: 'grant request is invalid' });
    assert.deepEqual(tokenAuditOf(ctxOf({}), new Error('boom')), { status: 500, error: 'server_error', reason: 'internal error' });
  });

  it('records a success with the granted scope but never the token', () => {
    const body = { access_token: 'secret-token', scope: 'system/Patient.rs', token_type: 'Bearer' };
    assert.deepEqual(tokenAuditOf(ctxOf({ clientId: 'app-2', remoteAddress: '::1', body })), {
      status: 200, clientId: 'app-2', scope: 'system/Patient.rs', remoteAddress: '::1',
    });
    assert.deepEqual(tokenAuditOf(ctxOf({ body: { access_token: 't' } })), { status: 200 });
  });
});
