// Years 0001–0099 as written, not as 1901–1999: ECMAScript's Date.UTC reads a year 0–99 as
// 1900 + year, which once made a wall clock of year 1 an offset of 1900 years
// ('0001-06-01T12:00:00+16655040:00') and a search for 0050-06-01 a search for 1950. The oracle
// is Date.parse of the ISO spelling (ECMA-262's date-time string format takes the year as
// written) and literal spellings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { epochOfLocal, formatFhirDateTime, formatXsDateTime, isValidCalendarDate, localDateTimeOf, offsetMinutesAt, utcEpoch } from '../../src/time/zone.js';
import { parseDateRange } from '../../src/fhir/index.js';

const YEARS = ['0001', '0004', '0050', '0099', '0100', '0399', '0400', '1899', '1900', '1999'];

describe('years 0001–0099 are the years written', () => {
  it('utcEpoch is Date.parse of the same fields, month and day overflow included', () => {
    for (const y of YEARS) {
      assert.equal(utcEpoch(Number(y), 5, 1, 12, 30, 15, 250), Date.parse(`${y}-06-01T12:30:15.250Z`), y);
      assert.equal(utcEpoch(Number(y), 0), Date.parse(`${y}-01-01T00:00:00Z`), y);
    }
    assert.equal(utcEpoch(99, 12, 1), Date.parse('0100-01-01T00:00:00Z'));
    assert.equal(utcEpoch(1, -1, 1), Date.parse('0000-12-01T00:00:00Z'));
    assert.equal(utcEpoch(4, 1, 29), Date.parse('0004-02-29T00:00:00Z'));
  });

  it('a UTC instant of year 1 is written with offset Z and read back', () => {
    assert.equal(formatFhirDateTime(Date.parse('0001-06-01T12:00:00Z'), 'UTC'), '0001-06-01T12:00:00Z');
    assert.equal(formatXsDateTime(Date.parse('0050-06-01T12:00:00Z'), 'UTC'), '0050-06-01T12:00:00+00:00');
    assert.equal(offsetMinutesAt(Date.parse('0099-12-31T23:59:59Z'), 'UTC'), 0);
    assert.equal(epochOfLocal('0050-06-01T12:00:00', 'UTC'), Date.parse('0050-06-01T12:00:00Z'));
  });

  it('in a clinic zone, the offset of years 1–99 is its local mean time, minutes from UTC, not centuries', () => {
    for (const tz of ['America/Toronto', 'America/Vancouver', 'America/St_Johns', 'Europe/Paris']) {
      const at = Date.parse('0050-06-01T12:00:00Z');
      const minutes = offsetMinutesAt(at, tz);
      assert.ok(Math.abs(minutes) < 15 * 60, `${tz}: ${minutes} minutes`);
      const spelled = formatFhirDateTime(at, tz);
      assert.match(spelled, /^0050-06-01T\d\d:\d\d:\d\d[+-](0\d|1[0-4]):[0-5]\d$/, `${tz}: ${spelled}`);
      // The wall clock and its local epoch agree (the offset rounded to the minute aside).
      assert.ok(Math.abs(epochOfLocal(localDateTimeOf(at, tz), tz) - at) < 60_000, tz);
    }
  });

  it('a date search of year 50 covers year 50, in UTC and in a clinic zone', () => {
    const day = parseDateRange('0050-06-01', 'UTC');
    assert.deepEqual(day?.range, { low: Date.parse('0050-06-01T00:00:00Z'), high: Date.parse('0050-06-02T00:00:00Z') });
    const year = parseDateRange('0099', 'UTC');
    assert.deepEqual(year?.range, { low: Date.parse('0099-01-01T00:00:00Z'), high: Date.parse('0100-01-01T00:00:00Z') });
    const zoned = parseDateRange('0050-06-01T12:00:00-05:00', 'UTC');
    assert.equal(zoned?.range.low, Date.parse('0050-06-01T17:00:00Z'));
    const local = parseDateRange('0050-06-01', 'America/Toronto');
    assert.ok(local, 'parses');
    assert.ok(Math.abs(local.range.low - Date.parse('0050-06-01T05:00:00Z')) < 60 * 60_000, `${local.range.low}`);
  });

  it('the calendar of years 0–99 is the proleptic Gregorian one', () => {
    assert.equal(isValidCalendarDate(0, 2, 29), true); // year 0 is a leap year (1900 is not)
    assert.equal(isValidCalendarDate(4, 2, 29), true);
    assert.equal(isValidCalendarDate(1, 2, 29), false);
    assert.equal(isValidCalendarDate(100, 2, 29), false);
    assert.equal(isValidCalendarDate(400, 2, 29), true);
  });
  it('the first hours of year 1 in a zone are year 1, and the instants before them year 0 (Intl counts 1 BC)', () => {
    // Local mean time: Toronto -5:17:32, Tokyo +9:18:59 (the offsets before standard time).
    assert.equal(localDateTimeOf(Date.parse('0001-01-01T03:00:00Z'), 'America/Toronto'), '0000-12-31T21:42:28');
    assert.equal(localDateTimeOf(Date.parse('0000-12-31T20:00:00Z'), 'Asia/Tokyo'), '0001-01-01T05:18:59');
    // epochOfLocal keeps whole-minute offsets before standard time: the year is what is checked here.
    const near = (a: number, b: number): boolean => Math.abs(a - b) < 60_000;
    assert.ok(near(epochOfLocal('0001-01-01T12:00:00', 'America/Toronto'), Date.parse('0001-01-01T17:17:32Z')));
    assert.ok(near(epochOfLocal('0001-01-01T05:00:00', 'Asia/Tokyo'), Date.parse('0000-12-31T19:41:01Z')));
    const r = parseDateRange('0001-01-01', 'America/Toronto')!;
    assert.ok(near(r.range.low, Date.parse('0001-01-01T05:17:32Z')) && near(r.range.high, Date.parse('0001-01-02T05:17:32Z')));
  });
});
