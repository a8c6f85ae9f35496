// Date search semantics: precision → [low, high) ranges (DST-aware), and every prefix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dateRangeOf, matchesDate, matchesDateClause, parseDateRange, parseSearch, periodRange, type DateRange, type Prefix } from '../../src/fhir/index.js';

const utc = (s: string): number => Date.parse(s);
const range = (v: string, tz = 'UTC'): DateRange => {
  const r = parseDateRange(v, tz);
  assert.ok(r, `${v} should parse`);
  return r.range;
};

describe('precision → instant range', () => {
  it('YYYY, YYYY-MM, YYYY-MM-DD in UTC', () => {
    assert.deepEqual(range('1980'), { low: utc('1980-01-01T00:00:00Z'), high: utc('1981-01-01T00:00:00Z') });
    assert.deepEqual(range('1980-02'), { low: utc('1980-02-01T00:00:00Z'), high: utc('1980-03-01T00:00:00Z') });
    assert.deepEqual(range('1980-12'), { low: utc('1980-12-01T00:00:00Z'), high: utc('1981-01-01T00:00:00Z') });
    assert.deepEqual(range('2024-02-29'), { low: utc('2024-02-29T00:00:00Z'), high: utc('2024-03-01T00:00:00Z') });
    assert.equal(parseDateRange('1980-07')?.precision, 'month');
  });

  it('date-only values are local days of the configured zone, DST-aware', () => {
    assert.deepEqual(range('2024-07-01', 'America/Toronto'), { low: utc('2024-07-01T04:00:00Z'), high: utc('2024-07-02T04:00:00Z') });
    // 2024-03-10 lost an hour in Toronto: the day is 23 hours long.
    const spring = range('2024-03-10', 'America/Toronto');
    assert.equal(spring.low, utc('2024-03-10T05:00:00Z'));
    assert.equal(spring.high - spring.low, 23 * 3600_000);
  });

  it('dateTimes: minute, second and fractional precision, with offsets or in the zone', () => {
    assert.deepEqual(range('2024-03-10T02:30:00-05:00'), { low: utc('2024-03-10T07:30:00Z'), high: utc('2024-03-10T07:30:01Z') });
    assert.deepEqual(range('2024-03-10T02:30Z'), { low: utc('2024-03-10T02:30:00Z'), high: utc('2024-03-10T02:31:00Z') });
    assert.equal(parseDateRange('2024-03-10T02:30Z')?.precision, 'minute');
    assert.deepEqual(range('2024-01-01T00:00:00.5Z'), { low: utc('2024-01-01T00:00:00.500Z'), high: utc('2024-01-01T00:00:00.600Z') });
    assert.deepEqual(range('2024-01-01T00:00:00.123456Z'), { low: utc('2024-01-01T00:00:00.123Z'), high: utc('2024-01-01T00:00:00.124Z') });
    assert.deepEqual(range('2024-07-01T09:00:00', 'America/Toronto'), { low: utc('2024-07-01T13:00:00Z'), high: utc('2024-07-01T13:00:01Z') });
    assert.deepEqual(range('2024-01-01T10:00:00+14:00'), { low: utc('2023-12-31T20:00:00Z'), high: utc('2023-12-31T20:00:01Z') });
  });

  it('rejects impossible values', () => {
    for (const bad of ['1980-00', '1980-02-30', '2023-02-29', '2024-01-01T24:00:00Z', '2024-01-01T10:60Z', '2024-01-01T10:00:61Z', '2024-01-01T10:00+14:30', '2024-01-01T10', '80', '']) {
      assert.equal(parseDateRange(bad), undefined, bad);
    }
  });
});

