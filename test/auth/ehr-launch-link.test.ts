// The EHR launch link and launch ids (ehr-launch.ts) on their own: which links make a launch, what
// the launch id remembers, how long it lives, and when the authorization endpoint accepts it. The
// whole flow through OSCAR's sign-in is test/auth/ehr-launch.test.ts.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { SmartClient } from '../../src/auth/clients.js';
import { ehrLaunch, type EhrLaunch } from '../../src/auth/server/ehr-launch.js';
import { InProcessDocuments } from '../../src/state/in-process.js';

const ISSUER = 'https://fhir.example.org/fhir';
const client = (o: Partial<SmartClient> & { clientId: string }): SmartClient =>
  ({ kind: 'app', scopes: [], otherScopes: [], authMethod: 'none', redirectUris: ['https://app.example.org/cb'], trustedEhrLaunch: false, ...o });

describe('EHR launch links and launch ids', () => {
  let now = Date.parse('2026-12-07T09:00:00Z');
  const documents = new InProcessDocuments(1000, () => now);
  const clients = new Map<string, SmartClient>([
    ['chart', client({ clientId: 'chart', launchUri: 'https://app.example.org/launch?tenant=a' })],
    ['other', client({ clientId: 'other', launchUri: 'https://other.example.org/launch' })],
    ['no-launch', client({ clientId: 'no-launch' })],
    ['backend', client({ clientId: 'backend', kind: 'backend', redirectUris: [], launchUri: 'https://backend.example.org/launch' })],
  ]);
  const launches: EhrLaunch = ehrLaunch({ issuer: ISSUER, clients, documents });
  let server: Server;
  let base: string;

  before(async () => {
    const web = express();
    web.use('/fhir', launches.routes());
    server = web.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  });
  after(() => { server.close(); });

  const follow = async (path: string): Promise<{ status: number; location: string | null; cache: string | null; type: string | null; body: string }> => {
    const r = await fetch(`${base}${path}`, { redirect: 'manual' });
    return { status: r.status, location: r.headers.get('location'), cache: r.headers.get('cache-control'), type: r.headers.get('content-type'), body: await r.text() };
  };
  /** The launch id of a link that must work. */
  const launchOf = async (path: string): Promise<string> => {
    const r = await follow(path);
    assert.equal(r.status, 302, r.body);
    return new URL(r.location!).searchParams.get('launch')!;
  };
  const ctxAt = (route: string): KoaContextWithOIDC => ({ oidc: { route } }) as unknown as KoaContextWithOIDC;

  it('a link sends the browser to the app\'s launch URL with iss and a fresh launch id, never cached', async () => {
    const r = await follow('/auth/launch/chart?demographic_no=1001&provider_no=999998&appointment_no=55');
    assert.equal(r.status, 302);
    assert.equal(r.cache, 'no-store');
    const target = new URL(r.location!);
    assert.equal(`${target.origin}${target.pathname}`, 'https://app.example.org/launch');
    assert.equal(target.searchParams.get('tenant'), 'a');
    assert.equal(target.searchParams.get('iss'), ISSUER);
    const id = target.searchParams.get('launch')!;
    assert.match(id, /^[A-Za-z0-9_-]{32}$/);
    assert.deepEqual(await launches.record(id), { clientId: 'chart', patient: '1001', providerHint: '999998', appointment: '55' });
    assert.notEqual(await launchOf('/auth/launch/chart?demographic_no=1001'), id);
  });

  it('what the link does not name, the launch does not hold; a repeated parameter names nothing', async () => {
    assert.deepEqual(await launches.record(await launchOf('/auth/launch/chart')), { clientId: 'chart' });
    assert.deepEqual(await launches.record(await launchOf('/auth/launch/chart?provider_no=A1b2')), { clientId: 'chart', providerHint: 'A1b2' });
    assert.deepEqual(await launches.record(await launchOf('/auth/launch/chart?demographic_no=1&demographic_no=2&provider_no=a&provider_no=b&appointment_no=3&appointment_no=4')), { clientId: 'chart' });
  });

  it('no app with an EHR launch under that name: a 404 page', async () => {
    for (const name of ['unknown', 'no-launch', 'backend']) {
      const r = await follow(`/auth/launch/${name}?demographic_no=1001`);
      assert.equal(r.status, 404, name);
      assert.equal(r.cache, 'no-store', name);
      assert.match(r.type ?? '', /^text\/html/, name);
      assert.match(r.body, /This app cannot start/, name);
      assert.match(r.body, /No app with an EHR launch is registered under this name\./, name);
      assert.equal(r.location, null, name);
    }
  });

  it('a malformed link is a 400 page and makes no launch', async () => {
    for (const query of [
      'demographic_no=abc', 'demographic_no=', 'demographic_no=12345678901', 'demographic_no=1e3',
      'provider_no=a-b', 'provider_no=', `provider_no=${'a'.repeat(26)}`,
      'appointment_no=x', 'appointment_no=12345678901',
      'demographic_no=1001&provider_no=999998&appointment_no=5x',
      'demographic_no=1001x&provider_no=999998&appointment_no=5',
      'demographic_no=1001&provider_no=99%2099&appointment_no=5',
    ]) {
      const r = await follow(`/auth/launch/chart?${query}`);
      assert.equal(r.status, 400, query);
      assert.equal(r.cache, 'no-store', query);
      assert.match(r.body, /The launch link is malformed/, query);
      assert.equal(r.location, null, query);
    }
    for (const query of ['demographic_no=1234567890', `provider_no=${'Z'.repeat(25)}`, 'appointment_no=0']) assert.equal((await follow(`/auth/launch/chart?${query}`)).status, 302, query);
  });

  it('the authorization endpoint accepts a launch for its own app only, once, until it is spent (then only when resuming)', async () => {
    const id = await launchOf('/auth/launch/chart?demographic_no=1001');
    await launches.check(ctxAt('authorization'), id, 'chart');
    await assert.rejects(launches.check(ctxAt('authorization'), id, 'other'), { name: 'InvalidRequest', error_description: 'launch is unknown, expired, already used or meant for another app' });
    await assert.rejects(launches.check(ctxAt('authorization'), 'no-such-launch', 'chart'), { name: 'InvalidRequest' });
    assert.equal(await launches.consume(id), true);
    assert.equal(await launches.consume(id), false);
    await assert.rejects(launches.check(ctxAt('authorization'), id, 'chart'), { name: 'InvalidRequest' });
    await launches.check(ctxAt('resume'), id, 'chart');
    await assert.rejects(launches.check(ctxAt('resume'), id, 'other'), { name: 'InvalidRequest' });
  });

  it('a launch id lives five minutes', async () => {
    const id = await launchOf('/auth/launch/chart?demographic_no=1001');
    const made = now;
    now = made + 5 * 60_000 - 1;
    assert.deepEqual(await launches.record(id), { clientId: 'chart', patient: '1001' });
    await launches.check(ctxAt('authorization'), id, 'chart');
    now = made + 5 * 60_000 + 1;
    assert.equal(await launches.record(id), undefined);
    await assert.rejects(launches.check(ctxAt('authorization'), id, 'chart'), { name: 'InvalidRequest' });
    assert.equal(await launches.consume(id), false);
  });
});
