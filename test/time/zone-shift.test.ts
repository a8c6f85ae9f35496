// Wall clocks are read by shifting UTC by the offset of the day's midnights when both agree, and
// asked of Intl on a day the offset changes; a wall clock is read back to its instant the same way
// when one offset holds 15 hours either side of it. Checked against Intl itself, asked directly here, at
// the millisecond of every change from 1965 to 2035 in zones with awkward rules (half and
// three-quarter hours, DST of 30 minutes, of 2 hours and negative, changes at local midnight, a
// day skipped, a month without DST) and at random instants from 1900 to 2199. An instant is
// spelled with Intl's wall clock and offset, and an xs:dateTime as JAXB spells it is read as the
// ECMAScript engine's Date.parse reads it (each checked here, not by the zone code).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intlOffsetMs, intlWallClock, offsetChanges } from '../helpers/intl-zone.js';
import { epochOfLocal, formatFhirDateTime, formatXsDateTime, localDateTimeOf, offsetMinutesAt, parseXsDateTime } from '../../src/time/zone.js';

const ZONES = [
  'America/Toronto', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Africa/Casablanca', 'Pacific/Apia',
  'Pacific/Chatham', 'Europe/Dublin', 'Antarctica/Troll', 'America/Havana', 'America/Sao_Paulo', 'UTC',
];
const DAY = 86_400_000;

function intlOffsetMinutes(ms: number, tz: string): number {
  return Math.round(intlOffsetMs(ms, tz) / 60_000);
}

/**
 * The instant read back from the wall clock Intl gives `ms`: that very instant, or in an autumn
 * overlap the earlier one with the same wall clock (never more than 3 hours earlier).
 */
function assertReadBack(ms: number, tz: string): void {
  const whole = Math.floor(ms / 1000) * 1000;
  if (intlOffsetMs(whole, tz) % 60_000 !== 0) return; // local mean time: read by the older path, to the minute
  const local = intlWallClock(whole, tz);
  const back = epochOfLocal(local, tz);
  assert.equal(intlWallClock(back, tz), local, `${tz} ${local} read back as ${new Date(back).toISOString()}`);
  assert.ok(back <= whole && whole - back <= 3 * 3_600_000, `${tz} ${local}: ${new Date(back).toISOString()} for ${new Date(whole).toISOString()}`);
  if (back < whole) assert.ok(intlOffsetMs(back, tz) > intlOffsetMs(whole, tz), `${tz} ${local}: an earlier reading only in an overlap`);
}

