// Two clinics on two instances behind a balancer, every clinic's state on one PostgreSQL: the
// clinics share the database but nothing in it — a token issued for one clinic is unknown to the
// other on every instance — and each clinic has exactly one change-feed poller among the instances.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { startClinics, type ClinicsStack } from '../helpers/clinics.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';

describe('two clinics, two instances, one state database', () => {
  let db: TestPostgres;
  let stack: ClinicsStack;
  before(async () => {
    db = await startPostgres();
    stack = await startClinics([
      { id: 'north', seed: 1, timezone: 'America/Toronto', patients: 15 },
      { id: 'south', seed: 2, timezone: 'America/Vancouver', patients: 15 },
    ], { stateDatabaseUrl: db.url, instances: 2, env: { CHANGE_POLL_SECONDS: '1' } });
  });
  after(async () => {
    await stack?.close();
    await db?.close();
  });

  it('a token of one clinic is accepted by that clinic on every instance and refused by the other clinic on every instance', async () => {
    const north = stack.clinics.north!;
    const south = stack.clinics.south!;
    const token = await north.token();
    // The balancer alternates: two requests reach both instances.
    for (let i = 0; i < 2; i++) {
      assert.equal((await north.as(token, '/Patient/1001')).status, 200, `north, request ${i}`);
      const refused = await south.as(token, '/Patient/1001');
      assert.equal(refused.status, 401, `south, request ${i}: ${refused.text}`);
    }
    const southToken = await south.token();
    for (let i = 0; i < 2; i++) assert.equal((await north.as(southToken, '/Patient/1001')).status, 401);
  });

  it('one change-feed poller per clinic among the instances', async () => {
    await sleep(3_000);
    for (const id of ['north', 'south']) {
      const polled = stack.deployments.map((d) => d.clinics.get(id)!.cache.lastChangePoll() > 0);
      assert.equal(polled.filter(Boolean).length, 1, `clinic ${id}: exactly one instance polls its OSCAR (${polled.join(', ')})`);
    }
  });
});
