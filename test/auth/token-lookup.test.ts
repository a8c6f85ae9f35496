// Who a bearer token of this server's own belongs to (token-lookup.ts), with oidc-provider's token
// models replaced by two maps: an app's access token or a backend client's token, for this FHIR
// base only, from a client still registered; the launch patient and the OSCAR user come from the
// token, never from the request.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Provider from 'oidc-provider';
import { tokenLookup } from '../../src/auth/server/token-lookup.js';

const BASE = 'https://fhir.example.org/fhir';

interface Stored { aud?: unknown; clientId?: string; accountId?: string; scope?: string; extra?: unknown }

function lookupOver(access: Record<string, Stored>, credentials: Record<string, Stored>, registered = ['app', 'backend']) {
  const provider = {
    AccessToken: { find: async (v: string) => access[v] },
    ClientCredentials: { find: async (v: string) => credentials[v] },
  } as unknown as Provider;
  return tokenLookup(provider, BASE, (id) => registered.includes(id));
}

describe('tokenLookup', () => {
  it('an app\'s token: its client, user, OSCAR provider, scopes, patient and fhirUser', async () => {
    const lookup = lookupOver({
      t1: { aud: BASE, clientId: 'app', accountId: 'oscar:999998', scope: 'openid patient/Patient.rs', extra: { patient: '1001', fhirUser: 'Practitioner/999998' } },
    }, {});
    const auth = await lookup('t1');
    assert.deepEqual({ ...auth, scopes: auth?.scopes?.map((s) => `${s.context}/${s.type}.${[...s.perms].join('')}`) }, {
      kind: 'token', clientId: 'app', subject: 'oscar:999998', scopes: ['patient/Patient.rs'],
      patient: '1001', fhirUser: 'Practitioner/999998', oscarProvider: '999998', issuer: 'local',
    });
  });

  it('a backend client\'s token is found when no app token has that value; its subject is the client', async () => {
    const lookup = lookupOver({}, { c1: { aud: `${BASE}/`, clientId: 'backend', scope: 'system/Observation.rs' } });
    const auth = await lookup('c1');
    assert.deepEqual({ ...auth, scopes: auth?.scopes?.map((s) => `${s.context}/${s.type}`) }, {
      kind: 'token', clientId: 'backend', subject: 'backend', scopes: ['system/Observation'], issuer: 'local',
    });
  });

  it('an app token is tried first when both stores know the value', async () => {
    const lookup = lookupOver({ same: { aud: BASE, clientId: 'app', scope: '' } }, { same: { aud: BASE, clientId: 'backend', scope: '' } });
    assert.equal((await lookup('same'))?.clientId, 'app');
  });

  it('unknown tokens, tokens for another audience and tokens of clients no longer registered find nobody', async () => {
    const lookup = lookupOver({
      other: { aud: 'https://other.example.org/fhir', clientId: 'app', scope: 'user/Patient.rs' },
      prefix: { aud: `${BASE}x`, clientId: 'app', scope: 'user/Patient.rs' },
      many: { aud: [BASE], clientId: 'app', scope: 'user/Patient.rs' },
      none: { clientId: 'app', scope: 'user/Patient.rs' },
      gone: { aud: BASE, clientId: 'removed-app', scope: 'user/Patient.rs' },
      anonymous: { aud: BASE, scope: 'user/Patient.rs' },
    }, {});
    for (const value of ['missing', 'other', 'prefix', 'many', 'none', 'gone', 'anonymous']) assert.equal(await lookup(value), undefined, value);
  });

  it('a user who is not an OSCAR provider has no oscarProvider; launch values that are not text are left out; no scope is no scopes', async () => {
    const lookup = lookupOver({ t: { aud: BASE, clientId: 'app', accountId: 'someone', extra: { patient: 1001, fhirUser: ['Practitioner/1'] } } }, {});
    assert.deepEqual(await lookup('t'), { kind: 'token', clientId: 'app', subject: 'someone', scopes: [], issuer: 'local' });
    const bare = lookupOver({ t: { aud: BASE, clientId: 'app', accountId: 'xoscar:5' } }, {});
    assert.equal((await bare('t'))?.oscarProvider, undefined);
  });
});
