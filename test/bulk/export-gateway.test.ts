// An export whose OSCAR sits behind a web server or proxy that answers for it now and then with its
// own error page (nginx's 502/503/504, no SOAP envelope: docs/oscar-variants.md): the job waits
// it out as it waits out an unavailable OSCAR, tries the batch again from its cursor, and fails
// only when the refusals outlast its bound (docs/bulk-data.md §f.5 Failures). The client's own
// retries are off (OSCAR_RETRIES=0), so every gateway answer reaches the engine.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { askedWait, failureText, waitBound, waitedOut } from '../../src/bulk/engine.js';
import { OscarFaultError, OscarProtocolError, OscarTimeoutError, OscarUnavailableError } from '../../src/oscar/errors.js';
import type { FaultRule } from '../../src/sim/faults.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { captureLogger } from '../resilience/support.js';
import { startOutboundProxy, type OutboundProxy } from '../helpers/outbound-proxy.js';
import { activePatients, assertEveryRecordOnce, immunizationIds, kickOff, manifestOf, simIds, waitFor } from './export-helpers.js';

const ALLERGIES = 'getAllergiesByProgramProviderDemographicDate';
const LIST = 'getActiveDemographicsAfter';
const TYPES = '/Patient/$export?_type=Patient,Immunization,AllergyIntolerance';

