// Whether an export file is gzipped: Accept-Encoding read with its q-values (RFC 9110 §12.5.3).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptsGzip } from '../../src/http/accept-encoding.js';

describe('Accept-Encoding: gzip or not', () => {
  const cases: [string | undefined, boolean][] = [
    [undefined, false], ['', false], ['identity', false], ['br', false],
    ['gzip', true], ['GZIP', true], ['x-gzip', true], ['gzip, deflate, br', true], ['br;q=1.0, gzip;q=0.8', true],
    ['gzip;q=0', false], ['gzip; q=0.000', false], ['*', true], ['*;q=0', false], ['gzip;q=0, *', false], ['identity, *;q=0.5', true],
  ];
  for (const [header, expected] of cases) {
    it(`${JSON.stringify(header)} → ${expected ? 'gzip' : 'plain'}`, () => assert.equal(acceptsGzip(header), expected));
  }
});
