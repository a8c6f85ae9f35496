// OSCAR refusing the facade's own credentials: SOAP tokens die with an OSCAR restart and are
// renewed transparently (one login2); a refused login, a bad OAuth signature, a revoked access
// token or clocks too far apart are a 502 for the client and one operator-facing log line that
// names the cause — and never any PHI or secret.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OscarClient } from '../../src/oscar/client.js';
import { OscarAuthError } from '../../src/oscar/errors.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { startFake } from '../oscar/fake-http.js';
import { assertOutcome, captureLogger, type LogLine } from './support.js';
import { toOperationOutcome } from '../../src/fhir/outcome.js';

const ON_HCN = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn';
const newPatient = (family: string, hcn: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/fhir+json' },
  body: JSON.stringify({ resourceType: 'Patient', name: [{ family, given: ['ALEX'] }], gender: 'female', birthDate: '1991-04-05', identifier: [{ system: ON_HCN, value: hcn }] }),
});

describe('credentials refused by OSCAR', () => {
  let stack: Stack;
  const log = captureLogger('info');
  before(async () => {
    stack = await startStack({ logger: log.logger, env: { READY_CACHE_MS: '0', OSCAR_BREAKER_THRESHOLD: '1000', OSCAR_RETRIES: '0', CACHE_MAX_BYTES: '0' } });
    assert.equal((await stack.fhir('/Patient/1001')).status, 200);
  });
  after(async () => { await stack.close(); });

  const failureLine = (requestId: string | null): LogLine | undefined => log.lines.find((l) => l.requestId === requestId && l.msg !== 'request');

  /** The one operator line for a refused request: names the cause, carries no PHI or secret. */
  function assertOperatorLine(requestId: string | null, cause: RegExp): LogLine {
    const line = failureLine(requestId);
    assert.ok(line, `a log line for request ${requestId}`);
    assert.equal(line.error, 'OscarAuthError');
    assert.match(String(line.cause), cause);
    assert.match(line.msg, /OSCAR refused the facade's credentials/);
    const text = JSON.stringify(line);
    const creds = stack.sim.options.credentials;
    for (const secret of [creds.consumerSecret, creds.accessToken, creds.accessTokenSecret, creds.soapPassword, 'WIREMU', '1991-04-05']) {
      assert.ok(!text.includes(secret), `no PHI or secret in the log line (${secret})`);
    }
    return line;
  }

  it('SOAP: an OSCAR restart invalidates the token; one transparent re-login and the read succeeds', async () => {
    const logins = stack.facade.oscar.login2Count;
    stack.sim.stats.reset();
    stack.sim.restart();
    const r = await stack.fhir('/Patient/1001');
    assert.equal(r.status, 200);
    assert.equal(r.body.id, '1001');
    assert.equal(stack.facade.oscar.login2Count, logins + 1);
    assert.equal(stack.sim.stats.count('LoginService.login2'), 1, 'concurrent calls share one login');
  });

  it('SOAP: a refused login2 is a 502 with a log line naming it; service resumes when fixed', async () => {
    const row = stack.sim.store.data.security.find((s) => s.userName === stack.sim.options.credentials.soapUserName)!;
    const password = row.password;
    row.password = 'changed-by-the-clinic';
    try {
      const r = await stack.fhir('/Patient/1001');
      assertOutcome(r, 502, 'exception');
      const line = assertOperatorLine(r.headers.get('x-request-id'), /login_failed/);
      assert.match(String(line.hint), /OSCAR_SOAP_USERNAME/);
    } finally {
      row.password = password;
    }
    stack.sim.restart();
    assert.equal((await stack.fhir('/Patient/1001')).status, 200);
  });

  it('REST: a wrong OAuth secret is a 502, the log names the bad signature, and nothing was written', async () => {
    const client = stack.sim.store.data.oauthClients.find((c) => c.key === stack.sim.options.credentials.consumerKey)!;
    const secret = client.secret;
    client.secret = 'rotated-in-oscar';
    const before = stack.sim.store.data.demographics.length;
    try {
      const r = await stack.fhir('/Patient', newPatient('WIREMU', '1234567812'));
      assertOutcome(r, 502, 'exception');
      const line = assertOperatorLine(r.headers.get('x-request-id'), /invalid_signature/);
      assert.match(String(line.hint), /signature rejected/);
      const ready = await fetch(stack.base.replace(/\/fhir$/, '/readyz'));
      assert.equal(ready.status, 503);
      assert.equal(((await ready.json()) as { checks: { rest: string } }).checks.rest, 'auth');
    } finally {
      client.secret = secret;
    }
    assert.equal(stack.sim.store.data.demographics.length, before, 'the refused create wrote nothing');
    assert.equal((await fetch(stack.base.replace(/\/fhir$/, '/readyz'))).status, 200);
  });

  it('REST: a revoked access token is a 502 whose hint names revocation', async () => {
    const tokens = stack.sim.store.data.oauthAccessTokens;
    const i = tokens.findIndex((t) => t.token === stack.sim.options.credentials.accessToken);
    const [row] = tokens.splice(i, 1);
    try {
      const r = await stack.fhir('/Patient', newPatient('WIREMU', '1234567812'));
      assertOutcome(r, 502, 'exception');
      assert.match(String(assertOperatorLine(r.headers.get('x-request-id'), /invalid_signature/).hint), /revoked/);
    } finally {
      tokens.splice(i, 0, row!);
    }
  });

  it('REST: OSCAR\'s clock beyond ±300 s rejects the signature; the hint names the clocks', async () => {
    const now = stack.sim.store.now;
    stack.sim.store.now = () => Date.now() + 400_000;
    try {
      const r = await stack.fhir('/Patient', newPatient('WIREMU', '1234567812'));
      assertOutcome(r, 502, 'exception');
      assert.match(String(assertOperatorLine(r.headers.get('x-request-id'), /invalid_signature|clock/).hint), /300 s/);
    } finally {
      stack.sim.store.now = now;
    }
    // Fixed: the same create now goes through, exactly once.
    const before = stack.sim.store.data.demographics.length;
    const ok = await stack.fhir('/Patient', newPatient('WIREMU', '1234567812'));
    assert.equal(ok.status, 201);
    assert.equal(stack.sim.store.data.demographics.length, before + 1);
  });
});

describe('clock skew detected from OSCAR\'s Date header', () => {
  it('names clock skew as the cause when OSCAR\'s Date is more than 300 s away', async () => {
    const fault = '<ns1:XMLFault xmlns:ns1="http://cxf.apache.org/bindings/xformat"><ns1:faultstring xmlns:ns1="http://cxf.apache.org/bindings/xformat">ca.openosp.openo.webserv.oauth.OAuth1Exception: invalid_signature</ns1:faultstring></ns1:XMLFault>';
    const fake = await startFake((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'application/json;charset=UTF-8', Date: new Date(Date.now() - 900_000).toUTCString() }).end(fault);
    });
    const client = new OscarClient({
      baseUrl: fake.base, timezone: 'America/Toronto', retries: 0,
      oauth: { consumerKey: 'k', consumerSecret: 's', token: 't', tokenSecret: 'ts' }, soap: { userName: 'u', password: 'p' },
    });
    try {
      await assert.rejects(client.restGetDemographicBasic(1), (e: unknown) => e instanceof OscarAuthError && /clock/.test(e.cause) && /NTP/.test(e.hint) && toOperationOutcome(e).status === 502);
    } finally {
      client.close();
      await fake.close();
    }
  });
});
