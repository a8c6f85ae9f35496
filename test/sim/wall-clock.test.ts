// The simulator's own wall clock (src/sim/wall-clock.ts) against the same literal instants as the
// facade's, and then against the facade's code: the two are written apart on purpose, so their
// agreement over whole DST weeks is evidence, not a tautology.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  epochOfWallClock, formatJaxbDateTime, isCalendarDate, isKnownZone, wallClockOf, wallDateOf, zoneOffsetMinutes,
} from '../../src/sim/wall-clock.js';
import { epochOfLocal, formatXsDateTime, localDateTimeOf } from '../../src/time/zone.js';
import { INSTANT_WALLS, WALL_INSTANTS } from '../helpers/dst-instants.js';

const ZONES = ['America/Toronto', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Europe/London'];
const WEEKS = ['2024-03-07T00:00:00Z', '2024-03-28T12:00:00Z', '2024-04-04T00:00:00Z', '2024-10-03T00:00:00Z', '2024-10-24T12:00:00Z', '2024-10-31T00:00:00Z', '2026-03-05T00:00:00Z', '2026-10-29T00:00:00Z'];
const WEEK_MS = 7 * 86_400_000;

describe('simulator wall clock', () => {
  it('reads wall-clock times like a lenient Java calendar: gap times move forward, overlap times take the first pass', () => {
    assert.equal(epochOfWallClock('2024-03-10T02:30:00', 'America/Toronto'), Date.parse('2024-03-10T07:30:00Z'));
    for (const w of WALL_INSTANTS) assert.equal(epochOfWallClock(w.local, w.tz), Date.parse(w.instant), `${w.tz} ${w.local} (${w.note})`);
    assert.equal(epochOfWallClock('2024-03-10 02:30:00.250', 'America/Toronto'), Date.parse('2024-03-10T07:30:00.250Z'));
  });

  it('prints instants as JAXB does, with the offset in force at each', () => {
    for (const w of INSTANT_WALLS) {
      const t = Date.parse(w.instant);
      assert.equal(formatJaxbDateTime(t, w.tz), w.xs, `${w.tz} ${w.instant}`);
      assert.equal(wallClockOf(t, w.tz), w.xs.slice(0, 19));
      assert.equal(wallDateOf(t, w.tz), w.xs.slice(0, 10));
    }
    assert.equal(formatJaxbDateTime(Date.parse('2024-03-10T07:00:00.120Z'), 'America/Toronto', true), '2024-03-10T07:00:00.120Z');
    assert.equal(zoneOffsetMinutes(Date.parse('2024-03-10T07:00:00Z'), 'America/Toronto'), -240);
    assert.equal(zoneOffsetMinutes(Date.parse('2024-03-10T06:59:59Z'), 'America/Toronto'), -300);
    assert.equal(zoneOffsetMinutes(Date.parse('2024-10-05T15:30:00Z'), 'Australia/Lord_Howe'), 660);
  });

  it('knows zones and calendar days', () => {
    assert.equal(isKnownZone('America/Toronto'), true);
    assert.equal(isKnownZone('Mars/Olympus_Mons'), false);
    assert.equal(isCalendarDate(2024, 2, 29), true);
    assert.equal(isCalendarDate(2023, 2, 29), false);
    assert.equal(isCalendarDate(2024, 13, 1), false);
  });

  it('agrees with the facade\'s independent zone code every 7 minutes through DST weeks', () => {
    for (const tz of ZONES) {
      for (const w of WEEKS) {
        for (let t = Date.parse(w); t < Date.parse(w) + WEEK_MS; t += 7 * 60_000 + 123) {
          assert.equal(formatJaxbDateTime(t, tz), formatXsDateTime(t, tz), `${tz} ${t}`);
          const local = localDateTimeOf(t, tz).slice(0, 16);
          assert.equal(epochOfWallClock(local, tz), epochOfLocal(local, tz), `${tz} ${local}`);
        }
      }
    }
  });
});
