// The facade with discovery on: start-up probes the simulator's deployment, /readyz judges only
// the halves this OSCAR offers and shows the map to the ops token holder (the embedded demo is
// open), and a start with half of OSCAR refused still serves the other half.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startStack } from '../../helpers/stack.js';

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
