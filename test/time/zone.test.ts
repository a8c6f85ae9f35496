// The facade's zone arithmetic against literal instants around DST changes (2024 and 2026 in
// Toronto, half-hour DST, UTC+0 DST, no DST), never against another implementation.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  epochOfLocal, formatFhirDateTime, formatXsDateTime, localDateOf, localDateTimeOf, offsetMinutesAt, parseXsDateTime,
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
});
