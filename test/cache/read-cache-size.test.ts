// What a rendered read costs the cache budget: the JSON bytes it keeps, the parsed copy the
// authorization hooks read on a hit (about 15 bytes per byte of JSON, the calibration of
// src/cache/measure.ts), and its key at two bytes a character (JavaScript strings are UTF-16).
// An estimate that undercounts lets the cache grow past CACHE_MAX_BYTES.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Patient } from 'fhir/r4.js';
import { FreshReads } from '../../src/cache/fresh-reads.js';
import { createReadCache } from '../../src/cache/read-cache.js';
import { CacheStore } from '../../src/cache/store.js';
import type { FhirRequest, FhirResponse } from '../../src/fhir/index.js';

/** Bytes the main cache holds after one GET /Patient/1 answered with `patient`. */
async function heldFor(instance: string, patient: Patient): Promise<number> {
  const store = new CacheStore({ maxBytes: 10_000_000, documentMaxBytes: 0, ttlMs: 600_000 });
  const serve = createReadCache({ store, instance, baseUrl: 'http://x/fhir', hooks: {}, fresh: new FreshReads(), kinds: new Map([['Patient', 'demographic']]) });
  const req: FhirRequest = { method: 'GET', path: '/Patient/1', query: [], headers: {}, requestId: 't' };
  const router = async (): Promise<FhirResponse> => ({ status: 200, headers: { etag: 'W/"v1"' }, body: patient });
  const res = await serve(req, router);
  assert.equal(res.status, 200);
  assert.equal(store.usage().main.entries, 1, 'the answer was kept');
  return store.usage().main.bytes;
}

const patient = (text: string): Patient => ({ resourceType: 'Patient', id: '1', meta: { versionId: 'v1' }, name: [{ text }] });

test('each byte of JSON costs itself plus its parsed copy: 16 bytes', async () => {
  // The two answers differ by exactly 1000 ASCII characters of JSON.
  assert.equal(await heldFor('i', patient('a'.repeat(1001))) - await heldFor('i', patient('a')), 16_000);
});

test('the key costs two bytes a character', async () => {
  // The same answer under a key 100 characters longer (the instance is part of the key).
  assert.equal(await heldFor(`i${'x'.repeat(100)}`, patient('a')) - await heldFor('i', patient('a')), 200);
});

test('headers and bookkeeping count too: more than the bytes, their parsed copy and the key', async () => {
  const json = Buffer.byteLength(JSON.stringify(patient('a')));
  const key = 'i|GET Patient/1|application/fhir+json'.length;
  assert.ok(await heldFor('i', patient('a')) > 16 * json + 2 * key);
});
