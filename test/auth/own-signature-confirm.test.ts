// OSCAR answers invalid_signature for a clinician's deleted token AND for the facade's setup at
// fault (a wrong OSCAR_CONSUMER_SECRET, a proxy changing the URL OSCAR sees): before a token is
// dropped the facade puts its own signature to OSCAR once (contract 2.7, docs/smart-app-launch.md
// §7.7). On the simulator: the facade's consumer secret changed in OSCAR's client list (every
// signature the facade makes is then refused, as with a wrong OSCAR_CONSUMER_SECRET) — the picker
// says 502, the clinician's token is kept, N concurrent refusals make one confirmation; the
// clinician's own tokens revoked — 401 and the token dropped, as before.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { settledOscarCalls, type SecureStack } from './fixture.js';
import { Browser } from './launch-flow.js';
import { keptToken, startPickerStack, toPicker as pickerOf, type PickerStack } from './picker-stack.js';

for (const which of ['setup', 'sign-in'] as const) describe(`a refused signature: the facade's ${which}`, () => {
  let stack: PickerStack;
  let s: SecureStack;
  let surname = '';
  let doctorNo = '';
  const kept = (): Promise<unknown> => keptToken(stack);
  /** The simulated OSCAR's calls to /oauth/info so far (the confirmation is one). */
  const infoCalls = async (): Promise<number> => Object.entries(JSON.parse(await settledOscarCalls(s.sim)) as Record<string, number>)
    .filter(([op]) => /oauth\/info|oauthinfo/i.test(op)).reduce((n, [, c]) => n + c, 0);
  before(async () => {
    stack = await startPickerStack();
    ({ s, surname, doctorNo } = stack);
  });
  after(async () => { await s.close(); });

  const toPicker = (browser: Browser): Promise<string> => pickerOf(stack, browser);
  const alert = (body: string): string | undefined => /<p role="alert">([^<]*)<\/p>/.exec(body)?.[1];

  if (which === 'setup') it('OSCAR refusing the facade\'s own signature too: 502 for an administrator, the token kept, one confirmation for all', async () => {
    const browser = new Browser();
    const page = await toPicker(browser);
    const held = await kept();
    assert.ok(held);
    const client = s.sim.store.data.oauthClients.find((c) => c.key === s.sim.options.credentials.consumerKey)!;
    const secret = client.secret;
    client.secret = 'not-the-facades-secret';
    try {
      const before = await infoCalls();
      const answers = await Promise.all([1, 2, 3, 4].map(() => browser.request(`${page}?q=${encodeURIComponent(surname)}`)));
      assert.deepEqual(answers.map((a) => a.status), [502, 502, 502, 502]);
      assert.match(alert(answers[0]!.body) ?? '', /^OSCAR refused the facade&#39;s credentials/);
      assert.equal(await infoCalls() - before, 1, 'four refusals, one confirmation');
      assert.deepEqual(await kept(), held, 'the clinician\'s token is kept');
    } finally {
      client.secret = secret;
    }
  });

  // Its own stack: the first test's verdict is remembered for 30 s (own-signature.ts).
  if (which === 'sign-in') it('the clinician\'s own token revoked (the facade\'s accepted): 401 and the token dropped', async () => {
    s.sim.revokeAccessTokens(doctorNo);
    const browser = new Browser();
    const page = await toPicker(browser);
    assert.ok(await kept());
    assert.equal(s.sim.revokeAccessTokens(doctorNo), 1);
    const ended = await browser.request(`${page}?q=${encodeURIComponent(surname)}`);
    assert.equal(ended.status, 401);
    assert.equal(alert(ended.body), 'Your OSCAR sign-in has ended; sign in to OSCAR again.');
    assert.equal(await kept(), undefined);
  });
});
