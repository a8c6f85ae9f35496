// The small parts of the cache, each with literal expectations: keys (src/cache/keys.ts), the
// memory model of a cached value (measure.ts: 24 bytes + 2 per character for a string, 8 for a
// scalar, 48 + 24 per property for an object, 32 + 8 per slot for an array, 48 + length for a
// Buffer; times 3 for RSS), the records a rendered resource names (fhir-records.ts), and the
// wrapped client's reads and unclassified calls (cached-oscar.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wrapOscar } from '../../src/cache/cached-oscar.js';
import { recordKindsOf, tagsOfResource } from '../../src/cache/fhir-records.js';
import { instanceId, normalisedArgs, renderedKey, upstreamKey } from '../../src/cache/keys.js';
import { freezeAndMeasure } from '../../src/cache/measure.js';
import { CacheStore } from '../../src/cache/store.js';
import type { OscarClient } from '../../src/oscar/client.js';

describe('cache keys', () => {
  it('fills omitted trailing arguments from the defaults and drops trailing undefineds', () => {
    const cases: [unknown[], unknown[] | undefined, unknown[]][] = [
      [[1], [undefined, 0], [1, 0]],
      [[1, undefined], [undefined, 0], [1, 0]],
      [[1, undefined, undefined], undefined, [1]],
      [[undefined], undefined, []],
      [[1, undefined, 2], undefined, [1, undefined, 2]],
      [[], [5], [5]],
      [[1, 2, 3], [0], [1, 2, 3]],
      [[undefined, 2], [7], [7, 2]],
    ];
    for (const [args, defaults, want] of cases) assert.deepEqual(normalisedArgs(args, defaults), want, JSON.stringify([args, defaults]));
  });

  it('writes the request canonically, and the rendered key with its routes', () => {
    assert.equal(upstreamKey('i', 'op', [{ b: 1, a: 2 }, 3]), 'i|op|[{"a":2,"b":1},3]');
    assert.equal(renderedKey('i', 'Patient', '1', 'application/fhir+json'), 'i||GET Patient/1|application/fhir+json');
    assert.equal(renderedKey('i', 'Patient', '1', 'application/json', 'r1'), 'i|r1|GET Patient/1|application/json');
  });

  it('names an instance by a 12-character hash of its URL and both identities', () => {
    // SHA-256 of "a\nb\nc", base64url, first 12 characters (computed with openssl).
    assert.equal(instanceId({ baseUrl: 'a', restToken: 'b', soapUser: 'c' }), '6n-wi3otxGGf');
    assert.notEqual(instanceId({ baseUrl: 'a', restToken: 'b', soapUser: 'd' }), '6n-wi3otxGGf');
  });
});

describe('the memory a cached value holds', () => {
  it('counts each part by the model, four times for RSS', () => {
    const cases: [unknown, number][] = [
      ['ab', (24 + 4) * 4],
      [5, 8 * 4],
      [true, 8 * 4],
      [undefined, 8 * 4],
      [null, 8 * 4],
      [10n, 8 * 4],
      [Buffer.alloc(10), (48 + 10) * 4],
      [[1, 'a'], (32 + 2 * 8 + 8 + 26) * 4],
      [{ a: 1 }, (48 + 24 + 8) * 4],
      [{ a: { b: 'c' } }, (48 + 24 + 48 + 24 + 26) * 4],
    ];
    for (const [value, want] of cases) assert.equal(freezeAndMeasure(value), want, String(value));
  });

  it('freezes the value deeply', () => {
    const v = { a: [{ b: 1 }] };
    freezeAndMeasure(v);
    assert.ok(Object.isFrozen(v) && Object.isFrozen(v.a) && Object.isFrozen(v.a[0]));
  });

  it('refuses a value nested deeper than 64 levels', () => {
    const nest = (levels: number): unknown => { let v: unknown = []; for (let i = 1; i < levels; i++) v = [v]; return v; };
    assert.ok(freezeAndMeasure(nest(65)) > 0);
    assert.throws(() => freezeAndMeasure(nest(66)), /cached value nested too deeply/);
  });
});