describe('an export behind a gateway that answers with its own error page', () => {
  let stack: Stack;
  const log = captureLogger();
  before(async () => {
    // exportRetries 4: the waits of one batch add up to 200 + 400 + 800 + 1600 = 3 s at most.
    stack = await startStack({ sim: { patients: 30, seed: 5 }, env: { BULK_MIN_POLL_MS: '0', OSCAR_RETRIES: '0' }, logger: log.logger, facade: { exportRetries: 4 } });
  });
  after(async () => { await stack.close(); });

  const expected = (): Record<string, number[]> => {
    const active = activePatients(stack.sim.store.data);
    return { Patient: active, Immunization: immunizationIds(stack.sim.store.data, active), AllergyIntolerance: simIds(stack.sim.store.data, 'AllergyIntolerance', active) };
  };

  /** Call times of `operation` (a pass-through latency rule counts each), and the rule's id. */
  function timeCalls(operation: string): { times: number[]; remove: () => void } {
    const times: number[] = [];
    const stats = stack.sim.stats;
    const record = stats.recordFault.bind(stats);
    stats.recordFault = (mode) => { if (mode === 'latency') times.push(Date.now()); record(mode); };
    const id = stack.sim.faults.add({ match: { operation }, mode: 'latency', latencyMs: 0 });
    return { times, remove: () => { stack.sim.faults.remove(id); stats.recordFault = record; } };
  }

  async function withFault<T>(rule: FaultRule, body: () => Promise<T>): Promise<T> {
    const id = stack.sim.faults.add(rule);
    try { return await body(); } finally { stack.sim.faults.remove(id); }
  }

  it('the simulator\'s gateway page is nginx\'s: HTML, no SOAP envelope, the status and Retry-After asked', async () => {
    const envelope = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ws:${LIST} xmlns:ws="http://ws.oscarehr.org/"/></soap:Body></soap:Envelope>`;
    const res = await withFault({ match: { operation: LIST }, mode: 'gateway', status: 503, retryAfter: '2', times: 1 }, async () => fetch(`${stack.sim.url}/ws/DemographicService`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: envelope }));
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('content-type'), 'text/html');
    assert.equal(res.headers.get('server'), 'nginx');
    assert.equal(res.headers.get('retry-after'), '2');
    assert.equal(await res.text(), '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n');
  });

  it('a gateway 502 twice on the allergy reads, then OK: the export completes, every record once, no error line', async () => {
    stack.sim.stats.reset();
    const m = await withFault({ match: { operation: ALLERGIES }, mode: 'gateway', status: 502, times: 2 }, async () => manifestOf(await kickOff(stack, TYPES)));
    assert.equal(stack.sim.stats.snapshot().faults.gateway, 2, 'two gateway pages answered');
    await assertEveryRecordOnce(m, expected());
    assert.deepEqual(m.error, [], 'no patient left out: the gateway said nothing about them');
  });

  it('a gateway 504 on the population list (the job\'s first step): waited out, the export completes', async () => {
    stack.sim.stats.reset();
    const m = await withFault({ match: { operation: LIST }, mode: 'gateway', status: 504, times: 1 }, async () => manifestOf(await kickOff(stack, TYPES)));
    assert.equal(stack.sim.stats.snapshot().faults.gateway, 1);
    await assertEveryRecordOnce(m, expected());
  });

  it('a 503 with Retry-After: 2 on the population list: the next call comes 2 s later, the export completes', async () => {
    const calls = timeCalls(LIST);
    try {
      const m = await withFault({ match: { operation: LIST }, mode: 'gateway', status: 503, retryAfter: '2', times: 1 }, async () => manifestOf(await kickOff(stack, TYPES)));
      assert.equal(calls.times.length, 2, 'the list asked twice');
      assert.ok(calls.times[1]! - calls.times[0]! >= 1_950, `the host's wait honoured (${calls.times[1]! - calls.times[0]!} ms)`);
      await assertEveryRecordOnce(m, expected());
    } finally {
      calls.remove();
    }
  });

  it('a gateway 502 that outlasts the bound: the job fails, 500 OperationOutcome naming the gateway, no patient in it or in the log', async () => {
    const members = activePatients(stack.sim.store.data);
    log.lines.length = 0;
    const res = await withFault({ match: { operation: ALLERGIES }, mode: 'gateway', status: 502 }, async () => waitFor(await kickOff(stack, TYPES)));
    assert.equal(res.status, 500);
    assert.match(res.headers.get('content-type') ?? '', /^application\/fhir\+json/);
    const body = await res.json() as { resourceType: string; output?: unknown; issue: { severity: string; code: string; diagnostics: string }[] };
    assert.equal(body.resourceType, 'OperationOutcome');
    assert.equal(body.output, undefined, 'no manifest');
    assert.deepEqual([body.issue[0]!.severity, body.issue[0]!.code], ['error', 'exception']);
    assert.equal(body.issue[0]!.diagnostics, 'The server in front of OSCAR answered HTTP 502 (a gateway error, not OSCAR\'s answer) for longer than an export waits (3 s); start it again later');
    const failed = log.lines.filter((l) => l.msg === 'export job failed');
    assert.deepEqual(failed.map((l) => [l.error, l.upstreamStatus]), [['OscarFaultError', 502]], 'the operator is told which refusal');
    const names = stack.sim.store.data.demographics.filter((d) => members.includes(d.demographicNo)).map((d) => d.lastName);
    for (const text of [log.text(), body.issue[0]!.diagnostics]) {
      assert.ok(!/Patient\/\d/.test(text) && !names.some((n) => text.includes(n)), 'no patient named');
    }
  });

  it('a 503 asking for a longer wait than the bound: the job fails at once, naming the wait asked', async () => {
    const started = Date.now();
    const res = await withFault({ match: { operation: LIST }, mode: 'gateway', status: 503, retryAfter: '60' }, async () => waitFor(await kickOff(stack, TYPES)));
    assert.equal(res.status, 500);
    const body = await res.json() as { issue: { diagnostics: string }[] };
    assert.equal(body.issue[0]!.diagnostics, 'The server in front of OSCAR asked to wait 60 s before the next call, longer than an export waits (3 s); start it again later');
    assert.ok(Date.now() - started < 2_500, 'not after spinning through the bound');
  });
});

