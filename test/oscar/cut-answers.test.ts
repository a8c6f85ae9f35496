// Answers cut short by their connection, as real hosts cut them (the simulator's 'cut' rules: half
// the real answer, then a reset, a close short of the Content-Length, a chunked body closed before
// its last chunk, a gzip stream framed by the close and cut halfway). Each is the connection's
// failure — the same class as a reset before the answer, retried for idempotent reads, 503 at the
// API — never "OSCAR answered something unreadable"; a complete answer that does not parse is.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OscarClient } from '../../src/oscar/client.js';
import { OscarProtocolError, OscarUnavailableError } from '../../src/oscar/errors.js';
import { toOperationOutcome } from '../../src/fhir/outcome.js';
import { CUT_KINDS } from '../../src/sim/faults.js';
import { startSimulator } from '../../src/sim/server.js';
import { demoCredentials } from '../../src/sim/options.js';

describe('answers cut short by the connection', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  const creds = demoCredentials({});
  let patientNo = 0;
  const clientWith = (retries?: number): OscarClient => new OscarClient({
    baseUrl: sim.url, timezone: sim.store.timezone,
    oauth: { consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret, token: creds.accessToken, tokenSecret: creds.accessTokenSecret },
    soap: { userName: creds.soapUserName, password: creds.soapPassword }, ...(retries !== undefined && { retries }),
  });
  let once: OscarClient;
  let retrying: OscarClient;

  before(async () => {
    sim = await startSimulator();
    const row = sim.store.data.demographics.find((d) => d.yearOfBirth && d.monthOfBirth && d.dateOfBirth);
    assert.ok(row);
    patientNo = row.demographicNo;
    once = clientWith(0);
    retrying = clientWith();
    // Logged in (SOAP) and the WSDL read before any rule is added: only the reads below are cut.
    await once.soapGetDemographic(patientNo);
    await retrying.soapGetDemographic(patientNo);
  });
  after(async () => { once.close(); retrying.close(); await sim.close(); });

  const reads = {
    soap: { path: '/ws/DemographicService', read: (c: OscarClient) => c.soapGetDemographic(patientNo) },
    rest: { path: '/ws/services/demographics', read: (c: OscarClient) => c.restGetDemographicBasic(patientNo) },
  };

  for (const [api, { path, read }] of Object.entries(reads)) {
    for (const cut of CUT_KINDS) {
      it(`${api}: cut as '${cut}' is a connection failure (503 at the API); a read retried gets the answer`, async () => {
        const before = sim.stats.snapshot().faults.cut ?? 0;
        const rule = sim.faults.add({ match: { path }, mode: 'cut', cut });
        try {
          const err = await read(once).then(() => undefined, (e: unknown) => e);
          assert.ok(err instanceof OscarUnavailableError && err.reason === 'connection', `got ${String(err)}`);
          assert.equal(sim.stats.snapshot().faults.cut, before + 1, 'the simulator cut the answer');
          const mapped = toOperationOutcome(err);
          assert.equal(mapped.status, 503);
          assert.ok(mapped.headers['retry-after'], 'with Retry-After');
        } finally { sim.faults.remove(rule); }
        sim.faults.add({ match: { path }, mode: 'cut', cut, times: 1 });
        assert.equal((await read(retrying))?.demographicNo, patientNo, 'retried through the cut');
      });
    }

    it(`${api}: a complete answer that does not parse stays a protocol error (502)`, async () => {
      const rule = sim.faults.add({ match: { path }, mode: 'garbage' });
      try {
        const err = await read(retrying).then(() => undefined, (e: unknown) => e);
        assert.ok(err instanceof OscarProtocolError, `got ${String(err)}`);
        assert.equal(toOperationOutcome(err).status, 502);
      } finally { sim.faults.remove(rule); }
    });
  }
});
