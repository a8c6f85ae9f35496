// Two clinics (two simulated OSCARs) in one deployment: each is served at its own base from its own
// OSCAR, and nothing of one — a token, a paging cursor, an export job, a cached read, an audit
// record, an external token meant for it — is accepted or visible at the other. /readyz and /metrics speak per clinic.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, CapabilityStatement, Patient } from 'fhir/r4.js';
import { startClinics, type ClinicsStack, type TestClinic } from '../helpers/clinics.js';
import { KICK_OFF_HEADERS } from '../bulk/export-helpers.js';
import { startIssuer, type Issuer } from '../auth/fixture.js';

describe('two clinics in one deployment', () => {
  let stack: ClinicsStack;
  let north: TestClinic;
  let south: TestClinic;
  let northToken: string;
  let southToken: string;
  let issuer: Issuer;
  before(async () => {
    // One external authorization server for every clinic: its tokens name their clinic as audience.
    issuer = await startIssuer(() => north.base);
    stack = await startClinics([
      { id: 'north', seed: 1, timezone: 'America/Toronto' },
      { id: 'south', seed: 2, timezone: 'America/Vancouver' },
    ], { env: { READY_CACHE_MS: '0', OSCAR_RETRIES: '0', SMART_ISSUER: issuer.issuer, SMART_JWKS_URL: issuer.jwksUrl, SMART_EXTERNAL_SYSTEM_SCOPES: 'true' } });
    north = stack.clinics.north!;
    south = stack.clinics.south!;
    northToken = await north.token();
    southToken = await south.token();
  });
  after(async () => {
    await stack?.close();
    await issuer?.close();
  });

  /** A patient whose name differs between the two simulated clinics. */
  function differingPatient(): { id: string; northFamily: string; southFamily: string } {
    const n = north.sim.store.data.demographics;
    const s = south.sim.store.data.demographics;
    const d = n.find((p) => s.some((q) => q.demographicNo === p.demographicNo && q.lastName !== p.lastName))!;
    return { id: String(d.demographicNo), northFamily: d.lastName, southFamily: s.find((q) => q.demographicNo === d.demographicNo)!.lastName };
  }

  it('each clinic reads its own OSCAR, and a read cached at one is not served at the other', async () => {
    const p = differingPatient();
    const first = await north.as(northToken, `/Patient/${p.id}`);
    assert.equal(first.status, 200);
    assert.equal((first.body as Patient).name?.[0]?.family?.toUpperCase(), p.northFamily.toUpperCase());
    south.sim.stats.reset();
    // The same read again at north (now cached), then at south: south must ask its own OSCAR.
    assert.equal((await north.as(northToken, `/Patient/${p.id}`)).status, 200);
    const other = await south.as(southToken, `/Patient/${p.id}`);
    assert.equal(other.status, 200);
    assert.equal((other.body as Patient).name?.[0]?.family?.toUpperCase(), p.southFamily.toUpperCase());
    assert.ok(south.sim.stats.count() > 0, 'south asked its own OSCAR');
  });

  it('a token of one clinic is refused by the other', async () => {
    const refused = await south.as(northToken, '/Patient/1001');
    assert.equal(refused.status, 401);
    assert.equal(refused.body.resourceType, 'OperationOutcome');
    assert.equal((await north.as(southToken, '/Patient/1001')).status, 401);
    assert.equal((await north.as(northToken, '/Patient/1001')).status, 200, 'each clinic\'s own token works there');
  });

  it('an external issuer\'s token is accepted only by the clinic it names as audience', async () => {
    const forNorth = await issuer.token({ scope: 'system/Patient.rs' }, { audience: north.base });
    assert.equal((await north.as(forNorth, '/Patient/1001')).status, 200);
    assert.equal((await south.as(forNorth, '/Patient/1001')).status, 401);
    const forSouth = await issuer.token({ scope: 'system/Patient.rs' }, { audience: south.base });
    assert.equal((await south.as(forSouth, '/Patient/1001')).status, 200);
    assert.equal((await north.as(forSouth, '/Patient/1001')).status, 401);
  });

  it('Bundle links and fullUrls carry the clinic\'s base, and a paging cursor of one clinic is refused by the other', async () => {
    const page = await north.as(northToken, '/Patient?active=true&_count=2');
    assert.equal(page.status, 200, page.text);
    const bundle = page.body as Bundle;
    for (const e of bundle.entry ?? []) assert.ok(e.fullUrl?.startsWith(`${north.base}/Patient/`), e.fullUrl);
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    assert.ok(next?.startsWith(`${north.base}/Patient?`), `next link: ${next}`);
    assert.equal((await north.as(northToken, next!)).status, 200, 'the link works where it was given');
    const elsewhere = await south.as(southToken, next!.replace(north.base, south.base));
    assert.equal(elsewhere.status, 400);
    assert.match(JSON.stringify(elsewhere.body), /_cursor/);
  });

  it('an export job of one clinic does not exist at the other', async () => {
    const kick = await north.as(northToken, '/Patient/$export?_type=Patient', { headers: KICK_OFF_HEADERS });
    assert.equal(kick.status, 202);
    const status = kick.headers.get('content-location')!;
    assert.ok(status.startsWith(`${north.base}/`), status);
    assert.notEqual((await north.as(northToken, status)).status, 404, 'the job is there at its own clinic');
    const elsewhere = await south.as(southToken, status.replace(north.base, south.base));
    assert.equal(elsewhere.status, 404);
    await north.as(northToken, status, { method: 'DELETE' });
  });

  it('each clinic has its own CapabilityStatement and SMART discovery at its own base', async () => {
    for (const c of [north, south]) {
      const cs = (await fetch(`${c.base}/metadata`).then((r) => r.json())) as CapabilityStatement;
      assert.equal(cs.implementation?.url, c.base);
      const smart = await fetch(`${c.base}/.well-known/smart-configuration`).then((r) => r.json()) as Record<string, string>;
      assert.equal(smart.token_endpoint, `${c.base}/auth/token`);
    }
  });

  it('every audit record names its clinic and that clinic\'s base', async () => {
    const marker = `audit-${Date.now()}`;
    await south.as(southToken, '/Patient/1001', { headers: { 'x-request-id': marker } });
    let record;
    for (let i = 0; i < 50 && !record; i++) {
      record = stack.audit().find((e) => e.extension?.some((x) => x.valueString === marker));
      if (!record) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(record, 'the request was audited');
    assert.equal(record.extension?.find((x) => x.url === 'urn:oscar-fhir:clinic')?.valueString, 'south');
    assert.equal(record.source.site, south.base);
    const all = stack.audit();
    assert.ok(all.length > 0);
    for (const e of all) {
      const clinic = e.extension?.find((x) => x.url === 'urn:oscar-fhir:clinic')?.valueString;
      assert.ok(clinic === 'north' || clinic === 'south', `a record without its clinic: ${JSON.stringify(e.extension)}`);
      assert.equal(e.source.site, stack.clinics[clinic]!.base);
    }
  });

  it('paths outside a known clinic are 404; the one-clinic /fhir is not served', async () => {
    for (const path of ['/clinics/west/fhir/metadata', '/fhir/metadata', '/clinics/north/metadata']) {
      const res = await fetch(`${stack.origin}${path}`);
      assert.equal(res.status, 404, path);
      assert.equal((await res.json() as { resourceType: string }).resourceType, 'OperationOutcome');
    }
  });

  const ops = (path: string): Promise<Response> => fetch(`${stack.origin}${path}`, { headers: { authorization: `Bearer ${stack.opsToken}` } });

  it('/metrics labels every series with its clinic; the process metrics appear once', async () => {
    await north.as(northToken, '/Patient/1001');
    await south.as(southToken, '/Patient/1001');
    const res = await ops('/metrics');
    assert.equal(res.status, 200);
    const text = await res.text();
    for (const clinic of ['north', 'south']) {
      assert.match(text, new RegExp(`^fhir_requests_total\\{[^}]*clinic="${clinic}"[^}]*\\} [1-9]`, 'm'), `requests of ${clinic}`);
      assert.match(text, new RegExp(`^oscar_calls_total\\{[^}]*clinic="${clinic}"`, 'm'), `OSCAR calls of ${clinic}`);
    }
    assert.equal(text.match(/^# TYPE fhir_requests_total /gm)?.length, 1, 'one family, many clinics');
    assert.equal(text.match(/^# TYPE process_cpu_user_seconds_total /gm)?.length, 1);
    assert.doesNotMatch(text, /^process_cpu_user_seconds_total\{[^}]*clinic=/m, 'process metrics belong to no clinic');
    assert.equal((await fetch(`${stack.origin}/metrics`)).status, 401, 'the operator token is needed');
  });

  it('/readyz reports each clinic; one clinic\'s OSCAR down leaves the instance ready and that clinic not', async () => {
    const both = await ops('/readyz');
    assert.equal(both.status, 200);
    assert.deepEqual((await both.json() as { checks: unknown }).checks, { north: 'ok', south: 'ok' });
    const fault = south.sim.faults.add({ match: { path: '/ws' }, mode: 'http500' });
    try {
      const one = await ops('/readyz');
      assert.equal(one.status, 200, 'north still serves');
      const checks = (await one.json() as { checks: Record<string, string> }).checks;
      assert.equal(checks.north, 'ok');
      assert.notEqual(checks.south, 'ok');
      assert.equal((await fetch(`${stack.origin}/clinics/south/readyz`)).status, 503);
      assert.equal((await fetch(`${stack.origin}/clinics/north/readyz`)).status, 200);
      assert.equal((await fetch(`${stack.origin}/clinics/west/readyz`)).status, 404);
    } finally {
      south.sim.faults.remove(fault);
    }
  });
});
