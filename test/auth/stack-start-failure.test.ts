// A test stack that cannot start (here: a clients file the facade refuses) fails its test at once
// and leaves nothing listening: a server left open keeps the test file's process alive until the
// runner's timeout, which hides the start-up error behind a generic cancellation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startSecureStack } from './fixture.js';

const listening = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
/** A closed server's handle goes away a few ticks after its close callback. */
async function settled(expected: number): Promise<number> {
  for (let i = 0; i < 50 && listening() !== expected; i++) await new Promise((r) => setTimeout(r, 20));
  return listening();
}

describe('a secure stack that cannot start', () => {
  it('rejects with the reason and closes the issuer and the simulator it started', async () => {
    const before = listening();
    const started = Date.now();
    await assert.rejects(
      startSecureStack({ apps: [{ client_id: 'broken-app', redirect_uris: ['not a url'], scope: 'launch openid' }] }),
      /broken-app|redirect/i,
    );
    assert.ok(Date.now() - started < 10_000, 'the failure is reported at once');
    assert.equal(await settled(before), before, 'no server of the failed stack is left listening');
  });
});
