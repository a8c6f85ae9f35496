// Two clinics on two instances behind a balancer, every clinic's state on one PostgreSQL: the
// clinics share the database but nothing in it — a token issued for one clinic, an export job
// started at one, are unknown to the other on every instance — and each clinic has exactly one
// change-feed poller among the instances.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { startClinics, type ClinicsStack } from '../helpers/clinics.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres.js';
import { openPostgresHost } from '../../src/state/postgres/index.js';
import { KICK_OFF_HEADERS } from '../bulk/export-helpers.js';

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

  it('an export job of one clinic, kept in the shared database, does not exist at the other clinic on any instance', async () => {
    const north = stack.clinics.north!;
    const south = stack.clinics.south!;
    const northToken = await north.token();
    const southToken = await south.token();
    const kick = await north.as(northToken, '/Patient/$export?_type=Patient', { headers: KICK_OFF_HEADERS });
    assert.equal(kick.status, 202, kick.text);
    const status = kick.headers.get('content-location')!;
    for (let i = 0; i < 2; i++) {
      assert.notEqual((await north.as(northToken, status)).status, 404, `north, request ${i}`);
      assert.equal((await south.as(southToken, status.replace(north.base, south.base))).status, 404, `south, request ${i}`);
    }
    await north.as(northToken, status, { method: 'DELETE' });
  });

  it('one change-feed poller per clinic among the instances', async () => {
    await sleep(3_000);
    for (const id of ['north', 'south']) {
      const polled = stack.deployments.map((d) => d.clinics.get(id)!.cache.lastChangePoll() > 0);
      assert.equal(polled.filter(Boolean).length, 1, `clinic ${id}: exactly one instance polls its OSCAR (${polled.join(', ')})`);
    }
  });

  it('an instance holds one job queue on the database whatever its clinics; each clinic adds one listening connection', async () => {
    const pg = await import('pg');
    const c = new pg.default.Client({ connectionString: db.url });
    await c.connect();
    const connections = async (): Promise<Record<string, number>> => {
      const r = await c.query<{ app: string; n: string }>(`SELECT application_name AS app, count(*) AS n FROM pg_stat_activity WHERE application_name LIKE 'oscar-fhir%' GROUP BY 1`);
      return Object.fromEntries(r.rows.map((x) => [x.app, Number(x.n)]));
    };
    const before = await connections();
    const host = await openPostgresHost({ url: db.url });
    try {
      const clinics = ['c1', 'c2', 'c3', 'c4', 'c5'];
      const states = await Promise.all(clinics.map((id) => host.state(id)));
      await Promise.all(states.map((st, i) => st.jobs.send('probe', { i })));
      const grown = await connections();
      assert.equal((grown['oscar-fhir listener'] ?? 0) - (before['oscar-fhir listener'] ?? 0), clinics.length, 'one listener per clinic');
      // The instance's job queue holds at most 4 connections (jobs.ts): the five clinics share it.
      assert.ok((grown['oscar-fhir jobs'] ?? 0) - (before['oscar-fhir jobs'] ?? 0) <= 4, `one job queue, not one per clinic: ${JSON.stringify({ before, grown })}`);
      for (const st of states) await st.close();
    } finally {
      await host.close();
      await c.end();
    }
  });
});
