// The wrapped OscarClient the resources use: writes invalidate what they touched once the call was
// sent, whatever its outcome; inside a write request reads go to OSCAR; an unclassified method
// drops everything.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tagsOfChanges, wrapOscar } from '../../src/cache/cached-oscar.js';
import { FreshReads } from '../../src/cache/fresh-reads.js';
import { freezeAndMeasure } from '../../src/cache/measure.js';
import { CacheStore } from '../../src/cache/store.js';
import type { OscarClient } from '../../src/oscar/client.js';
import { asOscarUser, actingOscarUser } from '../../src/oscar/acting-user.js';
import { OscarSignInEndedError, OscarUnavailableError } from '../../src/oscar/errors.js';
import { UnsendableTextError } from '../../src/oscar/soap-envelope.js';

interface Fake { family: string; reads: number; client: OscarClient }

/** One demographic whose update is applied and then fails the way a lost answer does (or as `refusal` says). */
function fakeOscar(refusal?: Error): Fake {
  const f = { family: 'OLD', reads: 0 } as Fake;
  f.client = {
    async soapGetDemographic2(id: number) { f.reads++; return { demographicNo: id, lastName: f.family }; },
    async restUpdateDemographic(to: { lastName: string }) {
      if (refusal) throw refusal;
      f.family = to.lastName;
      throw Object.assign(new Error('no answer in time'), { name: 'OscarTimeoutError' });
    },
  } as unknown as OscarClient;
  return f;
}

function wrapped(f: Fake, fresh?: FreshReads): { oscar: OscarClient; store: CacheStore } {
  const store = new CacheStore({ maxBytes: 1_000_000, documentMaxBytes: 0, ttlMs: 600_000 });
  const oscar = wrapOscar(f.client, { store, instance: 'x', invalidate: (c) => store.invalidate(tagsOfChanges(c)), ...(fresh && { fresh }) });
  return { oscar, store };
}

test('a write that fails after OSCAR may have applied it still drops what it touched', async () => {
  const f = fakeOscar();
  const { oscar } = wrapped(f);
  await oscar.soapGetDemographic2(1001);
  assert.equal((await oscar.soapGetDemographic2(1001))?.lastName, 'OLD');
  assert.equal(f.reads, 1, 'the second read was a hit');
  await assert.rejects(oscar.restUpdateDemographic({ demographicNo: 1001, lastName: 'NEW' } as never), { name: 'OscarTimeoutError' });
  assert.equal((await oscar.soapGetDemographic2(1001))?.lastName, 'NEW');
  assert.equal(f.reads, 2);
});

/** OSCAR reads made by: a read, an update failing with `failure`, the same read again (1 = still cached). */
async function readsAroundFailedUpdate(failure: Error): Promise<number> {
  const f = fakeOscar(failure);
  const { oscar } = wrapped(f);
  await oscar.soapGetDemographic2(1001);
  await assert.rejects(oscar.restUpdateDemographic({ demographicNo: 1001, lastName: 'NEW' } as never));
  await oscar.soapGetDemographic2(1001);
  return f.reads;
}

test('a write the client refused before sending it (open circuit, caller budget, unsendable text) drops nothing', async () => {
  for (const refusal of [new OscarUnavailableError('updateDemographic', 'circuit-open'), new OscarUnavailableError('updateDemographic', 'caller-budget'), new UnsendableTextError('arg0.notes')]) {
    assert.equal(await readsAroundFailedUpdate(refusal), 1, `${refusal.message}: still cached`);
  }
});

test('a connection refused never reached OSCAR and drops nothing; a connection lost mid-call may have been applied and drops', async () => {
  assert.equal(await readsAroundFailedUpdate(new OscarUnavailableError('updateDemographic', 'connection', { code: 'ECONNREFUSED' })), 1, 'ECONNREFUSED: still cached');
  assert.equal(await readsAroundFailedUpdate(new OscarUnavailableError('updateDemographic', 'connection', { code: 'ECONNRESET' })), 2, 'ECONNRESET: read again from OSCAR');
});

test('inside a write request reads go to OSCAR and their answer replaces the cached one', async () => {
  const f = fakeOscar();
  const fresh = new FreshReads();
  const { oscar } = wrapped(f, fresh);
  await oscar.soapGetDemographic2(1001);
  f.family = 'EDITED IN OSCAR';
  assert.equal((await oscar.soapGetDemographic2(1001))?.lastName, 'OLD', 'outside a write: the cached copy');
  assert.equal((await fresh.run(() => oscar.soapGetDemographic2(1001)))?.lastName, 'EDITED IN OSCAR');
  assert.equal(f.reads, 2);
  assert.equal((await oscar.soapGetDemographic2(1001))?.lastName, 'EDITED IN OSCAR', 'the fresh answer is what is cached now');
  assert.equal(f.reads, 2);
});

test('a client method the table does not classify drops the whole cache after it', async () => {
  const f = fakeOscar();
  let unknown = '';
  const store = new CacheStore({ maxBytes: 1_000_000, documentMaxBytes: 0, ttlMs: 600_000 });
  const client = Object.assign(f.client, { async somethingNew() { return 1; } });
  const oscar = wrapOscar(client, { store, instance: 'x', invalidate: () => {}, onUnknown: (m) => { unknown = m; } }) as OscarClient & { somethingNew(): Promise<number> };
  await oscar.soapGetDemographic2(1001);
  await oscar.somethingNew();
  assert.equal(unknown, 'somethingNew');
  await oscar.soapGetDemographic2(1001);
  assert.equal(f.reads, 2, 'the cached read was dropped');
});

