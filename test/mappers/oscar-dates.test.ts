// SOAP date values as the mappers read them (mapping §1.5; contract 4.1): a value with a numeric
// offset keeps the wall clock OSCAR wrote, Z and offset-less values are read onto the clinic zone,
// and what is no xs:dateTime with a four-digit year drops the element. Expected values are literals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readWallClock } from '../../src/oscar/normalise/clinic-time.js';
import { xsDate, xsDateOrDateTime, xsInstant, xsWallClock } from '../../src/resources/oscar-dates.js';

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

// A date or time of day that does not exist is malformed: the element is dropped, never moved to
// the day or hour it would roll into (an appointment on 30 February is not one on 1 March).
describe('dates and times that do not exist', () => {
  const unreal = [
    '2024-02-30T10:00:00-05:00', '2023-02-29T10:00:00-05:00', '2024-04-31T10:00:00-04:00', '2024-13-01T10:00:00-05:00', '2024-00-10T10:00:00-05:00',
    '2024-01-00T10:00:00-05:00', '2024-01-01T24:00:00-05:00', '2024-01-01T25:00:00-05:00', '2024-01-01T10:60:00-05:00', '2024-01-01T10:00:60-05:00',
  ];
  const spellings = (v: string): string[] => [v, v.slice(0, 19), `${v.slice(0, 19)}Z`];

  it('are dropped whatever the zone they are written with (offset, Z, none)', () => {
    for (const v of unreal.flatMap(spellings)) {
      assert.equal(xsWallClock(v, TORONTO), undefined, v);
      assert.equal(xsInstant(v, TORONTO), undefined, v);
      assert.equal(xsDate(v, TORONTO), undefined, v);
      assert.equal(xsDateOrDateTime(v, TORONTO), undefined, v);
    }
  });

  it('are left as OSCAR sent them by the clinic wall-clock reading, for the mapper to drop', () => {
    for (const v of unreal.flatMap(spellings)) assert.deepEqual(readWallClock({ t: v }, ['t'], TORONTO), { t: v }, v);
  });

  it('the last day of each month, 29 February of a leap year and 23:59:59 are real', () => {
    for (const v of ['2024-02-29T23:59:59-05:00', '2024-04-30T00:00:00-04:00', '2023-12-31T12:30:00-05:00', '2000-02-29T08:00:00-05:00']) {
      assert.deepEqual(xsWallClock(v, TORONTO), { date: v.slice(0, 10), time: v.slice(11, 19) }, v);
      assert.equal(xsInstant(v, TORONTO), v, v);
      assert.equal(xsDate(v, TORONTO), v.slice(0, 10), v);
    }
  });
});

// OSCAR's usual spelling ('YYYY-MM-DDThh:mm:ss±hh:mm') is read a character at a time; these pin
// that it gives what the xs:dateTime reading gives, and that a near miss of it still goes there.
describe('the usual spelling with a numeric offset', () => {
  it('keeps its own wall clock and date, even far from the clinic zone\'s offset', () => {
    assert.deepEqual(xsWallClock('2026-01-01T23:30:00+14:00', TORONTO), { date: '2026-01-01', time: '23:30:00' });
    assert.deepEqual(xsWallClock('2025-12-31T00:15:00-12:00', TORONTO), { date: '2025-12-31', time: '00:15:00' });
    assert.equal(xsDate('1900-02-28T00:00:00-05:17', TORONTO), '1900-02-28');
    assert.equal(xsDateOrDateTime('1999-12-31T00:00:00-05:00', TORONTO), '1999-12-31');
  });

  it('drops a near miss that is no xs:dateTime', () => {
    for (const bad of [
      '2024-01-01T10:00:00*05:00', '2024/01/01T10:00:00-05:00', '2024-01-01 10:00:00-05:00', '2024-01-01T10.00:00-05:00',
      '2024-01-01T10:00:00-0500 ', '２024-01-01T10:00:00-05:00', '2024-01-0xT10:00:00-05:00', '2024-01-01T10:00:00-05:0x',
    ]) {
      assert.equal(xsWallClock(bad, TORONTO), undefined, bad);
      assert.equal(xsDate(bad, TORONTO), undefined, bad);
    }
  });

  it('reads the other spellings as before: white space around it, fractions, Z', () => {
    assert.deepEqual(xsWallClock(' 2024-02-29T10:00:00-05:00', TORONTO), { date: '2024-02-29', time: '10:00:00' });
    assert.deepEqual(xsWallClock('2024-02-29T10:00:00.25-05:00', TORONTO), { date: '2024-02-29', time: '10:00:00' });
    assert.equal(xsDate('2024-03-01T03:00:00Z', TORONTO), '2024-02-29');
  });
});