describe('prefix semantics (R4 §3.1.1.4.2)', () => {
  const day = (d: string): DateRange => range(d);
  const search = range('1980'); // [1980-01-01, 1981-01-01)
  const cases: [Prefix, string, boolean][] = [
    ['eq', '1980-07-01', true], ['eq', '1979-12-31', false], ['eq', '1981-01-01', false],
    ['ne', '1980-07-01', false], ['ne', '1979-06-01', true],
    ['gt', '1981-01-01', true], ['gt', '1980-12-31', false],
    ['lt', '1979-12-31', true], ['lt', '1980-01-01', false],
    ['ge', '1980-01-01', true], ['ge', '1980-12-31', true], ['ge', '1981-03-01', true], ['ge', '1979-12-31', false],
    ['le', '1980-12-31', true], ['le', '1979-01-01', true], ['le', '1981-01-01', false],
    ['sa', '1981-01-01', true], ['sa', '1980-12-31', false],
    ['eb', '1979-12-31', true], ['eb', '1980-01-01', false],
  ];
  for (const [prefix, target, expected] of cases) {
    it(`${prefix}1980 ${expected ? 'matches' : 'does not match'} ${target}`, () => {
      assert.equal(matchesDate(search, prefix, day(target)), expected);
    });
  }

  it('a target range straddling the search range: eq no, gt/lt/ge/le yes, sa/eb no', () => {
    const straddle = { low: utc('1979-12-01T00:00:00Z'), high: utc('1981-02-01T00:00:00Z') };
    assert.deepEqual((['eq', 'gt', 'lt', 'ge', 'le', 'sa', 'eb'] as Prefix[]).map((p) => matchesDate(search, p, straddle)),
      [false, true, true, true, true, false, false]);
  });

  it('ap: within 10% of the distance from now (at least a day)', () => {
    const now = utc('2024-01-01T00:00:00Z');
    const tenYearsAgo = range('2014-01-01');
    assert.equal(matchesDate(tenYearsAgo, 'ap', day('2014-10-01'), now), true, '9 months off ≤ ~1 year tolerance');
    assert.equal(matchesDate(tenYearsAgo, 'ap', day('2016-01-01'), now), false);
    assert.equal(matchesDate(range('2024-01-01'), 'ap', day('2024-01-02'), now), true, 'one-day minimum');
  });

  it('birthdate=1980 matches 1980-07-01 through the parser', () => {
    const s = parseSearch({ type: 'Patient', searchParams: [{ name: 'birthdate', type: 'date', description: 'dob' }] }, [['birthdate', '1980']], { timezone: 'America/Toronto' });
    const c = s.clauses[0];
    assert.ok(c?.type === 'date');
    assert.equal(matchesDateClause(c, [dateRangeOf('1980-07-01', 'America/Toronto')]), true);
    assert.equal(matchesDateClause(c, [dateRangeOf('1981-07-01', 'America/Toronto')]), false);
  });

  it('ge2024-03-10T02:30:00-05:00 against appointment instants around the DST change', () => {
    const s = parseSearch({ type: 'Appointment', searchParams: [{ name: 'date', type: 'date', description: 'start' }] },
      [['date', 'ge2024-03-10T02:30:00-05:00']], { timezone: 'America/Toronto' });
    const c = s.clauses[0];
    assert.ok(c?.type === 'date');
    // 02:30-05:00 = 07:30Z = 03:30 EDT (the local clock skipped 02:00–03:00).
    assert.equal(matchesDateClause(c, [dateRangeOf('2024-03-10T03:30:00-04:00')]), true);
    assert.equal(matchesDateClause(c, [dateRangeOf('2024-03-10T03:29:59-04:00')]), false);
    assert.equal(matchesDateClause(c, [dateRangeOf('2024-03-10T01:59:00-05:00')]), false);
    assert.equal(matchesDateClause(c, [dateRangeOf('2024-03-10', 'America/Toronto')]), true, 'the whole day extends past the instant');
  });

  it('periods, :missing, and unreadable targets', () => {
    const p = periodRange('2024-03-10T09:00:00-04:00', '2024-03-10T09:15:00-04:00');
    assert.deepEqual(p, { low: utc('2024-03-10T13:00:00Z'), high: utc('2024-03-10T13:15:01Z') });
    assert.deepEqual(periodRange('2024-01-01', undefined), { low: utc('2024-01-01T00:00:00Z'), high: Infinity });
    assert.equal(periodRange(undefined, undefined), undefined);
    assert.equal(dateRangeOf('garbage'), undefined);
    const missing = parseSearch({ type: 'Patient', searchParams: [{ name: 'birthdate', type: 'date', description: 'dob', modifiers: ['missing'] }] }, [['birthdate:missing', 'true']]);
    const c = missing.clauses[0];
    assert.ok(c?.type === 'date');
    assert.equal(matchesDateClause(c, [undefined]), true);
    assert.equal(matchesDateClause(c, [range('1980')]), false);
  });
});
