// The facade with discovery on: start-up probes the simulator's deployment, /readyz judges only
// the halves this OSCAR offers and shows the map to the ops token holder (the embedded demo is
// open), and a start with half of OSCAR refused still serves the other half.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createFacade } from '../../../src/app.js';
import { connectionFromCredentials, loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logging.js';
import { startSimulator } from '../../../src/sim/server.js';
import { startStack } from '../../helpers/stack.js';
import { CREDENTIALS } from './discovery-setup.js';

const readyz = async (base: string): Promise<{ status: number; body: { status: string; checks?: Record<string, string>; capabilities?: { source: string; soap: { reach: string }; rest: { reach: string } } } }> => {
  const r = await fetch(base.replace(/\/fhir$/, '/readyz'));
  return { status: r.status, body: await r.json() as never };
};

describe('facade start-up with capability discovery', () => {
  it('REST module off: the map says so, and a SOAP-only OSCAR is ready', async () => {
    const stack = await startStack({ env: { CAPABILITY_DISCOVERY: 'true' }, sim: { restModule: false } });
    try {
      assert.equal(stack.facade.capabilities.current().source, 'probe');
      assert.equal(stack.facade.capabilities.current().rest.reach, 'module-off');
      const r = await readyz(stack.base);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.checks, { soap: 'ok' });
      assert.equal(r.body.capabilities?.rest.reach, 'module-off');
      assert.equal(r.body.capabilities?.source, 'probe');
    } finally {
      await stack.close();
    }
  });

  it('SOAP behind a WAF: ready on REST alone', async () => {
    const stack = await startStack({ env: { CAPABILITY_DISCOVERY: 'true' }, sim: { soapWaf: true } });
    try {
      assert.equal(stack.facade.capabilities.current().soap.reach, 'edge-blocked');
      const r = await readyz(stack.base);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.checks, { rest: 'ok' });
    } finally {
      await stack.close();
    }
  });

  it('SOAP behind a WAF and the REST module off: nothing usable, not ready, and the check says why', async () => {
    const stack = await startStack({ env: { CAPABILITY_DISCOVERY: 'true' }, sim: { soapWaf: true, restModule: false } });
    try {
      const r = await readyz(stack.base);
      assert.equal(r.status, 503);
      assert.deepEqual(r.body.checks, { oscar: 'nothing usable (SOAP edge-blocked, REST module-off)' });
    } finally {
      await stack.close();
    }
  });

  it('OSCAR 15 (no /oauth/info) and Juno (REST at /ws/services/v1): ready on what their calls can check', async () => {
    for (const variant of ['oscar15', 'juno'] as const) {
      const stack = await startStack({ env: { CAPABILITY_DISCOVERY: 'true' }, sim: { variant } });
      try {
        const r = await readyz(stack.base);
        assert.equal(r.status, 200, variant);
        assert.deepEqual(r.body.checks, { soap: 'ok' }, variant);
      } finally {
        await stack.close();
      }
    }
  });

  it('keeps the probed map in CAPABILITY_CACHE_FILE, and serves it when OSCAR is down at the next start', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'caps-')), 'oscar-capabilities.json');
    const stack = await startStack({ env: { CAPABILITY_DISCOVERY: 'true', CAPABILITY_CACHE_FILE: file }, sim: { restModule: false } });
    await stack.close();
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { oscarUrl: string; map: { rest: { reach: string } } };
    assert.equal(stored.oscarUrl, stack.sim.url);
    assert.equal(stored.map.rest.reach, 'module-off');

    // The same OSCAR address, now answering nothing (a port nobody listens on).
    const dead = await new Promise<number>((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); }); });
    const url = `http://127.0.0.1:${dead}/oscar`;
    writeFileSync(file, JSON.stringify({ ...stored, oscarUrl: url }));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', CAPABILITY_CACHE_FILE: file, CHANGE_POLL_SECONDS: '0', OSCAR_TIMEZONE: stack.sim.store.timezone });
    const facade = createFacade(config, connectionFromCredentials(url, CREDENTIALS), createLogger('silent'));
    try {
      await facade.listen();
      assert.equal(facade.capabilities.current().source, 'cache');
      assert.equal(facade.capabilities.current().rest.reach, 'module-off');
    } finally {
      await facade.close();
    }
  });

  it('when the probes find other SOAP services than the cached map (an upgrade), the client reads the WSDLs again', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'caps-')), 'oscar-capabilities.json');
    const first = await startStack({ env: { CAPABILITY_DISCOVERY: 'true', CAPABILITY_CACHE_FILE: file } });
    await first.close();
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { oscarUrl: string; map: { soap: { fingerprint: string } } };
    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', CHANGE_POLL_SECONDS: '0', OSCAR_TIMEZONE: first.sim.store.timezone,
      CAPABILITY_CACHE_FILE: file,
    });
    // The next start finds a cache written before an upgrade: another fingerprint.
    const sim = await startSimulator({ port: 0, patients: 3, credentials: CREDENTIALS });
    writeFileSync(file, JSON.stringify({ oscarUrl: sim.url, map: { ...stored.map, soap: { ...stored.map.soap, fingerprint: '0000000000000000' } } }));
    const facade = createFacade(config, connectionFromCredentials(sim.url, CREDENTIALS), createLogger('silent'));
    try {
      await facade.oscar.soapGetProviders2(true);
      assert.equal(facade.oscar.login2Count, 1);
      await facade.listen();
      assert.equal(facade.capabilities.current().soap.fingerprint, stored.map.soap.fingerprint);
      await facade.oscar.soapGetProviders2(true);
      assert.equal(facade.oscar.login2Count, 2, 'WSDLs and token forgotten, read again');
    } finally {
      await facade.close();
      await sim.close();
    }
  });

  it('without discovery the facade assumes everything and checks both halves, as before', async () => {
    const stack = await startStack({ sim: { restModule: false } });
    try {
      assert.equal(stack.facade.capabilities.current().source, 'assumed');
      const r = await readyz(stack.base);
      assert.equal(r.status, 503);
      assert.equal(r.body.checks?.soap, 'ok');
      assert.notEqual(r.body.checks?.rest, 'ok');
    } finally {
      await stack.close();
    }
  });
});
