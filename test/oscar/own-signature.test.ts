// The confirmation of the facade's own signature (src/oscar/own-signature.ts, contract 2.7,
// docs/smart-app-launch.md §7.7): how long each verdict stands — 30 s, 5 s for "OSCAR could not
// say" — so a fix of the setup is seen and a revoked clinician's token is dropped after it; one
// call in flight; and what OSCAR's answer to the facade's own /oauth/info says (ownSignatureVerdict):
// only a 200 naming no error is "accepted" (a user's token then dropped), an OAuth refusal is
// "refused", anything else — OSCAR down behind a gateway, its own error — "OSCAR could not say".
// Expected values are the docs' table and contract 1.6's fault text, not the code's constants.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OwnSignatureCheck, type OwnSignatureVerdict } from '../../src/oscar/own-signature.js';
import { ownSignatureVerdict } from '../../src/oscar/rest.js';

const FAULT = (code: string): string => `<ns1:XMLFault xmlns:ns1="http://cxf.apache.org/bindings/xformat"><ns1:faultstring xmlns:ns1="http://cxf.apache.org/bindings/xformat">ca.openosp.openo.webserv.oauth.OAuth1Exception: ${code}</ns1:faultstring></ns1:XMLFault>`;
const NOW = Date.parse('2026-12-07T20:00:00Z');

/** A check whose answers are given in turn, on a clock the test moves; counts the calls made. */
function checkWith(answers: OwnSignatureVerdict[]) {
  let at = NOW;
  let asked = 0;
  const check = new OwnSignatureCheck(async () => answers[asked++]!, () => at);
  return { check, asked: () => asked, wait: (ms: number) => { at += ms; } };
}

describe('own signature: how long a verdict stands', () => {
  for (const first of ['accepted', 'refused'] as const) {
    it(`"${first}" stands 30 s, then OSCAR is asked again`, async () => {
      const c = checkWith([first, first === 'accepted' ? 'refused' : 'accepted']);
      assert.equal(await c.check.confirm(), first);
      c.wait(29_999);
      assert.equal(await c.check.confirm(), first);
      assert.equal(c.asked(), 1);
      c.wait(2);
      assert.equal(await c.check.confirm(), first === 'accepted' ? 'refused' : 'accepted', 'a changed setup is seen after 30 s');
      assert.equal(c.asked(), 2);
    });
  }

  it('"OSCAR could not say" stands 5 s (the Retry-After given), not 30', async () => {
    const c = checkWith(['unreachable', 'accepted']);
    assert.equal(await c.check.confirm(), 'unreachable');
    c.wait(4_999);
    assert.equal(await c.check.confirm(), 'unreachable');
    c.wait(2);
    assert.equal(await c.check.confirm(), 'accepted');
    assert.equal(c.asked(), 2);
  });

  it('makes one call for refusals meanwhile, and a call that throws is "OSCAR could not say"', { timeout: 5_000 }, async () => {
    let release: (v: OwnSignatureVerdict) => void = () => undefined;
    let asked = 0;
    const check = new OwnSignatureCheck(() => { asked++; return new Promise((r) => { release = r; }); }, () => NOW);
    const all = Promise.all([check.confirm(), check.confirm(), check.confirm()]);
    release('accepted');
    assert.deepEqual(await all, ['accepted', 'accepted', 'accepted']);
    assert.equal(asked, 1);
    const failing = new OwnSignatureCheck(async () => { throw new Error('socket hang up'); }, () => NOW);
    assert.equal(await failing.confirm(), 'unreachable');
  });
});

describe('own signature: what OSCAR\'s answer to the facade\'s own /oauth/info says', () => {
  const json = { 'content-type': 'application/json' };
  const cases: [string, number, Record<string, string>, string, OwnSignatureVerdict][] = [
    ['200 naming the provider', 200, json, '{"login":"999998","provider":"999998"}', 'accepted'],
    ['an OAuth refusal (contract 1.6)', 500, json, FAULT('invalid_signature'), 'refused'],
    ['another OAuth code', 500, json, FAULT('invalid_consumer'), 'refused'],
    ['200 {"error": …} (contract 2.6: OSCAR\'s own failure)', 200, json, '{"error":"failed"}', 'unreachable'],
    ['200 that is no JSON (a login page)', 200, { 'content-type': 'text/html' }, '<html>login</html>', 'unreachable'],
    ['200 null', 200, json, 'null', 'unreachable'],
    ['a gateway\'s 502', 502, { 'content-type': 'text/html' }, '<html>Bad Gateway</html>', 'unreachable'],
    ['503 with JSON', 503, json, '{"login":"999998"}', 'unreachable'],
    ['500 without a fault', 500, json, 'java.lang.NullPointerException', 'unreachable'],
    ['404 with JSON naming no error', 404, json, '{}', 'unreachable'],
    ['302 to a login page', 302, { location: '/oscar/login.do' }, '', 'unreachable'],
  ];
  for (const [what, status, headers, text, wanted] of cases) {
    it(`${what}: ${wanted}`, () => {
      assert.equal(ownSignatureVerdict({ status, headers }, text, NOW), wanted);
    });
  }
});
