// Changes made directly in OSCAR (here: in the simulator's database, as the clinic's own users
// would): the change feed makes them visible within the poll interval; what the feed cannot see
// expires with the TTL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Patient } from 'fhir/r4.js';
import { startStack, type Stack } from '../helpers/stack.js';

const family = async (stack: Stack, id: number): Promise<string | undefined> => ((await stack.fhir(`/Patient/${id}`)).body as Patient).name?.[0]?.family;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Reads until the family name is `want`; resolves with the ms it took, or rejects after `limitMs`. */
async function waitFor(stack: Stack, id: number, want: string, limitMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if ((await family(stack, id)) === want) return Date.now() - started;
    if (Date.now() - started > limitMs) throw new Error(`Patient/${id} still not ${want} after ${limitMs} ms`);
    await sleep(100);
  }
}

test('a change made directly in OSCAR is visible after the change-feed poll interval', async () => {
  const stack = await startStack({ env: { CHANGE_POLL_SECONDS: '1', CACHE_TTL_SECONDS: '600' } });
  try {
    const id = 1040;
    const before = await family(stack, id);
    assert.ok(before);
    const row = stack.sim.store.demographic(id)!;
    // What OSCAR does on any edit: the row changes and lastUpdateDate moves.
    row.lastName = 'DIRECTEDIT';
    row.lastUpdateDate = stack.sim.store.nowLocal();
    assert.equal(await family(stack, id), before, 'right after the edit the cached answer is still served');
    const ms = await waitFor(stack, id, 'DIRECTEDIT', 4_000);
    assert.ok(ms <= 2_500, `visible after ${ms} ms: one poll interval (1 s) plus the poll itself`);
  } finally {
    await stack.close();
  }
});

test('the feed sees appointments, allergies, preventions and documents changed in OSCAR', async () => {
  const stack = await startStack({ env: { CHANGE_POLL_SECONDS: '0' } });
  try {
    const now = stack.sim.store.nowLocal();
    const { data } = stack.sim.store;
    assert.equal(await stack.facade.cache.pollChanges(), 0, 'nothing changed yet');
    data.appointments[0]!.updateDateTime = now;
    data.allergies[0]!.lastUpdateDate = now;
    data.preventions[0]!.lastUpdateDate = now;
    data.documents[0]!.updatedatetime = now;
    assert.equal(await stack.facade.cache.pollChanges(), 4);
    assert.equal(await stack.facade.cache.pollChanges(), 0, 'rows already seen are not invalidated again');
  } finally {
    await stack.close();
  }
});

test('without the feed, a direct change is served until the TTL and not after it', async () => {
  const stack = await startStack({ env: { CHANGE_POLL_SECONDS: '0', CACHE_TTL_SECONDS: '2' } });
  try {
    const id = 1041;
    const before = await family(stack, id);
    const edited = Date.now();
    stack.sim.store.demographic(id)!.lastName = 'TTLEDIT';
    assert.equal(await family(stack, id), before, 'cached');
    await waitFor(stack, id, 'TTLEDIT', 4_000);
    assert.ok(Date.now() - edited <= 2_600, 'never older than CACHE_TTL_SECONDS');
  } finally {
    await stack.close();
  }
});