describe('xsDate and xsDateOrDateTime', () => {
  it('gives the calendar date of a date-only column and an instant only when the time is not midnight', () => {
    assert.equal(xsDate('1980-02-29T00:00:00-05:00', TORONTO), '1980-02-29');
    assert.equal(xsDateOrDateTime('1980-02-29T00:00:00-05:00', TORONTO), '1980-02-29');
    assert.equal(xsDateOrDateTime('2026-03-02T06:00:00Z', TORONTO), '2026-03-02T01:00:00-05:00');
  });
});

describe('xsInstant', () => {
  it('renders the instant with the clinic zone\'s offset at that instant, whatever offset it was written with', () => {
    for (const [value, zone, instant] of [
      ['2024-03-08T10:00:00-05:00', TORONTO, '2024-03-08T10:00:00-05:00'], // already the zone's offset: as written
      ['2024-07-08T10:00:00-04:00', TORONTO, '2024-07-08T10:00:00-04:00'],
      ['2024-07-08T10:00:00-05:00', TORONTO, '2024-07-08T11:00:00-04:00'], // the JVM's zone is not the clinic's
      ['2024-03-08T07:00:00-08:00', TORONTO, '2024-03-08T10:00:00-05:00'],
      ['2024-03-08T10:00:00+05:00', TORONTO, '2024-03-08T00:00:00-05:00'], // the zone's offset with the other sign
      ['2024-03-08T10:00:00-05:30', TORONTO, '2024-03-08T10:30:00-05:00'], // and with minutes
      ['2024-03-10T03:30:00-04:00', TORONTO, '2024-03-10T03:30:00-04:00'], // the day DST starts
      ['2024-03-10T01:30:00-04:00', TORONTO, '2024-03-10T00:30:00-05:00'], // that day, before the change
      ['2024-11-03T01:30:00-05:00', TORONTO, '2024-11-03T01:30:00-05:00'], // the repeated hour, second time
      ['2024-11-03T01:30:00-04:00', TORONTO, '2024-11-03T01:30:00-04:00'], // and first
      ['2024-03-08T15:00:00+00:00', 'UTC', '2024-03-08T15:00:00Z'],
      ['2024-03-08T15:00:00+05:30', 'Asia/Kolkata', '2024-03-08T15:00:00+05:30'],
      ['2024-03-08T10:00:00.250-05:00', TORONTO, '2024-03-08T10:00:00.250-05:00'],
      ['2024-03-08T10:00:00Z', TORONTO, '2024-03-08T05:00:00-05:00'],
      ['2024-03-08T10:00:00', TORONTO, '2024-03-08T10:00:00-05:00'], // no offset: the clinic's wall clock
      [' 2024-03-08T10:00:00-05:00 ', TORONTO, '2024-03-08T10:00:00-05:00'],
      ['1899-03-08T10:00:00-05:00', TORONTO, '1899-03-08T10:00:00-05:00'], // Toronto's local mean time until 1895: -05:00 now
      ['1880-03-08T10:00:00-05:00', TORONTO, '1880-03-08T09:42:28-05:18'],
    ] as const) {
      assert.equal(xsInstant(value, zone), instant, `${value} in ${zone}`);
    }
  });

  it('drops what is no xs:dateTime', () => {
    for (const bad of ['2024-01-00T10:00:00-05:00', '2024-13-01T10:00:00-05:00', '2024-01-01T23:60:00-05:00', '2024-01-01T10:00:00-05:60', 'yesterday', '', null, undefined]) {
      assert.equal(xsInstant(bad, TORONTO), undefined, String(bad));
    }
  });
});
