// Changes made directly in OSCAR (here: in the simulator's database, as the clinic's own users
// would): the change feed makes them visible within the poll interval; what the feed cannot see
// expires with the TTL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Patient } from 'fhir/r4.js';
import { startStack, type Stack } from '../helpers/stack.js';

const family = async (stack: Stack, id: number): Promise<string | undefined> => ((await stack.fhir(`/Patient/${id}`)).body as Patient).name?.[0]?.family;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `done` holds; the limit only turns a feed that never polls into a failure instead of a hang. */
async function until(done: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > limitMs) throw new Error(`${what} not within ${limitMs} ms`);
    await sleep(50);
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
    // The timer polls every second; a poll finished after the edit may have started before it,
    // so wait for the poll after that one, which began after the edit and must have seen it.
    const edited = Date.now();
    await until(() => stack.facade.cache.lastChangePoll() > edited, 'a poll after the edit');
    const first = stack.facade.cache.lastChangePoll();
    await until(() => stack.facade.cache.lastChangePoll() > first, 'a second poll after the edit');
    assert.equal(await family(stack, id), 'DIRECTEDIT', 'fresh once a poll that began after the edit has run');
  } finally {
    await stack.close();
  }
});

// One record per change feed: its FHIR read, and how the clinic edits it directly in OSCAR (the
// row changes and its update stamp moves, as OSCAR does on any edit).
interface FeedCase { kind: string; search: string; edit(stack: Stack, id: number, now: string): string }
const FEEDS: FeedCase[] = [
  { kind: 'demographics', search: '/Patient?_id=1001', edit: (s, id, now) => { const r = s.sim.store.demographic(id)!; r.lastName = 'FEEDEDIT'; r.lastUpdateDate = now; return 'FEEDEDIT'; } },
  { kind: 'appointments', search: '/Appointment?patient=1001', edit: (s, id, now) => { const r = s.sim.store.data.appointments.find((a) => a.appointmentNo === id)!; r.reason = 'FEED EDIT REASON'; r.updateDateTime = now; return 'FEED EDIT REASON'; } },
  { kind: 'allergies', search: '/AllergyIntolerance?patient=1001', edit: (s, id, now) => { const r = s.sim.store.data.allergies.find((a) => a.allergyId === id)!; r.description = 'FEED EDIT ALLERGEN'; r.lastUpdateDate = now; return 'FEED EDIT ALLERGEN'; } },
  { kind: 'preventions', search: '/Immunization?patient=1001', edit: (s, id, now) => { const r = s.sim.store.data.preventions.find((p) => p.id === id)!; r.preventionDate = '2001-02-03T00:00:00'; r.lastUpdateDate = now; return '2001-02-03'; } },
  { kind: 'documents', search: '/DocumentReference?patient=1001', edit: (s, id, now) => { const r = s.sim.store.data.documents.find((d) => d.documentNo === id)!; r.docdesc = 'FEED EDIT DOCUMENT'; r.updatedatetime = now; return 'FEED EDIT DOCUMENT'; } },
];

test('for every change feed: a record edited directly in OSCAR is read fresh after the next poll', async () => {
  const stack = await startStack({ env: { CHANGE_POLL_SECONDS: '0', CACHE_TTL_SECONDS: '600' } });
  try {
    for (const f of FEEDS) {
      const found = await stack.fhir(f.search);
      const path = `${found.body?.entry?.[0]?.resource?.resourceType}/${found.body?.entry?.[0]?.resource?.id}`;
      assert.equal(found.status, 200, `${f.kind}: ${found.text}`);
      const before = await stack.fhir(`/${path}`);
      assert.equal(before.status, 200, `${f.kind}: ${before.text}`);
      const shown = f.edit(stack, Number(path.split('/')[1]), stack.sim.store.nowLocal());
      const cached = await stack.fhir(`/${path}`);
      assert.equal(cached.text, before.text, `${f.kind}: before the poll the cached ${path} is served`);
      assert.ok(await stack.facade.cache.pollChanges() >= 1, `${f.kind}: the feed saw the edit`);
      const after = await stack.fhir(`/${path}`);
      assert.ok(after.text.includes(shown), `${f.kind}: ${path} after the poll shows the edit (${shown})`);
    }
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
    const cachedBy = Date.now(); // the answer was cached before this instant
    stack.sim.store.demographic(id)!.lastName = 'TTLEDIT';
    assert.equal(await family(stack, id), before, 'cached');
    // However late this wakes up, CACHE_TTL_SECONDS have passed since the answer was cached.
    await sleep(cachedBy + 2_000 + 50 - Date.now());
    assert.equal(await family(stack, id), 'TTLEDIT', 'never older than CACHE_TTL_SECONDS');
  } finally {
    await stack.close();
  }
});
