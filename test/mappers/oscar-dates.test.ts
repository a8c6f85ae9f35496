// SOAP date values as the mappers read them (mapping §1.5; contract 4.1): a value with a numeric
// offset keeps the wall clock OSCAR wrote, Z and offset-less values are read onto the clinic zone,
// and what is no xs:dateTime with a four-digit year drops the element. Expected values are literals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { xsDate, xsDateOrDateTime, xsWallClock } from '../../src/resources/oscar-dates.js';

const TORONTO = 'America/Toronto';

describe('xsWallClock', () => {
  it('keeps the wall clock of a value with a numeric offset, whatever the clinic zone', () => {
    assert.deepEqual(xsWallClock('2026-03-02T06:00:00-08:00', TORONTO), { date: '2026-03-02', time: '06:00:00' });
    assert.deepEqual(xsWallClock(' 2026-03-02T23:30:15.123456+05:30 ', TORONTO), { date: '2026-03-02', time: '23:30:15' });
  });

  it('reads a Z value onto the clinic zone (06:00Z is 01:00 in Toronto in March before DST)', () => {
    assert.deepEqual(xsWallClock('2026-03-02T06:00:00Z', TORONTO), { date: '2026-03-02', time: '01:00:00' });
    assert.deepEqual(xsWallClock('2026-03-02T03:00:00.5Z', TORONTO), { date: '2026-03-01', time: '22:00:00' });
  });

  it('takes an offset-less value as the clinic wall clock', () => {
    assert.deepEqual(xsWallClock('2026-07-01T09:15:00', TORONTO), { date: '2026-07-01', time: '09:15:00' });
  });

  it('drops what FHIR cannot carry or what is no xs:dateTime', () => {
    for (const bad of ['12026-03-02T06:00:00-08:00', '-0001-03-02T06:00:00Z', '2026-03-02', '2026-03-02T06:00', 'yesterday', '']) {
      assert.equal(xsWallClock(bad, TORONTO), undefined, bad);
    }
    assert.equal(xsWallClock(null, TORONTO), undefined);
  });
});

describe('xsDate and xsDateOrDateTime', () => {
  it('gives the calendar date of a date-only column and an instant only when the time is not midnight', () => {
    assert.equal(xsDate('1980-02-29T00:00:00-05:00', TORONTO), '1980-02-29');
    assert.equal(xsDateOrDateTime('1980-02-29T00:00:00-05:00', TORONTO), '1980-02-29');
    assert.equal(xsDateOrDateTime('2026-03-02T06:00:00Z', TORONTO), '2026-03-02T01:00:00-05:00');
  });
});
