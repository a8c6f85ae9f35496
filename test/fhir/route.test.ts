// Which interaction a path below the base names (src/fhir/router/route.ts, R4 http §3.1.0).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRoute } from '../../src/fhir/router/route.js';

describe('parseRoute', () => {
  it('names each URL pattern of the RESTful API', () => {
    assert.deepEqual(parseRoute('/'), { kind: 'system' });
    assert.deepEqual(parseRoute(''), { kind: 'system' });
    assert.deepEqual(parseRoute('/metadata'), { kind: 'metadata' });
    assert.deepEqual(parseRoute('/$export'), { kind: 'system-op', op: 'export' });
    assert.deepEqual(parseRoute('/Patient'), { kind: 'type', type: 'Patient' });
    assert.deepEqual(parseRoute('/Patient/_search'), { kind: 'search-post', type: 'Patient' });
    assert.deepEqual(parseRoute('/Patient/_history'), { kind: 'type-history', type: 'Patient' });
    assert.deepEqual(parseRoute('/Patient/$validate'), { kind: 'type-op', type: 'Patient', op: 'validate' });
    assert.deepEqual(parseRoute('/Patient/1003'), { kind: 'instance', type: 'Patient', id: '1003' });
    assert.deepEqual(parseRoute('/Patient/1003/_history'), { kind: 'instance-history', type: 'Patient', id: '1003' });
    assert.deepEqual(parseRoute('/Patient/1003/$everything'), { kind: 'instance-op', type: 'Patient', id: '1003', op: 'everything' });
    assert.deepEqual(parseRoute('/Patient/1003/_history/ab12'), { kind: 'vread', type: 'Patient', id: '1003', vid: 'ab12' });
  });

  it('ignores slashes at either end, and nothing else', () => {
    assert.deepEqual(parseRoute('//Patient/7//'), { kind: 'instance', type: 'Patient', id: '7' });
    assert.deepEqual(parseRoute('Patient/7'), { kind: 'instance', type: 'Patient', id: '7' });
    assert.deepEqual(parseRoute('///'), { kind: 'system' });
    assert.deepEqual(parseRoute('/Patient//7'), { kind: 'unknown' });
    assert.deepEqual(parseRoute('/Patient//_history'), { kind: 'unknown' });
    assert.deepEqual(parseRoute('/Patient//$everything'), { kind: 'unknown' });
  });

  it('decodes each segment once, after splitting, so an encoded slash stays inside its segment', () => {
    assert.deepEqual(parseRoute('/Patient/a%2Fb'), { kind: 'instance', type: 'Patient', id: 'a/b' });
    assert.deepEqual(parseRoute('/Patient/%24everything'), { kind: 'type-op', type: 'Patient', op: 'everything' });
    assert.deepEqual(parseRoute('/Patient/%2525'), { kind: 'instance', type: 'Patient', id: '%25' });
  });

  it('answers unknown for a segment that does not decode or decodes to nothing, and for five segments or more', () => {
    assert.deepEqual(parseRoute('/Patient/%E0%A4%A'), { kind: 'unknown' });
    assert.deepEqual(parseRoute('/Patient/%'), { kind: 'unknown' });
    assert.deepEqual(parseRoute('/Patient/1/_history/2/x'), { kind: 'unknown' });
    assert.deepEqual(parseRoute('/Patient/1/x'), { kind: 'unknown' });
    assert.deepEqual(parseRoute('/Patient/1/x/2'), { kind: 'unknown' });
  });
});
