// Outgoing validation remembered by content (src/validation/README.md, "Content already found
// clean"): through the registry's validation wrapper and the router, a clean resource is checked
// once and then not; anything that differs from it, anywhere, is checked; what is invalid is
// checked, refused or sanitized every time and never remembered; the memo keeps its bound; and
// what is sent is what was sent before (version ids recorded from main, the test's own hash).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Patient, Resource } from 'fhir/r4.js';
import { Registry, createRouter, defineResource, renderBody, type FhirResponse } from '../../src/fhir/index.js';
import { createLogger } from '../../src/logging.js';
import { withOutgoingValidation } from '../../src/resources/outgoing.js';
import { sanitizeOutgoing } from '../../src/validation/index.js';
import { CleanMemo, MAX_META_LENGTH, MEMO_DIGEST_LENGTH } from '../../src/validation/outgoing-memo.js';
import { request } from '../fhir/harness.js';
import { changedPatient as changed, json, valid } from './fixtures.js';

const BASE = 'https://fhir.example.org/fhir';

/**
 * A Patient type whose read answers a fresh copy of `world.patient` (as a mapper makes a new
 * object on every miss), the outgoing check counted by the policy's seam.
 */
function setup(mode: 'strict' | 'sanitize', memo = new CleanMemo()) {
  const world = { patient: valid.patient() as Resource, checked: 0, invalid: 0 };
  const policy = {
    mode,
    logger: createLogger('silent'),
    onInvalid: () => { world.invalid++; },
    memo,
    sanitize: <T>(r: T) => { world.checked++; return sanitizeOutgoing(r); },
  };
  const registry = new Registry();
  registry.register(withOutgoingValidation(defineResource<Patient>({
    type: 'Patient',
    documentation: 'Patients for the test.',
    searchParams: [],
    interactions: { async read(_ctx, id) { return id === world.patient.id ? structuredClone(world.patient) as Patient : undefined; } },
  }), policy));
  registry.check();
  const router = createRouter({ registry, baseUrl: BASE, timezone: 'America/Toronto' });
  const read = (): Promise<FhirResponse> => router(request('GET', `/Patient/${world.patient.id!}`));
  return { world, memo, read };
}

