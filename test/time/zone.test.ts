// The facade's zone arithmetic against literal instants around DST changes (2024 and 2026 in
// Toronto, half-hour DST, UTC+0 DST, no DST), never against another implementation.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  epochOfLocal, formatFhirDateTime, formatXsDateTime, formatXsLocal, isValidCalendarDate, isValidTimeZone, lexicalLocalOf,
  localDateOf, localDateTimeOf, offsetMinutesAt, parseXsDateTime,
} from '../../src/time/zone.js';
import { INSTANT_WALLS, WALL_INSTANTS } from '../helpers/dst-instants.js';

describe('src/time/zone', () => {
  it('reads a wall-clock time as OSCAR means it: a gap time moves forward, an overlap time takes its first pass', () => {
    assert.equal(epochOfLocal('2024-03-10T02:30:00', 'America/Toronto'), Date.parse('2024-03-10T07:30:00Z'));
    for (const w of WALL_INSTANTS) assert.equal(epochOfLocal(w.local, w.tz), Date.parse(w.instant), `${w.tz} ${w.local} (${w.note})`);
  });

  it('reads an xs:dateTime without an offset in the zone, and one with an offset as written', () => {
    assert.equal(parseXsDateTime('2026-11-01T01:30:00', 'America/Toronto'), Date.parse('2026-11-01T05:30:00Z'));
    assert.equal(parseXsDateTime('2026-11-01T01:30:00-05:00', 'America/Toronto'), Date.parse('2026-11-01T06:30:00Z'));
    assert.equal(parseXsDateTime('2026-03-08T02:30:00.5', 'America/Toronto'), Date.parse('2026-03-08T07:30:00.500Z'));
  });

  it('prints each instant with the offset in force at it', () => {
    for (const w of INSTANT_WALLS) {
      const t = Date.parse(w.instant);
      assert.equal(formatXsDateTime(t, w.tz), w.xs, `${w.tz} ${w.instant}`);
      assert.equal(localDateTimeOf(t, w.tz), w.xs.slice(0, 19));
      assert.equal(localDateOf(t, w.tz), w.xs.slice(0, 10));
      const sign = w.xs.at(-6) === '-' ? -1 : 1;
      assert.equal(offsetMinutesAt(t, w.tz), sign * (Number(w.xs.slice(-5, -3)) * 60 + Number(w.xs.slice(-2))));
    }
    assert.equal(formatXsDateTime(Date.parse('2024-03-10T07:00:00.120Z'), 'America/Toronto', true), '2024-03-10T07:00:00.120Z');
    assert.equal(formatFhirDateTime(Date.parse('2024-03-10T07:00:00Z'), 'UTC'), '2024-03-10T07:00:00Z');
  });

  it('keeps milliseconds exactly when printing, in GMT and in the zone, before 1970 too', () => {
    assert.equal(formatXsDateTime(Date.parse('2024-01-01T00:00:00.600Z'), 'UTC', true), '2024-01-01T00:00:00.600Z');
    assert.equal(formatXsDateTime(Date.parse('2024-01-01T00:00:00Z'), 'UTC', true), '2024-01-01T00:00:00Z');
    assert.equal(formatXsLocal(Date.parse('2024-01-01T05:00:00.250Z'), 'America/Toronto'), '2024-01-01T00:00:00.250');
    assert.equal(formatXsLocal(Date.parse('1969-12-31T23:59:59.250Z'), 'UTC'), '1969-12-31T23:59:59.250');
    assert.equal(formatXsLocal(Date.parse('2024-07-01T16:00:00Z'), 'America/Toronto'), '2024-07-01T12:00:00');
    assert.equal(formatFhirDateTime(Date.parse('2024-07-01T12:00:00Z'), 'America/Toronto'), '2024-07-01T08:00:00-04:00', 'a FHIR time carries the zone offset');
  });

  it('takes the wall clock an xs:dateTime spells, fractions cut to milliseconds', () => {
    assert.equal(lexicalLocalOf('2026-03-02T06:00:00.123456-08:00'), '2026-03-02T06:00:00.123');
    assert.equal(lexicalLocalOf(' 2026-03-02T06:00:00Z '), '2026-03-02T06:00:00');
    assert.equal(lexicalLocalOf('2026-03-02'), undefined);
  });

  it('refuses what is no date-time with a RangeError naming it', () => {
    assert.throws(() => epochOfLocal('2024-03-10 noon', 'America/Toronto'), { name: 'RangeError', message: /not a local date-time: 2024-03-10 noon/ });
    assert.throws(() => parseXsDateTime('yesterday', 'America/Toronto'), { name: 'RangeError', message: /not an xs:dateTime: yesterday/ });
    assert.throws(() => parseXsDateTime('2024-13-45T00:00:00Z', 'America/Toronto'), { name: 'RangeError', message: /not an xs:dateTime/ });
  });

  it('knows IANA zone names and Gregorian dates', () => {
    assert.equal(isValidTimeZone('America/Toronto'), true);
    assert.equal(isValidTimeZone('Mars/Olympus_Mons'), false);
    assert.equal(isValidCalendarDate(1980, 2, 29), true);
    assert.equal(isValidCalendarDate(1981, 2, 29), false);
    assert.equal(isValidCalendarDate(1980, 2, 30), false);
    assert.equal(isValidCalendarDate(2024, 1, 31), true);
    assert.equal(isValidCalendarDate(2024, 12, 31), true);
    assert.equal(isValidCalendarDate(2024, 1, 1), true);
    // Every month's last day and the day after, in common, leap, century and 400th years.
    const lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for (const [y, leap] of [[2023, false], [2024, true], [1900, false], [2000, true], [2100, false], [1600, true], [-4, true], [-100, false]] as const) {
      for (let m = 1; m <= 12; m++) {
        const last = m === 2 && leap ? 29 : lengths[m - 1]!;
        assert.equal(isValidCalendarDate(y, m, last), true, `${y}-${m}-${last}`);
        assert.equal(isValidCalendarDate(y, m, last + 1), false, `${y}-${m}-${last + 1}`);
      }
    }
    for (const [y, m, d] of [[2024, 0, 1], [2024, 13, 1], [2024, 1, 0], [2024, 1, 1.5], [2024.5, 1, 1], [2024, 1.5, 1]] as const) {
      assert.equal(isValidCalendarDate(y, m, d), false, `${y}-${m}-${d}`);
    }
  });
});
