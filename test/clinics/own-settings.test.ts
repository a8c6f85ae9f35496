// Settings a clinic of a clinics file keeps for itself: its own operator token (opsToken, from an
// environment variable or a file) opening only its own /clinics/{id}/readyz and /metrics, and its
// own external authorization server (externalIssuer) whose tokens no other clinic accepts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startIssuer, type Issuer } from '../auth/fixture.js';
import { startClinics, type ClinicsStack, type TestClinic } from '../helpers/clinics.js';

const NORTH_OPS = 'north-operator-token-0123456789';
const SOUTH_OPS = 'south-operator-token-9876543210';

let stack: ClinicsStack;
let north: TestClinic;
let south: TestClinic;
let northIssuer: Issuer;
let southIssuer: Issuer;
const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-own-settings-'));

before(async () => {
  northIssuer = await startIssuer(() => north.base);
  southIssuer = await startIssuer(() => south.base);
  const southOpsFile = join(dir, 'south-ops-token');
  writeFileSync(southOpsFile, `${SOUTH_OPS}\n`, { mode: 0o600 });
  const issuerOf = (i: Issuer) => ({ issuer: i.issuer, jwksUrl: i.jwksUrl });
  stack = await startClinics([
    { id: 'north', seed: 1, timezone: 'America/Toronto', entry: { opsToken: { env: 'NORTH_OPS_TOKEN' }, externalIssuer: issuerOf(northIssuer) } },
    { id: 'south', seed: 2, timezone: 'America/Vancouver', entry: { opsToken: { file: southOpsFile }, externalIssuer: issuerOf(southIssuer) } },
  ], { env: { NORTH_OPS_TOKEN: NORTH_OPS, READY_CACHE_MS: '0', SMART_EXTERNAL_SYSTEM_SCOPES: 'true' } });
  north = stack.clinics.north!;
  south = stack.clinics.south!;
});
after(async () => {
  await stack?.close();
  await northIssuer?.close();
  await southIssuer?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, token?: string): Promise<Response> =>
  fetch(`${stack.origin}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('a clinic\'s own operator token and authorization server', () => {
  it('each clinic accepts the tokens of its own issuer only, even when another issuer names it as audience', async () => {
    const read = async (c: TestClinic, i: Issuer): Promise<number> =>
      (await c.as(await i.token({ scope: 'system/Patient.rs' }, { audience: c.base }), '/Patient/1001')).status;
    assert.equal(await read(north, northIssuer), 200);
    assert.equal(await read(south, southIssuer), 200);
    assert.equal(await read(north, southIssuer), 401, 'south\'s issuer is a stranger at north');
    assert.equal(await read(south, northIssuer), 401, 'north\'s issuer is a stranger at south');
  });

  it('a clinic\'s operator token (from the environment or a file) opens that clinic\'s readiness detail and metrics, and nothing else', async () => {
    await north.as(await northIssuer.token({ scope: 'system/Patient.rs' }), '/Patient/1001');
    for (const [id, token] of [['north', NORTH_OPS], ['south', SOUTH_OPS]] as const) {
      const other = id === 'north' ? 'south' : 'north';
      const ready = await (await get(`/clinics/${id}/readyz`, token)).json() as { checks?: unknown };
      assert.ok(ready.checks, `${id}'s token reads ${id}'s checks`);
      const hidden = await (await get(`/clinics/${other}/readyz`, token)).json() as { status: string; checks?: unknown };
      assert.equal(hidden.checks, undefined, `${id}'s token does not read ${other}'s checks`);
      assert.equal(hidden.status, 'ready', 'the status itself needs no token');
      const metrics = await get(`/clinics/${id}/metrics`, token);
      assert.equal(metrics.status, 200);
      const text = await metrics.text();
      assert.match(text, new RegExp(`clinic="${id}"`));
      assert.doesNotMatch(text, new RegExp(`clinic="${other}"`), 'only its own series');
      assert.equal((await get(`/clinics/${other}/metrics`, token)).status, 401);
      assert.equal((await get('/metrics', token)).status, 401, 'the whole server\'s metrics need the deployment\'s OPS_TOKEN');
    }
    assert.equal((await get('/clinics/north/metrics')).status, 401);
  });

  it('the deployment\'s OPS_TOKEN opens every clinic\'s endpoints', async () => {
    for (const id of ['north', 'south']) {
      assert.equal((await get(`/clinics/${id}/metrics`, stack.opsToken)).status, 200);
      const ready = await (await get(`/clinics/${id}/readyz`, stack.opsToken)).json() as { checks?: unknown };
      assert.ok(ready.checks);
    }
    assert.equal((await get('/metrics', stack.opsToken)).status, 200);
  });
});
