// A search's page-only work (search/page.ts): an unpaged handler's `finish` may wait for
// something (a display name looked up), and matches decided on the handler's rows are made
// resources a page at a time. Every path that cuts a page (search, conditional create) awaits the
// finished page before it stamps a version; _summary=count finishes nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import type { Bundle, Patient } from 'fhir/r4.js';
import { pageOf, rowMatches, versionIdOf, type SearchResult } from '../../src/fhir/index.js';
import { patient } from './fake-registry.js';
import { setup } from './harness.js';

const named = (id: string): Patient => ({ resourceType: 'Patient', id, name: [{ family: `F${id}` }] });
const ids = (r: SearchResult<Patient>): string[] => r.resources.map((p) => p.id!);

describe('pageOf', () => {
  const all = ['1', '2', '3', '4', '5'].map(named);

  it("awaits an async finish, on the page's matches alone and in their order", async () => {
    const seen: string[] = [];
    const finish = async (p: Patient): Promise<Patient> => { await tick(); seen.push(p.id!); return { ...p, active: true }; };
    const page = await pageOf<Patient>({ resources: all, unpaged: true, finish }, { offset: 1, count: 2 });
    assert.deepEqual(ids(page), ['2', '3']);
    assert.deepEqual(page.resources.map((p) => p.active), [true, true]);
    assert.deepEqual(seen.sort(), ['2', '3']);
    assert.equal(page.total, 5);
    assert.equal(page.unpaged, undefined);
    assert.equal(page.finish, undefined, 'a cut page is not finished again');
  });

  it('finishes nothing for _summary=count', async () => {
    let calls = 0;
    const finish = async (p: Patient): Promise<Patient> => { calls++; return { ...p, active: true }; };
    const page = await pageOf<Patient>({ resources: all, unpaged: true, finish }, { offset: 0, count: 3, summary: 'count' });
    assert.equal(calls, 0);
    assert.equal(page.total, 5);
    assert.deepEqual(page.resources.map((p) => p.active), [undefined, undefined, undefined]);
  });

  it("makes resources of the page's rows alone, with the total of every row", async () => {
    const made: number[] = [];
    const rows = rowMatches([10, 20, 30, 40, 50, 60, 70], (n) => { made.push(n); return named(String(n)); });
    const page = await pageOf<Patient>({ resources: [], rows, unpaged: true, finish: (p) => ({ ...p, active: false }) }, { offset: 2, count: 3 });
    assert.deepEqual(ids(page), ['30', '40', '50']);
    assert.deepEqual(made, [30, 40, 50]);
    assert.deepEqual(page.resources.map((p) => p.active), [false, false, false]);
    assert.equal(page.total, 7);
    assert.equal('rows' in page, false);
    made.length = 0;
    // _summary=count: the page's rows are still made resources (the router's hooks see them), not finished.
    const counted = await pageOf<Patient>({ resources: [], rows, unpaged: true, finish: (p) => ({ ...p, active: false }) }, { offset: 5, count: 10, summary: 'count' });
    assert.deepEqual(made, [60, 70]);
    assert.deepEqual(counted.resources.map((p) => p.active), [undefined, undefined]);
    assert.equal(counted.total, 7);
  });

  it("leaves a paged handler's answer as it is", async () => {
    let calls = 0;
    const result: SearchResult<Patient> = { resources: all.slice(0, 2), total: 9, finish: (p) => { calls++; return p; } };
    assert.equal(await pageOf(result, { offset: 0, count: 2 }), result);
    assert.equal(calls, 0);
  });
});

describe('router: an async finish is in the resource before its version is stamped', () => {
  const GP = 'Dr Marcus Welby';
  /** The fake's Patient search, unpaged, naming the general practitioner after a wait. */
  function withAsyncFinish(): { call: ReturnType<typeof setup>['call']; calls: () => number } {
    const s = setup();
    let calls = 0;
    const def = s.fake.registry.get('Patient')!;
    const finish = async (p: Patient): Promise<Patient> => {
      calls++;
      await tick();
      return { ...p, generalPractitioner: p.generalPractitioner?.map((g) => ({ ...g, display: GP })) };
    };
    def.interactions.search = async (_ctx, search) => {
      const all = [...s.fake.patients.values()].filter((p) => search.clauses.every((c) => c.type !== 'token' || c.values.some((v) => v.code === p.gender)));
      return { resources: all, unpaged: true, finish } as SearchResult;
    };
    return { call: s.call, calls: () => calls };
  }
  // Patient 1 of the fake registry as the finish makes it, written out here.
  const finished = (): Patient => {
    const p = patient('1', 'Smith', 'Jane', 'female', '1980-07-01');
    return { ...p, generalPractitioner: [{ reference: 'Practitioner/7', display: GP }] };
  };

  it('a search page: finished matches, versions of the finished content', async () => {
    const { call, calls } = withAsyncFinish();
    const res = await call('GET', '/Patient?_count=2');
    assert.equal(res.status, 200);
    const b = res.body as Bundle<Patient>;
    assert.equal(b.total, 4);
    assert.equal(calls(), 2, 'the page only');
    const first = b.entry![0]!.resource!;
    assert.equal(first.generalPractitioner?.[0]?.display, GP);
    assert.equal(first.meta?.versionId, versionIdOf(finished()));
    assert.notEqual(versionIdOf(finished()), versionIdOf(patient('1', 'Smith', 'Jane', 'female', '1980-07-01', '7')));
  });

  it('_summary=count finishes nothing', async () => {
    const { call, calls } = withAsyncFinish();
    const res = await call('GET', '/Patient?_summary=count');
    assert.equal(res.status, 200);
    assert.equal((res.body as Bundle).total, 4);
    assert.equal(calls(), 0);
  });

  it('conditional create answers the finished match, with its version', async () => {
    const { call, calls } = withAsyncFinish();
    const body: Patient = { resourceType: 'Patient', name: [{ family: 'New', given: ['One'] }], gender: 'female' };
    const found = await call('POST', '/Patient', { headers: { 'content-type': 'application/fhir+json', 'if-none-exist': 'gender=female' }, body });
    assert.equal(found.status, 200, 'Patient 1 is the one female patient: nothing created');
    assert.equal((found.body as Patient).id, '1');
    assert.equal((found.body as Patient).generalPractitioner?.[0]?.display, GP);
    assert.equal(found.headers.etag, `W/"${versionIdOf(finished())}"`);
    assert.equal(calls(), 1);
  });
});