describe('outgoing validation remembered by content', () => {
  it('a clean resource is checked once; the same content again is not', async () => {
    const { world, memo, read } = setup('strict');
    const first = await read();
    assert.equal(first.status, 200);
    assert.equal(world.checked, 1);
    assert.equal(memo.size, 1);
    for (let i = 0; i < 3; i++) assert.equal((await read()).status, 200);
    assert.equal(world.checked, 1);
    // Another memo (another process) checks it again.
    const other = setup('strict');
    await other.read();
    assert.equal(other.world.checked, 1);
  });

  // Each valid, and each differing from the remembered fixture in one place only.
  const VARIANTS: [string, (p: Record<string, any>) => void][] = [
    ['a deep value', (p) => { p.identifier[0].period.start = '2019-01-02'; }],
    ['a deep value in an extension', (p) => { p.address[0].extension[0].valueBoolean = false; }],
    ['meta.lastUpdated', (p) => { p.meta.lastUpdated = '2024-03-05T14:22:11-05:00'; }],
    ['meta without its profile', (p) => { delete p.meta.profile; }],
    ['no meta', (p) => { delete p.meta; }],
    ['array order', (p) => { p.telecom.reverse(); }],
    ['array order of a deep array', (p) => { p.name[0].given.reverse(); }],
    ['an added member', (p) => { p.deceasedBoolean = false; }],
    ['an added deep member', (p) => { p.telecom[1].use = 'work'; }],
    ['a member left out', (p) => { delete p.gender; }],
  ];
  for (const [what, change] of VARIANTS) {
    it(`a resource differing from a remembered one in ${what} is checked`, async () => {
      const { world, read } = setup('strict');
      await read();
      await read();
      assert.equal(world.checked, 1);
      world.patient = changed(change);
      assert.equal((await read()).status, 200);
      assert.equal(world.checked, 2);
      assert.equal((await read()).status, 200);
      assert.equal(world.checked, 2, 'and is remembered in turn');
    });
  }

  // The remembered fixture, then the same with one invalid thing: strict refuses it every time,
  // sanitize drops the element named every time.
  const BROKEN: [string, (p: Record<string, any>) => void, string][] = [
    ['a deep value (identifier[0].period.start)', (p) => { p.identifier[0].period.start = '2023-02-29'; }, 'Patient.identifier[0].period.start'],
    ['meta (meta.lastUpdated)', (p) => { p.meta.lastUpdated = '2023-02-29T10:00:00Z'; }, 'Patient.meta.lastUpdated'],
    ['an added member', (p) => { p.favouriteColour = 'blue'; }, 'Patient.favouriteColour'],
  ];
  /** Whether the element `expression` names is in what `res` sent. */
  const sends = (res: FhirResponse, expression: string): boolean => {
    const path = expression.replace(/^Patient\./, '').split(/\.|\[(\d+)\]\.?/).filter(Boolean);
    let at: any = JSON.parse(renderBody(res)!.toString('utf8'));
    for (const step of path.slice(0, -1)) at = at?.[step];
    return at?.[path.at(-1)!] !== undefined;
  };
  for (const mode of ['strict', 'sanitize'] as const) {
    for (const [what, change, expression] of BROKEN) {
      it(`${mode}: the remembered content with an invalid ${what} is ${mode === 'strict' ? 'refused' : 'sanitized'}, every time`, async () => {
        const { world, memo, read } = setup(mode);
        assert.equal((await read()).status, 200);
        world.patient = changed(change);
        for (let i = 1; i <= 3; i++) {
          const res = await read();
          assert.equal(res.status, mode === 'strict' ? 500 : 200);
          if (mode === 'sanitize') assert.equal(sends(res, expression), false, `${expression} is not sent`);
          assert.equal(world.invalid, i);
          assert.equal(world.checked, 1 + i);
        }
        assert.equal(memo.size, 1, 'only the clean content is remembered');
        // The first one is still remembered, and still sent.
        world.patient = valid.patient();
        assert.equal((await read()).status, 200);
        assert.equal(world.checked, 4);
      });
    }
  }

  it('an invalid resource is never remembered: sanitized every time', async () => {
    const { world, memo, read } = setup('sanitize');
    world.patient = changed((p) => { p.birthDate = '1980-02-30'; });
    for (let i = 1; i <= 3; i++) assert.equal((await read()).status, 200);
    assert.equal(world.checked, 3);
    assert.equal(world.invalid, 3);
    world.patient = { resourceType: 'Patient', id: '1001', active: 'yes' } as unknown as Resource;
    for (let i = 1; i <= 2; i++) await read();
    assert.equal(world.checked, 5);
    assert.equal(memo.size, 0);
  });

  it('a resource JSON cannot write (a BigInt) is sanitized as before the text was made ahead of the check, not a 500', async () => {
    const { world, memo, read } = setup('sanitize');
    world.patient = changed((p) => { p.multipleBirthInteger = 2n; });
    for (let i = 1; i <= 2; i++) {
      const res = await read();
      assert.equal(res.status, 200);
      assert.equal(json(res.body as Resource).multipleBirthInteger, undefined);
      assert.equal(json(res.body as Resource).gender, 'female');
    }
    assert.equal(world.invalid, 2);
    assert.equal(memo.size, 0);
    const strict = setup('strict');
    strict.world.patient = world.patient;
    assert.equal((await strict.read()).status, 500);
  });

  it('the version id and the response bytes of a remembered resource are those of the old path', async () => {
    const { world, read } = setup('strict');
    // The test's own canonical text (resourceType, id, meta first, then code unit order) and hash,
    // as test/fhir/version-pin.test.ts writes them; the id recorded from main at f8ea0a2.
    const canonical = (v: unknown): string => {
      if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
      if (v === null || typeof v !== 'object') return JSON.stringify(v);
      const o = v as Record<string, unknown>;
      const first = ['resourceType', 'id', 'meta'].filter((k) => k in o);
      const keys = [...first, ...Object.keys(o).filter((k) => !first.includes(k)).sort()];
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
    };
    const { meta, ...rest } = valid.patient();
    const id = createHash('sha256').update(canonical(rest)).digest('hex').slice(0, 16);
    assert.equal(id, '0c0142a276e95f08');
    const expected = canonical({ ...valid.patient(), meta: { ...meta, versionId: id } });
    for (let i = 0; i < 3; i++) {
      const res = await read();
      assert.equal((res.body as Resource).meta?.versionId, id);
      assert.equal(renderBody(res)!.toString('utf8'), expected);
    }
    assert.equal(world.checked, 1);
  });

  it('a sanitized resource is stamped from what is sent, not from what the handler returned', async () => {
    const { world, read } = setup('sanitize');
    world.patient = changed((p) => { p.birthDate = '1980-02-30'; });
    const res = await read();
    const sent = JSON.parse(renderBody(res)!.toString('utf8')) as Resource;
    assert.equal(json(sent).birthDate, undefined);
    const { meta, ...rest } = sent;
    const sorted = (v: unknown): unknown => (Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object'
      ? Object.fromEntries(Object.keys(v).sort((a, b) => (a === 'resourceType' ? -1 : b === 'resourceType' ? 1 : a === 'id' ? -1 : b === 'id' ? 1 : a < b ? -1 : 1)).map((k) => [k, sorted((v as Record<string, unknown>)[k])]))
      : v);
    assert.equal(meta?.versionId, createHash('sha256').update(JSON.stringify(sorted(rest))).digest('hex').slice(0, 16));
  });
});