test('with no document budget a document answer passes through as OSCAR gave it: not frozen, copied or kept', async () => {
  const rows = [{ documentNo: 1, docfilename: 'scan.pdf' }];
  let calls = 0;
  const client = { async soapGetDocumentsUpdateAfterDate() { calls++; return rows; } } as unknown as OscarClient;
  const store = new CacheStore({ maxBytes: 1_000_000, documentMaxBytes: 0, ttlMs: 600_000 });
  const oscar = wrapOscar(client, { store, instance: 'x', invalidate: () => {} });
  assert.equal(await oscar.soapGetDocumentsUpdateAfterDate(0, 10), rows, 'the very array OSCAR answered');
  assert.equal(Object.isFrozen(rows[0]), false, 'not walked and frozen for a cache that does not exist');
  await oscar.soapGetDocumentsUpdateAfterDate(0, 10);
  assert.equal(calls, 2);
});

test('an entry\'s size counts its key, at two bytes a character (JavaScript strings are UTF-16)', async () => {
  const bytesFor = async (instance: string): Promise<number> => {
    const client = { async soapGetDemographic2(id: number) { return { demographicNo: id, lastName: 'SAME' }; } } as unknown as OscarClient;
    const store = new CacheStore({ maxBytes: 1_000_000, documentMaxBytes: 0, ttlMs: 600_000 });
    await wrapOscar(client, { store, instance, invalidate: () => {} }).soapGetDemographic2(1001);
    return store.usage().main.bytes;
  };
  // The same answer under a key 100 characters longer.
  assert.equal(await bytesFor(`i${'x'.repeat(100)}`) - await bytesFor('i'), 200);
  // And the entry's bookkeeping on top of its value (as measure.ts estimates it) and its key.
  const key = 'i|soapGetDemographic2|[1001]';
  assert.ok(await bytesFor('i') > freezeAndMeasure({ demographicNo: 1001, lastName: 'SAME' }) + 2 * key.length);
});

test('an unclassified method that is still running drops the cache when it ends, not only when it starts', async () => {
  const f = fakeOscar();
  let release = (): void => {};
  const store = new CacheStore({ maxBytes: 1_000_000, documentMaxBytes: 0, ttlMs: 600_000 });
  const client = Object.assign(f.client, { somethingNew: () => new Promise<void>((r) => { release = r; }) });
  const oscar = wrapOscar(client, { store, instance: 'x', invalidate: () => {} }) as OscarClient & { somethingNew(): Promise<void> };
  await oscar.soapGetDemographic2(1001);
  const running = oscar.somethingNew();
  await oscar.soapGetDemographic2(1001); // read while it runs: it may be about to change this record
  release();
  await running;
  const before = f.reads;
  await oscar.soapGetDemographic2(1001);
  assert.equal(f.reads, before + 1, 'what was cached while it ran is gone after it');
});

test('only the client\'s methods are wrapped: it can be awaited, and keeps its constructor', async () => {
  const f = fakeOscar();
  class Client { async soapGetDemographic2(id: number) { return f.client.soapGetDemographic2(id); } }
  const real = new Client() as unknown as OscarClient;
  const { store } = wrapped(f);
  const oscar = wrapOscar(real, { store, instance: 'x', invalidate: () => {} });
  assert.equal(await Promise.resolve(oscar), oscar, 'its (absent) then is not taken for a client method');
  assert.equal(oscar.constructor, Client);
});

test('a read that joined another user\'s call OSCAR refused for that user\'s token is made again as its own (contract 2.7)', async () => {
  // OSCAR refuses the revoked clinician's token and answers the other's, a moment later each.
  let calls = 0;
  const client = {
    async restGetDemographicBasic(id: number) {
      calls++;
      const token = actingOscarUser()?.token;
      await new Promise((r) => setTimeout(r, 20));
      if (token === 'revoked') {
        actingOscarUser()?.signInEnded?.();
        throw new OscarSignInEndedError('rest:getDemographicBasic', 'invalid_signature');
      }
      return { demographicNo: id, lastName: 'DOE' };
    },
  } as unknown as OscarClient;
  const store = new CacheStore({ maxBytes: 1_000_000, documentMaxBytes: 0, ttlMs: 600_000 });
  const oscar = wrapOscar(client, { store, instance: 'x', invalidate: (c) => store.invalidate(tagsOfChanges(c)) });
  const told: string[] = [];
  const as = <T>(token: string, fn: () => Promise<T>): Promise<T> => asOscarUser({ token, tokenSecret: 's', signInEnded: () => { told.push(token); } }, fn);
  const revoked = as('revoked', () => oscar.restGetDemographicBasic(1001)).then(() => 'read', (e: unknown) => (e as Error).name);
  const other = as('good', () => oscar.restGetDemographicBasic(1001)).then((d) => `read ${d?.lastName}`, (e: unknown) => (e as Error).name);
  assert.deepEqual([await revoked, await other], ['OscarSignInEndedError', 'read DOE']);
  assert.deepEqual(told, ['revoked'], 'only the refused token\'s holder is told');
  assert.equal(calls, 2, 'the other read made once more, as its own');
  // The same clinician joining their own refused call is refused as well.
  const twice = await Promise.all([1, 2].map(() => as('revoked', () => oscar.restGetDemographicBasic(1002)).then(() => 'read', (e: unknown) => (e as Error).name)));
  assert.deepEqual(twice, ['OscarSignInEndedError', 'OscarSignInEndedError']);
});
