// Graceful shutdown: requests in flight finish, new connections are refused, and whatever is
// still running when the grace period ends is cut off — in process, and for the real entry
// point on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { startStack } from '../helpers/stack.js';
import { sleep, waitFor } from '../resilience/support.js';

describe('closing the facade', () => {
  it('lets a request in flight finish (with Connection: close) and refuses new connections', async () => {
    const stack = await startStack({ env: { CACHE_MAX_BYTES: '0', CHANGE_POLL_SECONDS: '0' } });
    try {
      assert.equal((await stack.fhir('/Patient/1002')).status, 200);
      stack.sim.faults.add({ match: { path: '/ws/DemographicService' }, mode: 'latency', latencyMs: 400 });
      const slow = stack.fhir('/Patient/1001');
      await sleep(100);
      const t0 = Date.now();
      const closing = stack.facade.close(5_000);
      const r = await slow;
      assert.equal(r.status, 200, 'the request in flight was answered');
      assert.equal(r.body.id, '1001');
      assert.equal(r.headers.get('connection'), 'close');
      assert.equal(await closing, true, 'closed cleanly');
      assert.ok(Date.now() - t0 < 2_000);
      await assert.rejects(fetch(`${stack.base}/metadata`), 'no new connections');
    } finally {
      await stack.sim.close();
    }
  });

  it('cuts off requests that outlive the grace period', async () => {
    const stack = await startStack({ env: { CACHE_MAX_BYTES: '0', CHANGE_POLL_SECONDS: '0', OSCAR_TIMEOUT_MS: '10000' } });
    try {
      stack.sim.faults.add({ match: { path: '/ws/DemographicService' }, mode: 'timeout' });
      const stuck = stack.fhir('/Patient/1001').then(() => 'answered', () => 'cut off');
      await sleep(100);
      const t0 = Date.now();
      assert.equal(await stack.facade.close(300), false, 'not clean');
      assert.ok(Date.now() - t0 < 1_500, 'bounded by the grace period');
      assert.equal(await stuck, 'cut off');
    } finally {
      await stack.sim.close();
    }
  });
});

describe('SIGTERM on the real server (npm start)', () => {
  it('finishes the request in flight, stops accepting, and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, PORT: '0', SIM_PORT: '0', LOG_LEVEL: 'warn', SHUTDOWN_GRACE_MS: '5000', CACHE_MAX_BYTES: '0', CHANGE_POLL_SECONDS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
    try {
      await waitFor(() => /listening on [\d.]+:(\d+)/.test(out) && /embedded simulator at (http:\/\/\S+)\/oscar/.test(out), 20_000, 'the server to start');
      const port = /listening on [\d.]+:(\d+)/.exec(out)![1];
      const sim = /embedded simulator at (http:\/\/\S+)\/oscar/.exec(out)![1];
      const base = `http://127.0.0.1:${port}/fhir`;
      assert.equal((await fetch(`${base}/Patient/1002`)).status, 200);
      const rule = await fetch(`${sim}/__sim/faults`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ match: { path: '/ws/DemographicService' }, mode: 'latency', latencyMs: 600 }),
      });
      assert.equal(rule.status, 201);
      const slow = fetch(`${base}/Patient/1001`);
      await sleep(150);
      child.kill('SIGTERM');
      const r = await slow;
      assert.equal(r.status, 200, 'the request in flight was answered');
      assert.equal(((await r.json()) as { id: string }).id, '1001');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0, out);
      await assert.rejects(fetch(`${base}/metadata`), 'nothing listens any more');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