describe('the memo of clean content keeps its bound', () => {
  const digest = (n: number): string => createHash('sha256').update(String(n)).digest('hex');
  const META = JSON.stringify(valid.patient().meta);

  it('holds two entries a set, the one found again staying', () => {
    const memo = new CleanMemo(1);
    assert.equal(memo.maxEntries, 2);
    memo.add(digest(0), META);
    memo.add(digest(1), META);
    assert.equal(memo.has(digest(0), META), true); // 0 is found again
    memo.add(digest(2), META);
    assert.equal(memo.size, 2);
    assert.equal(memo.has(digest(1), META), false, 'the one not found again is forgotten');
    assert.equal(memo.has(digest(0), META), true);
    assert.equal(memo.has(digest(2), META), true);
    for (let i = 3; i < 100; i++) memo.add(digest(i), META);
    assert.equal(memo.size, 2);
    assert.equal(memo.has(digest(99), META), true);
    assert.equal(memo.has(digest(0), META), false, 'found again, it still goes in time');
  });

  it('with neither entry found again, the older of the two goes, not always the first slot', () => {
    const memo = new CleanMemo(1);
    for (const n of [0, 1, 2, 3]) memo.add(digest(n), META);
    // 2 took the place of 0; then 1 was the older, not found again since it came in
    assert.equal(memo.has(digest(2), META), true, 'the newer entry stays');
    assert.equal(memo.has(digest(3), META), true);
    assert.equal(memo.has(digest(1), META), false, 'the older goes');
    assert.equal(memo.has(digest(0), META), false);
    // nothing found again: first in, first out, so the last two added are held
    const fifo = new CleanMemo(1);
    for (let n = 10; n < 20; n++) fifo.add(digest(n), META);
    assert.deepEqual([17, 18, 19].map((n) => fifo.has(digest(n), META)), [false, true, true]);
  });

  it('the clock passes over an entry found again once, wherever the hand stands', () => {
    const memo = new CleanMemo(1);
    for (const n of [0, 1, 2]) memo.add(digest(n), META); // 2 in the first slot, the hand on 1
    assert.equal(memo.has(digest(2), META), true); // 2 found again
    memo.add(digest(3), META); // 1, under the hand and not found again, goes; 2 keeps its bit
    memo.add(digest(4), META); // the hand reaches 2: found, it stays (losing its bit), and 3 goes
    assert.deepEqual([1, 2, 3, 4].map((n) => memo.has(digest(n), META)), [false, true, false, true]);
    // the same, then one more: 2 used its second chance and goes (the hand stayed on it)
    const again = new CleanMemo(1);
    for (const n of [0, 1, 2]) again.add(digest(n), META);
    assert.equal(again.has(digest(2), META), true);
    for (const n of [3, 4, 5]) again.add(digest(n), META);
    assert.deepEqual([2, 3, 4, 5].map((n) => again.has(digest(n), META)), [false, false, true, true]);
    // both found again: both lose their bit, the one under the hand goes, then the other
    const both = new CleanMemo(1);
    for (const n of [0, 1]) both.add(digest(n), META);
    assert.deepEqual([0, 1].map((n) => both.has(digest(n), META)), [true, true]);
    both.add(digest(2), META);
    assert.equal(both.has(digest(0), META), false, 'the one under the hand goes'); // (a miss marks nothing)
    both.add(digest(3), META);
    assert.deepEqual([0, 1, 2, 3].map((n) => both.has(digest(n), META)), [false, false, true, true]);
  });

  it('holds at most its sets × 2 entries', () => {
    const memo = new CleanMemo(8);
    for (let i = 0; i < 1000; i++) memo.add(digest(i), META);
    assert.equal(memo.size, 16);
    assert.equal([...Array(1000).keys()].filter((i) => memo.has(digest(i), META)).length, 16);
  });

  it('holds at most its bytes, and no meta text longer than MAX_META_LENGTH', () => {
    const long = 'm'.repeat(MAX_META_LENGTH);
    const memo = new CleanMemo(64, 10 * (2 * MAX_META_LENGTH + 200));
    for (let i = 0; i < 1000; i++) memo.add(digest(i), long);
    assert.ok(memo.bytes <= memo.maxBytes, `${memo.bytes} B`);
    assert.ok(memo.size >= 5 && memo.size <= 10, `${memo.size} entries`);
    const full = new CleanMemo(64);
    full.add(digest(1), `${long}x`);
    assert.equal(full.size, 0);
    assert.equal(full.has(digest(1), `${long}x`), false);
  });

  it('takes digests of one length only, so its bytes are counted right', () => {
    const memo = new CleanMemo(4);
    assert.equal(digest(1).length, MEMO_DIGEST_LENGTH);
    assert.throws(() => memo.add(`${digest(1)}0`, META));
    assert.throws(() => memo.add(createHash('sha256').update('1').digest('base64'), META));
    assert.equal(memo.size, 0);
  });

  it('finds an entry by its whole digest and meta text, not by its set', () => {
    const memo = new CleanMemo(1);
    memo.add(digest(1), META);
    assert.equal(memo.has(digest(1), META), true);
    assert.equal(memo.has(digest(2), META), false, 'another digest in the same (only) set');
    assert.equal(memo.has(`${digest(1).slice(0, 16)}${digest(2).slice(16)}`, META), false, 'the same first 64 bits');
    assert.equal(memo.has(digest(1), `${META} `), false, 'another meta text');
  });

  it('through the policy: a memo of 2 checks the first of 3 records again', async () => {
    const { world, memo, read } = setup('strict', new CleanMemo(1));
    for (const n of [1, 2, 3]) {
      world.patient = changed((p) => { p.identifier[1].value = String(1000 + n); });
      await read();
    }
    assert.equal(memo.size, 2);
    assert.equal(world.checked, 3);
    world.patient = changed((p) => { p.identifier[1].value = '1003'; });
    await read();
    assert.equal(world.checked, 3, 'the last is remembered');
    world.patient = changed((p) => { p.identifier[1].value = '1001'; });
    await read();
    assert.equal(world.checked, 4, 'the first was forgotten');
  });
});
