// The facade with OSCAR behind an outbound proxy that wants a user and password (docs/proxy.md):
// with the right ones a read is served through the proxy; with none or wrong ones the client gets a
// clean 503 OperationOutcome, the operator a log line naming the proxy and its 407, and neither the
// answer nor any log line (debug level included) holds the proxy's password.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack.js';
import { startOutboundProxy, type OutboundProxy } from '../helpers/outbound-proxy.js';
import { assertOutcome, captureLogger } from './support.js';

const USER = 'facade';
const PASSWORD = 'Hosp1tal-Pr0xy';
const ENV = { OSCAR_RETRIES: '0', CACHE_MAX_BYTES: '0', READY_CACHE_MS: '0' };

describe('OSCAR behind an outbound proxy with credentials', () => {
  const open: { stack: Stack; proxy: OutboundProxy }[] = [];
  after(async () => { for (const o of open) { await o.stack.close(); await o.proxy.close(); } });

  async function start(credentials: string | undefined) {
    const proxy = await startOutboundProxy({ credentials: `${USER}:${PASSWORD}` });
    const log = captureLogger('debug');
    const url = `http://${credentials === undefined ? '' : `${credentials}@`}127.0.0.1:${proxy.port}`;
    const stack = await startStack({ logger: log.logger, env: ENV, proxy: { http: url, noProxy: [] } });
    open.push({ stack, proxy });
    return { stack, proxy, log };
  }

  it('the right credentials: the read is served, every OSCAR call through the proxy', async () => {
    const { stack, proxy, log } = await start(`${USER}:${encodeURIComponent(PASSWORD)}`);
    const r = await stack.fhir('/Patient/1001');
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.ok(proxy.seen.length > 0);
    assert.ok(proxy.seen.every((s) => s.target.startsWith(`${stack.sim.url}/`)), 'absolute-form requests for the simulator');
    const metadata = await stack.fhir('/metadata');
    assert.equal(metadata.status, 200);
    for (const text of [metadata.text, log.text()]) assert.ok(!text.includes(PASSWORD) && !text.includes(encodeURIComponent(PASSWORD)));
  });

  for (const [what, credentials] of [['no credentials', undefined], ['a wrong password', `${USER}:not-the-password`]] as const) {
    it(`${what}: a 503 OperationOutcome, a log line naming the proxy's 407, the password nowhere`, async () => {
      const { stack, proxy, log } = await start(credentials);
      const r = await stack.fhir('/Patient/1001');
      assertOutcome(r, 503, 'transient');
      assert.ok(!r.text.includes(PASSWORD) && !r.text.includes('not-the-password'));
      assert.ok(proxy.seen.length > 0 && proxy.seen.every((s) => s.proxyAuthorization !== `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`));
      const text = log.text();
      const line = log.lines.find((l) => l.msg === 'request failed');
      assert.equal(line?.reason, 'proxy', 'the operator is told the proxy refused');
      assert.equal(line?.code, 'HTTP 407');
      assert.equal(line?.proxy, `http://127.0.0.1:${proxy.port}`);
      for (const secret of [PASSWORD, 'not-the-password', Buffer.from(`${USER}:not-the-password`).toString('base64')]) {
        assert.ok(!text.includes(secret), `no "${secret}" in the logs`);
      }
    });
  }
});
