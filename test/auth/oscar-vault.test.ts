// The OSCAR token vault: only ciphertext in the store, keys rotated by id, a record bound to its
// provider, and the facade's own maximum age (OSCAR's tokens never expire: contract 2.5).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { OscarTokenVault } from '../../src/auth/oscar/vault.js';
import { InProcessVault } from '../../src/state/index.js';

const token = { token: 'a5e0c0de-token-value', secret: 'f00dbabe-secret-value', providerNo: '999998', obtainedAt: Date.now() };

describe('OSCAR token vault', () => {
  it('stores ciphertext only and gives the token back to its provider', async () => {
    const store = new InProcessVault();
    const vault = new OscarTokenVault(store, [{ id: 'k1', key: randomBytes(32) }], 3600);
    await vault.put(token);
    const raw = Buffer.from((await store.get('oscar-token:999998'))!).toString('latin1');
    assert.ok(!raw.includes(token.token) && !raw.includes(token.secret), 'no plaintext in the store');
    assert.deepEqual(await vault.get('999998'), token);
  });

  it('decrypts with an older key after rotation, and not at all once that key is gone', async () => {
    const store = new InProcessVault();
    const old = { id: 'old', key: randomBytes(32) };
    await new OscarTokenVault(store, [old], 3600).put(token);
    const rotated = new OscarTokenVault(store, [{ id: 'new', key: randomBytes(32) }, old], 3600);
    assert.deepEqual(await rotated.get('999998'), token);
    assert.equal(await new OscarTokenVault(store, [{ id: 'new', key: randomBytes(32) }], 3600).get('999998'), undefined);
  });

  it('a record copied to another provider\'s key does not decrypt (the provider is authenticated data)', async () => {
    const store = new InProcessVault();
    const vault = new OscarTokenVault(store, [{ id: 'k1', key: randomBytes(32) }], 3600);
    await vault.put(token);
    await store.put('oscar-token:100101', (await store.get('oscar-token:999998'))!);
    assert.equal(await vault.get('100101'), undefined);
  });

  it('refuses a token older than the maximum age', async () => {
    let now = Date.now();
    const vault = new OscarTokenVault(new InProcessVault(), [{ id: 'k1', key: randomBytes(32) }], 3600, () => now);
    await vault.put({ ...token, obtainedAt: now });
    now += 3599_000;
    assert.ok(await vault.get('999998'));
    now += 2_000;
    assert.equal(await vault.get('999998'), undefined);
  });

  it('keeps a record only for what is left of the maximum age, to the millisecond', async () => {
    const now = 1_800_000_000_000;
    const puts: { key: string; ttlMs?: number }[] = [];
    const store = new InProcessVault();
    const recording = { ...store, get: store.get.bind(store), delete: store.delete.bind(store),
      put: async (key: string, c: Uint8Array, opts?: { ttlMs?: number }) => { puts.push({ key, ...opts }); await store.put(key, c, opts); } };
    const vault = new OscarTokenVault(recording, [{ id: 'k1', key: randomBytes(32) }], 3600, () => now);
    await vault.put({ ...token, obtainedAt: now - 1_000 });
    await vault.put({ ...token, providerNo: '100101', obtainedAt: now - 3_599_999 });
    await vault.put({ ...token, providerNo: '100102', obtainedAt: now - 3_600_000 });
    assert.deepEqual(puts, [{ key: 'oscar-token:999998', ttlMs: 3_599_000 }, { key: 'oscar-token:100101', ttlMs: 1 }], 'a token already at its maximum age is not kept');
  });

  it('gives a token back until the millisecond it reaches the maximum age', async () => {
    let now = 1_800_000_000_000;
    const vault = new OscarTokenVault(new InProcessVault(), [{ id: 'k1', key: randomBytes(32) }], 3600, () => now);
    await vault.put({ ...token, obtainedAt: now });
    now += 3_599_999;
    assert.deepEqual(await vault.get('999998'), { ...token, obtainedAt: now - 3_599_999 });
    now += 1;
    assert.equal(await vault.get('999998'), undefined);
  });

  it('key ids of several bytes, tampered records, unknown providers, deletion, no keys', async () => {
    const store = new InProcessVault();
    const key = { id: 'clé-ü', key: randomBytes(32) };
    const vault = new OscarTokenVault(store, [{ id: 'other', key: randomBytes(32) }, key], 3600);
    await new OscarTokenVault(store, [key], 3600).put(token);
    assert.deepEqual(await vault.get('999998'), token, 'found by a UTF-8 key id after rotation');
    const raw = Buffer.from((await store.get('oscar-token:999998'))!);
    raw[raw.length - 1]! ^= 1;
    await store.put('oscar-token:999998', raw);
    assert.equal(await vault.get('999998'), undefined, 'a record that does not authenticate');
    assert.equal(await vault.get('100101'), undefined, 'nothing kept');
    await vault.put(token);
    await vault.delete('999998');
    assert.equal(await store.get('oscar-token:999998'), undefined);
    assert.throws(() => new OscarTokenVault(store, [], 3600), { message: 'the OSCAR token vault needs at least one key' });
  });
});