/** The xs:dateTime of `ms` in `tz` as Intl tells it: wall clock, milliseconds when any, offset ('Z' for FHIR when zero). */
function intlSpelling(ms: number, tz: string, fhir: boolean): string {
  const millis = ((ms % 1000) + 1000) % 1000;
  const minutes = intlOffsetMinutes(ms, tz);
  const a = Math.abs(minutes);
  const offset = fhir && minutes === 0 ? 'Z' : `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  return `${intlWallClock(ms, tz)}${millis ? `.${String(millis).padStart(3, '0')}` : ''}${offset}`;
}

function assertSpelled(ms: number, tz: string): void {
  assert.equal(formatXsDateTime(ms, tz), intlSpelling(ms, tz, false), `${tz} xs at ${new Date(ms).toISOString()}`);
  assert.equal(formatFhirDateTime(ms, tz), intlSpelling(ms, tz, true), `${tz} FHIR at ${new Date(ms).toISOString()}`);
}

describe('wall clocks by the offset of the day, and instants of wall clocks', () => {
  it('spelled with the wall clock and offset Intl gives, at every offset change 1965–2035 and at random instants', () => {
    let seed = 71207;
    const random = (): number => { seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31; return seed / 2 ** 31; };
    const from = Date.UTC(1900, 0, 1);
    const span = Date.UTC(2200, 0, 1) - from;
    for (const tz of ZONES) {
      for (const at of offsetChanges(tz, Date.UTC(1965, 0, 1), Date.UTC(2035, 0, 1))) {
        for (const ms of [at - 3_600_001, at - 1, at, at + 1, at + 999, at + 3_599_999, at - (at % DAY) + DAY - 1]) assertSpelled(ms, tz);
      }
      for (let i = 0; i < 300; i++) assertSpelled(from + Math.floor(random() * span), tz);
    }
  });

  it('reads an xs:dateTime as JAXB spells it as Date.parse does, and refuses one off the calendar or the clock', () => {
    let seed = 3_141_592;
    const random = (n: number): number => { seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31; return Math.floor((seed / 2 ** 31) * n); };
    const two = (n: number): string => String(n).padStart(2, '0');
    const pick = <T>(xs: readonly T[]): T => xs[random(xs.length)]!;
    const YEARS = ['0000', '0050', '0999', '1000', '1899', '1900', '1970', '2000', '2024', '2026', '2100', '2199', '2200', '9999', '12026', '-0001'];
    const FRACTIONS = ['', '', '', '.000', '.001', '.5', '.25', '.999', '.1234', '.123456789'];
    const OFFSETS = ['-05:00', '-04:00', '+00:00', '-00:00', '+05:30', '+05:45', '-03:30', '+12:45', '+13:00', '+14:00', '-12:00', '+14:59', '-14:59', '+15:00', '-23:59', '+24:00', '-09:60', 'Z', ''];
    let checked = 0;
    for (let i = 0; i < 40_000; i++) {
      const year = pick(YEARS);
      const month = random(14);
      const day = random(33);
      const hour = random(26);
      const minute = random(61);
      const second = random(61);
      const local = `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}${pick(FRACTIONS)}`;
      const zone = pick(OFFSETS);
      const value = `${local}${zone}`;
      // A real date and time of day (carried over otherwise), in the proleptic Gregorian calendar for
      // every year: setUTCFullYear takes the year as written (Date.UTC would read 0–99 as 1900–1999).
      const y = Number(year);
      const probe = new Date(0);
      probe.setUTCFullYear(y, month - 1, day);
      const real = month >= 1 && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
      const wanted = real ? Date.parse(value) : NaN;
      if (zone === '' || !real || Number.isNaN(wanted)) {
        if (zone !== '' || !real) assert.throws(() => parseXsDateTime(value, 'America/Toronto'), RangeError, value);
        continue;
      }
      assert.equal(parseXsDateTime(value, 'America/Toronto'), wanted, value);
      assert.equal(parseXsDateTime(value, 'Asia/Kathmandu'), wanted, `${value} (the zone does not matter)`);
      checked++;
    }
    assert.ok(checked > 2000, `only ${checked} values read`);
    for (const v of ['2024-02-29T23:59:59-05:00', '2026-03-08T02:30:00-05:00', '2026-11-01T01:30:00-04:00', '2026-11-01T01:30:00-05:00', '1969-12-31T23:59:59.999-00:30']) {
      assert.equal(parseXsDateTime(v, 'America/Toronto'), Date.parse(v), v);
    }
    for (const v of ['2025-02-29T10:00:00-05:00', '2026-04-31T10:00:00-04:00', '2026-03-02T24:00:00-05:00', '2026-03-02T10:60:00-05:00', '2026-03-02T10:00:60-05:00', '2026-00-02T10:00:00-05:00']) {
      assert.throws(() => parseXsDateTime(v, 'America/Toronto'), RangeError, v);
    }
  });

  it('read as Intl reads them at the millisecond of every offset change, 1965–2035', () => {
    let checked = 0;
    for (const tz of ZONES) {
      for (const at of offsetChanges(tz, Date.UTC(1965, 0, 1), Date.UTC(2035, 0, 1))) {
        for (const ms of [at - 3_600_001, at - 1, at, at + 1, at + 3_599_999, at - (at % DAY), at - (at % DAY) + DAY - 1]) {
          assert.equal(localDateTimeOf(ms, tz), intlWallClock(ms, tz), `${tz} at ${new Date(ms).toISOString()}`);
          assert.equal(offsetMinutesAt(ms, tz), intlOffsetMinutes(ms, tz), `${tz} offset at ${new Date(ms).toISOString()}`);
          assertReadBack(ms, tz);
          checked++;
        }
      }
    }
    assert.ok(checked > 2000, `only ${checked} instants around changes`);
  });

  it('read as Intl reads them at random instants from 1900 to 2199', () => {
    let seed = 20261207;
    const random = (): number => { seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31; return seed / 2 ** 31; };
    const from = Date.UTC(1900, 0, 1);
    const span = Date.UTC(2200, 0, 1) - from;
    for (const tz of ZONES) {
      for (let i = 0; i < 400; i++) {
        const ms = from + Math.floor(random() * span);
        assert.equal(localDateTimeOf(ms, tz), intlWallClock(ms, tz), `${tz} at ${new Date(ms).toISOString()}`);
        assertReadBack(ms, tz);
      }
    }
  });
});
