// /metrics in Prometheus text format: requests by interaction and status, cache hits / misses /
// bytes, OSCAR calls by operation with their latency and errors, calls in flight.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { interactionOf } from '../../src/metrics/interaction.js';
import { startStack, type Stack } from '../helpers/stack.js';

test('interaction labels come from the path shape, never from its values', () => {
  const cases: [string, string, string][] = [
    ['GET', '/Patient/1001', 'read'], ['HEAD', '/Patient/1001', 'read'], ['PUT', '/Patient/1001', 'update'],
    ['DELETE', '/Appointment/9', 'delete'], ['GET', '/Patient', 'search'], ['POST', '/Patient/_search', 'search'],
    ['POST', '/Patient', 'create'], ['GET', '/metadata', 'capabilities'], ['GET', '/Patient/1/$everything', 'operation'],
    ['POST', '/Patient/$validate', 'operation'], ['GET', '/Patient/1/_history/abc', 'vread'], ['GET', '/Patient/1/_history', 'history'],
    ['GET', '/a/b/c/d/e/f', 'other'], ['GET', '/', 'other'],
  ];
  for (const [m, p, want] of cases) assert.equal(interactionOf(m, p), want, `${m} ${p}`);
});

/** The value of one sample line, e.g. sample(text, 'cache_bytes{cache="main"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const MAX_IN_FLIGHT = 5;

describe('/metrics', () => {
  let stack: Stack;
  let text = '';
  before(async () => {
    stack = await startStack({ env: { CACHE_MAX_BYTES: '5000000', CHANGE_POLL_SECONDS: '0', OSCAR_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT) } });
    await stack.fhir('/Patient/1001'); // miss
    const hit = await stack.fhir('/Patient/1001'); // rendered hit
    await stack.fhir('/Patient/1001', { headers: { 'if-none-match': hit.headers.get('etag')! } }); // 304
    await stack.fhir('/Patient/abc'); // 404 without OSCAR
    stack.sim.faults.add({ match: { operation: 'getDemographic' }, mode: 'soapFault', faultString: 'boom' });
    await stack.fhir('/Patient/1010'); // an OSCAR error
    // The read's other OSCAR call may still be finishing after the error answer.
    for (let i = 0; i < 100 && stack.facade.oscar.load().inFlight > 0; i++) await new Promise((r) => setTimeout(r, 20));
    const res = await fetch(`${stack.base.replace(/\/fhir$/, '')}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    text = await res.text();
  });
  after(async () => { await stack.close(); });

  test('requests by interaction and status, with latency histograms', () => {
    assert.equal(sample(text, 'fhir_requests_total{interaction="read",status="200"}'), 2);
    assert.equal(sample(text, 'fhir_requests_total{interaction="read",status="304"}'), 1);
    assert.equal(sample(text, 'fhir_requests_total{interaction="read",status="404"}'), 1);
    assert.equal(sample(text, 'fhir_request_duration_seconds_count{interaction="read"}'), 5);
    assert.equal(sample(text, 'fhir_request_duration_seconds_bucket{le="+Inf",interaction="read"}') ?? sample(text, 'fhir_request_duration_seconds_bucket{interaction="read",le="+Inf"}'), 5);
    assert.match(text, /# TYPE fhir_request_duration_seconds histogram/);
  });

  test('cache hits, misses and bytes against the configured budget', () => {
    assert.equal(sample(text, 'cache_hits_total{cache="main",level="rendered"}'), 2);
    assert.ok((sample(text, 'cache_misses_total{cache="main",level="rendered"}') ?? 0) >= 2);
    assert.ok((sample(text, 'cache_misses_total{cache="main",level="upstream"}') ?? 0) >= 2);
    const bytes = sample(text, 'cache_bytes{cache="main"}') ?? 0;
    assert.ok(bytes > 1000 && bytes <= 5_000_000, `cache_bytes ${bytes}`);
    assert.equal(sample(text, 'cache_max_bytes{cache="main"}'), 5_000_000);
    assert.ok((sample(text, 'cache_entries{cache="main"}') ?? 0) >= 3);
  });

  test('OSCAR calls by operation and outcome, their latency, errors, and calls in flight', () => {
    assert.ok((sample(text, 'oscar_calls_total{operation="DemographicService.getDemographic",outcome="ok"}') ?? 0) >= 1);
    assert.ok((sample(text, 'oscar_call_duration_seconds_count{operation="DemographicService.getDemographic"}') ?? 0) >= 2);
    assert.equal(sample(text, 'oscar_call_errors_total{operation="DemographicService.getDemographic",outcome="fault"}'), 1);
    assert.equal(sample(text, 'oscar_calls_in_flight'), 0);
    assert.equal(sample(text, 'oscar_calls_queued'), 0);
    assert.equal(sample(text, 'oscar_call_slots'), MAX_IN_FLIGHT, 'one instance has the whole OSCAR_MAX_IN_FLIGHT');
  });
});