describe('the records a rendered resource names', () => {
  const kinds = recordKindsOf([{ type: 'Patient', recordKind: 'demographic' }, { type: 'Practitioner', recordKind: 'provider' }, { type: 'Bundle' }]);

  it('reads the declared kinds, skipping types without one, and refuses an unknown kind', () => {
    assert.deepEqual([...kinds], [['Patient', 'demographic'], ['Practitioner', 'provider']]);
    assert.throws(() => recordKindsOf([{ type: 'Flag', recordKind: 'flag' }]),
      { message: "Flag: recordKind 'flag' is not one of demographic, appointment, allergy, prevention, document, provider" });
  });

  it('tags its own record and each record it references, relative or absolute', () => {
    const r = {
      resourceType: 'Patient', id: '1',
      generalPractitioner: [{ reference: 'Practitioner/7' }, { reference: 'https://x/fhir/Practitioner/8' }],
      link: [{ other: { reference: 'Patient/2' } }, { other: { reference: 'Organization/3' } }, { other: { reference: 'patient/4' } }, { other: { reference: 5 } }],
    };
    assert.deepEqual(tagsOfResource(r as never, kinds), ['demographic:1', 'provider:7', 'provider:8', 'demographic:2']);
  });

  it('reads only reference elements: text that spells a reference elsewhere names no record', () => {
    const r = { resourceType: 'Patient', id: '1', identifier: [{ value: 'Practitioner/7' }], link: [{ other: { display: 'Patient/2' } }] };
    assert.deepEqual(tagsOfResource(r as never, kinds), ['demographic:1']);
  });

  it('follows references 32 levels deep, not further', () => {
    const nest = (levels: number): Record<string, unknown> => {
      let v: Record<string, unknown> = { reference: 'Practitioner/9' };
      for (let i = 0; i < levels; i++) v = { x: v };
      return v;
    };
    // the resource is level 0: a reference in the object 32 levels below it is found, 33 not
    assert.deepEqual(tagsOfResource({ resourceType: 'Patient', id: '1', ...nest(32) } as never, kinds), ['demographic:1', 'provider:9']);
    assert.deepEqual(tagsOfResource({ resourceType: 'Patient', id: '1', ...nest(33) } as never, kinds), ['demographic:1']);
  });

  it('tracks no resource without an id or of a type without a record', () => {
    assert.equal(tagsOfResource({ resourceType: 'Patient' }, kinds), undefined);
    assert.equal(tagsOfResource({ resourceType: 'Bundle', id: 'b' } as never, kinds), undefined);
  });
});

describe('the wrapped client', () => {
  const store = (): CacheStore => new CacheStore({ maxBytes: 1_000_000, documentMaxBytes: 0, ttlMs: 600_000 });

  it('shares one entry between a call and the same call with its defaults written out, and hands out its own array', async () => {
    let calls = 0;
    const client = { async soapGetPreventionsByDemographicIdAfter() { calls++; return [{ id: 2 }, { id: 1 }]; } } as unknown as OscarClient;
    const oscar = wrapOscar(client, { store: store(), instance: 'x', invalidate: () => {} });
    const first = await oscar.soapGetPreventionsByDemographicIdAfter(1001 as never);
    first.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
    const second = await oscar.soapGetPreventionsByDemographicIdAfter(1001 as never, 0 as never);
    assert.equal(calls, 1);
    assert.deepEqual(second, [{ id: 2 }, { id: 1 }], 'the caller sorted its own copy');
    assert.ok(Object.isFrozen(second[0]), 'rows are shared and frozen');
  });

  it('hands out a single answer as it is kept', async () => {
    const client = { async soapGetDemographic2(id: number) { return { demographicNo: id }; } } as unknown as OscarClient;
    const oscar = wrapOscar(client, { store: store(), instance: 'x', invalidate: () => {} });
    const a = await oscar.soapGetDemographic2(1001);
    assert.equal(await oscar.soapGetDemographic2(1001), a);
  });

  it('drops the cache after an unclassified call that answers or throws at once', async () => {
    let reads = 0;
    let heard: string[] = [];
    const client = {
      async soapGetDemographic2(id: number) { reads++; return { demographicNo: id }; },
      plain: () => 1,
      broken: () => { throw new Error('nope'); },
    } as unknown as OscarClient;
    const oscar = wrapOscar(client, { store: store(), instance: 'x', invalidate: () => {}, onUnknown: (m) => { heard = [...heard, m]; } }) as OscarClient & { plain(): number; broken(): never };
    await oscar.soapGetDemographic2(1);
    assert.equal(oscar.plain(), 1);
    await oscar.soapGetDemographic2(1);
    assert.throws(() => oscar.broken(), /nope/);
    await oscar.soapGetDemographic2(1);
    assert.equal(reads, 3);
    assert.deepEqual(heard, ['plain', 'broken']);
  });

  it('passes live calls straight through, uncached', async () => {
    let probes = 0;
    const client = { async probe() { probes++; return { ok: true }; } } as unknown as OscarClient;
    const oscar = wrapOscar(client, { store: store(), instance: 'x', invalidate: () => {} });
    await oscar.probe();
    await oscar.probe();
    assert.equal(probes, 2);
  });
});
