// What the authorization server keeps in the facade state: oidc-provider's models through the
// adapter (adapter.ts) — expiry, lookups, consumption, revocation by grant — and the signing and
// cookie keys (keys.ts), made once and shared by every instance on the same state.
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { adapterFactory } from '../../src/auth/server/adapter.js';
import { cookieKeys, serverKeys } from '../../src/auth/server/keys.js';
import { InProcessDocuments } from '../../src/state/in-process.js';

describe('oidc-provider\'s storage adapter', () => {
  it('keeps a payload until it expires (expiresIn in seconds), per model', async () => {
    let now = Date.parse('2026-12-07T09:00:00Z');
    const adapter = adapterFactory(new InProcessDocuments(1000, () => now));
    const codes = adapter('AuthorizationCode');
    await codes.upsert('c1', { grantId: 'g1', kind: 'AuthorizationCode' }, 60);
    assert.equal(await adapter('AccessToken').find('c1'), undefined, 'models do not share ids');
    now += 60_000 - 1;
    assert.deepEqual(await codes.find('c1'), { grantId: 'g1', kind: 'AuthorizationCode' });
    now += 2;
    assert.equal(await codes.find('c1'), undefined);
    await codes.upsert('forever', { kind: 'AuthorizationCode' }, undefined);
    now += 365 * 86_400_000;
    assert.deepEqual(await codes.find('forever'), { kind: 'AuthorizationCode' }, 'no expiresIn: kept');
  });

  it('a consumed payload says when (seconds), and is still found', async () => {
    const now = Date.parse('2026-12-07T09:00:00.900Z');
    const adapter = adapterFactory(new InProcessDocuments(1000, () => now));
    const codes = adapter('AuthorizationCode');
    await codes.upsert('c1', { kind: 'AuthorizationCode' }, 60);
    await codes.consume('c1');
    assert.deepEqual(await codes.find('c1'), { kind: 'AuthorizationCode', consumed: Math.floor(now / 1000) });
  });

  it('finds a session by its uid and a device code by its user code', async () => {
    const adapter = adapterFactory(new InProcessDocuments());
    await adapter('Session').upsert('s1', { uid: 'u-1', accountId: 'oscar:1' }, 600);
    await adapter('DeviceCode').upsert('d1', { userCode: 'ABCD-EFGH' }, 600);
    assert.deepEqual(await adapter('Session').findByUid('u-1'), { uid: 'u-1', accountId: 'oscar:1' });
    assert.equal(await adapter('Session').findByUid('u-2'), undefined);
    assert.equal(await adapter('Interaction').findByUid('u-1'), undefined, 'only the model\'s own documents');
    assert.deepEqual(await adapter('DeviceCode').findByUserCode('ABCD-EFGH'), { userCode: 'ABCD-EFGH' });
    assert.equal(await adapter('DeviceCode').findByUserCode('u-1'), undefined);
    await adapter('Session').destroy('s1');
    assert.equal(await adapter('Session').findByUid('u-1'), undefined);
  });

  it('revoking a grant removes every token of it, of any model, and nothing else', async () => {
    const adapter = adapterFactory(new InProcessDocuments());
    await adapter('AccessToken').upsert('a1', { grantId: 'g1' }, 600);
    await adapter('RefreshToken').upsert('r1', { grantId: 'g1' }, 600);
    await adapter('AccessToken').upsert('a2', { grantId: 'g2' }, 600);
    await adapter('AccessToken').revokeByGrantId('g1');
    assert.equal(await adapter('AccessToken').find('a1'), undefined);
    assert.equal(await adapter('RefreshToken').find('r1'), undefined);
    assert.deepEqual(await adapter('AccessToken').find('a2'), { grantId: 'g2' });
  });
});

describe('the authorization server\'s keys', () => {
  it('an RSA key from SMART_SIGNING_KEY_FILE signs id_tokens (RS256, kid from its public key)', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const documents = new InProcessDocuments();
    const [jwk, ...more] = await serverKeys({ privateKey } as Parameters<typeof serverKeys>[0], documents);
    assert.deepEqual(more, []);
    assert.equal(jwk!.alg, 'RS256');
    assert.equal(jwk!.use, 'sig');
    assert.equal(jwk!.kty, 'RSA');
    assert.equal(jwk!.n, createPublicKey(privateKey).export({ format: 'jwk' }).n);
    assert.ok(jwk!.d, 'the private half, for oidc-provider to sign with');
    assert.match(jwk!.kid!, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(await documents.get('signing-key', 'id-tokens'), undefined, 'nothing made or kept');
    const again = await serverKeys({ privateKey } as Parameters<typeof serverKeys>[0], new InProcessDocuments());
    assert.equal(again[0]!.kid, jwk!.kid, 'the same key, the same kid');
  });

  it('without an RSA key one is made once and shared: every instance on the same state signs with the first one\'s', async () => {
    const documents = new InProcessDocuments();
    const { privateKey: ec } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const first = await serverKeys({ privateKey: ec } as Parameters<typeof serverKeys>[0], documents);
    const second = await serverKeys(undefined, documents);
    assert.equal(first[0]!.kty, 'RSA');
    assert.equal(first[0]!.alg, 'RS256');
    assert.equal(second[0]!.n, first[0]!.n);
    assert.equal(second[0]!.kid, first[0]!.kid);
    const elsewhere = await serverKeys(undefined, new InProcessDocuments());
    assert.notEqual(elsewhere[0]!.n, first[0]!.n);
  });

  it('cookie keys: one random 32-byte key, made once per state', async () => {
    const documents = new InProcessDocuments();
    const keys = await cookieKeys(documents);
    assert.equal(keys.length, 1);
    assert.equal(Buffer.from(keys[0]!, 'base64url').length, 32);
    assert.deepEqual(await cookieKeys(documents), keys);
    assert.notDeepEqual(await cookieKeys(new InProcessDocuments()), keys);
  });
});
