// A FHIR request whose OSCAR call is redirected (docs/oscar-redirects.md): the client gets a 502
// OperationOutcome saying the EMR redirected, with neither the address nor anything of the
// request; the operator's log line names where OSCAR redirects and the OSCAR_URL to set.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/logging.js';
import { startStack, type Stack } from '../helpers/stack.js';

describe('OSCAR behind a host that redirects http:// to https://', () => {
  let s: Stack;
  let logs = '';
  before(async () => {
    s = await startStack({ sim: { patients: 3, edgeRedirect: 'https' }, logger: createLogger('info', { write: (line: string) => { logs += line; } }) });
  });
  after(async () => { await s.close(); });

  it('a read answers 502 with an OperationOutcome naming the redirect; the log line names where and the setting', async () => {
    logs = '';
    const r = await s.fhir('/Patient?family=Tremblay');
    assert.equal(r.status, 502, r.text);
    assert.equal(r.body.resourceType, 'OperationOutcome');
    assert.equal(r.body.issue[0].code, 'exception');
    assert.match(r.body.issue[0].diagnostics, /redirected/);
    assert.ok(!r.text.includes('127.0.0.1') && !r.text.includes('Tremblay'), r.text);
    const line = logs.split('\n').map((l) => (l ? JSON.parse(l) as Record<string, unknown> : undefined)).find((l) => l?.error === 'OscarRedirectError');
    assert.ok(line, logs);
    assert.equal(line.status, 502);
    assert.equal(line.redirect, 'https://127.0.0.1/oscar/ws/…');
    assert.equal(line.hint, 'OSCAR_URL should be https://127.0.0.1/oscar (in a clinics file, the clinic\'s "url")');
    assert.ok(!logs.includes('Tremblay'), 'no search value in the logs');
  });
});