describe('the retry decision of an export step', () => {
  const op = 'DemographicService.getDemographic2';
  it('waits out a gateway 502/503/504 without a SOAP fault and every unavailable OSCAR; nothing OSCAR answered about the request', () => {
    for (const status of [502, 503, 504]) assert.equal(waitedOut(new OscarFaultError(op, { upstreamStatus: status })), true, `gateway ${status}`);
    for (const reason of ['connection', 'circuit-open', 'rate-limited'] as const) assert.equal(waitedOut(new OscarUnavailableError(op, reason)), true, reason);
    assert.equal(waitedOut(new OscarFaultError(op, { upstreamStatus: 502, faultCode: 'soap:Server' })), false, 'a SOAP fault is OSCAR\'s answer');
    assert.equal(waitedOut(new OscarFaultError(op, { upstreamStatus: 500 })), false, 'OSCAR\'s HTTP 500 page');
    assert.equal(waitedOut(new OscarFaultError(op, { upstreamStatus: 429 })), false, 'a 429 reaches the engine as rate-limited, never as a fault');
    assert.equal(waitedOut(new OscarProtocolError(op, 'unreadable')), false);
    assert.equal(waitedOut(new OscarTimeoutError(op, 30_000)), false);
    assert.equal(waitedOut(new Error('x')), false);
  });

  it('takes the wait the host asked for from a rate-limited refusal or a fault\'s Retry-After, and none from an open circuit', () => {
    assert.equal(askedWait(new OscarUnavailableError(op, 'rate-limited', { retryAfterSeconds: 7 })), 7_000);
    assert.equal(askedWait(new OscarUnavailableError(op, 'circuit-open', { retryAfterSeconds: 7 })), undefined);
    assert.equal(askedWait(new OscarFaultError(op, { upstreamStatus: 503, retryAfterMs: 1_500 })), 1_500);
    assert.equal(askedWait(new OscarFaultError(op, { upstreamStatus: 502 })), undefined);
  });

  it('bounds the waits of one step: 30 refusals are 131.2 s of waiting (200 ms doubling to 5 s)', () => {
    assert.equal(waitBound(30), 200 + 400 + 800 + 1_600 + 3_200 + 25 * 5_000);
    assert.equal(waitBound(2), 600);
    assert.equal(waitBound(0), 0);
  });

  it('fails at once on a refused certificate or a proxy\'s refusal (waiting cannot help), naming the setting to check', () => {
    const tlsRefused = new OscarUnavailableError(op, 'tls', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const proxyRefused = new OscarUnavailableError(op, 'proxy', { code: 'HTTP 407', proxy: 'http://proxy.example.org:3128' });
    assert.equal(waitedOut(tlsRefused), false, 'a refused certificate');
    assert.equal(waitedOut(proxyRefused), false, 'a proxy answering 407');
    assert.equal(waitedOut(new OscarUnavailableError(op, 'proxy', { code: 'HTTP 502', proxy: 'http://proxy.example.org:3128' })), false, 'a CONNECT answered 502 (docs/proxy.md §4: not retried)');
    assert.equal(waitedOut(new OscarUnavailableError(op, 'connection', { code: 'ECONNRESET' })), true, 'a dropped connection still is');
    assert.equal(waitedOut(new OscarUnavailableError(op, 'queue-full')), true, 'and the facade holding OSCAR off');
    assert.equal(failureText(tlsRefused), "OSCAR's TLS certificate was refused (DEPTH_ZERO_SELF_SIGNED_CERT): check OSCAR_CA_FILE or OSCAR_TLS_FINGERPRINT and the host name in OSCAR_URL (docs/oscar-tls.md); waiting will not help");
    assert.equal(failureText(proxyRefused), 'The outbound proxy http://proxy.example.org:3128 refused to carry calls to OSCAR (HTTP 407): check OSCAR_PROXY (or HTTPS_PROXY / HTTP_PROXY), its credentials and NO_PROXY (docs/proxy.md); waiting will not help');
    assert.equal(failureText(new OscarUnavailableError(op, 'connection', { code: 'ECONNRESET' })), 'The export failed while reading OSCAR; start it again later');
  });
});

// A proxy's refusal is the facade's configuration (docs/proxy.md §4): an export fails at once,
// where waiting it out took about two minutes of refusals that could not change.
describe('an export through an outbound proxy that refuses the facade', () => {
  let stack: Stack;
  let proxy: OutboundProxy;
  before(async () => {
    proxy = await startOutboundProxy({ credentials: 'facade:right' });
    // Two waits at most (600 ms), so that waiting it out would show as more calls, not as a slow test.
    stack = await startStack({ env: { BULK_MIN_POLL_MS: '0' }, facade: { exportRetries: 2 }, proxy: { http: `http://facade:wrong@127.0.0.1:${proxy.port}`, noProxy: [] } });
  });
  after(async () => { await stack.close(); await proxy.close(); });

  it('fails at once (no waits), its reason naming the proxy, its 407 and OSCAR_PROXY, never the password', async () => {
    const started = Date.now();
    const res = await waitFor(await kickOff(stack, '/Patient/$export?_type=Patient'));
    assert.ok(Date.now() - started < 10_000, `failed in ${Date.now() - started} ms`);
    assert.equal(res.status, 500);
    const body = await res.json() as { issue: { diagnostics: string }[] };
    assert.equal(body.issue[0]!.diagnostics, `The outbound proxy http://127.0.0.1:${proxy.port} refused to carry calls to OSCAR (HTTP 407): check OSCAR_PROXY (or HTTPS_PROXY / HTTP_PROXY), its credentials and NO_PROXY (docs/proxy.md); waiting will not help`);
    assert.equal(proxy.seen.length, 1, 'one refused call, not retried');
  });
});
