// The zone arithmetic at its edges, against literal instants: every wall-clock form OSCAR writes,
// the millisecond a DST change takes effect, offsets of half hours west and east, a zone at UTC
// printed as Z for FHIR, years before 1000 and before 1970.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  epochOfLocal, formatFhirDateTime, formatXsDateTime, lexicalLocalOf, localDateTimeOf, offsetMinutesAt, parseXsDateTime,
} from '../../src/time/zone.js';

const TORONTO = 'America/Toronto';

describe('wall-clock forms', () => {
  it('reads a date as local midnight, a space as the separator, minutes without seconds, and 1–3 fraction digits', () => {
    const cases: [string, string][] = [
      ['2024-01-15', '2024-01-15T05:00:00.000Z'],
      ['2024-07-15', '2024-07-15T04:00:00.000Z'],
      ['2024-01-15 09:30:15', '2024-01-15T14:30:15.000Z'],
      ['2024-01-15T09:30', '2024-01-15T14:30:00.000Z'],
      ['2024-01-15T09:30:15.5', '2024-01-15T14:30:15.500Z'],
      ['2024-01-15T09:30:15.05', '2024-01-15T14:30:15.050Z'],
      ['2024-01-15T09:30:15.123', '2024-01-15T14:30:15.123Z'],
      ['2024-11-03T00:59:59', '2024-11-03T04:59:59.000Z'],
      ['2024-11-03T02:00:00', '2024-11-03T07:00:00.000Z'],
      ['2024-03-10T01:59:59', '2024-03-10T06:59:59.000Z'],
      ['2024-03-10T03:00:00', '2024-03-10T07:00:00.000Z'],
    ];
    for (const [local, instant] of cases) assert.equal(new Date(epochOfLocal(local, TORONTO)).toISOString(), instant, local);
    for (const bad of ['2024-01-15T09', '2024-01-15T09:30:15.1234', '2024-1-15', ' 2024-01-15']) {
      assert.throws(() => epochOfLocal(bad, TORONTO), { name: 'RangeError', message: `not a local date-time: ${bad}` }, bad);
    }
  });
});

describe('offsets', () => {
  it('changes offset at the very millisecond of the DST change', () => {
    assert.equal(offsetMinutesAt(Date.parse('2024-03-10T06:59:59.999Z'), TORONTO), -300);
    assert.equal(offsetMinutesAt(Date.parse('2024-03-10T07:00:00.000Z'), TORONTO), -240);
    assert.equal(offsetMinutesAt(Date.parse('2024-11-03T05:59:59.999Z'), TORONTO), -240);
    assert.equal(offsetMinutesAt(Date.parse('2024-11-03T06:00:00.000Z'), TORONTO), -300);
  });

  it('prints half-hour offsets west and east, and a zone at UTC as Z in FHIR only', () => {
    assert.equal(formatXsDateTime(Date.parse('2024-01-15T12:00:00Z'), 'America/St_Johns'), '2024-01-15T08:30:00-03:30');
    assert.equal(formatXsDateTime(Date.parse('2024-01-15T12:00:00Z'), 'Asia/Kolkata'), '2024-01-15T17:30:00+05:30');
    assert.equal(formatXsDateTime(Date.parse('2024-01-15T12:00:00Z'), 'Asia/Kathmandu'), '2024-01-15T17:45:00+05:45');
    assert.equal(formatXsDateTime(Date.parse('2024-01-15T12:00:00Z'), 'Europe/London'), '2024-01-15T12:00:00+00:00');
    assert.equal(formatFhirDateTime(Date.parse('2024-01-15T12:00:00Z'), 'Europe/London'), '2024-01-15T12:00:00Z');
    assert.equal(formatFhirDateTime(Date.parse('2024-07-15T12:00:00.007Z'), 'Europe/London'), '2024-07-15T13:00:00.007+01:00');
    assert.equal(formatXsDateTime(Date.parse('2024-01-15T12:00:00Z'), 'Pacific/Kiritimati'), '2024-01-16T02:00:00+14:00');
    assert.equal(formatXsDateTime(Date.parse('2024-01-15T12:00:00Z'), 'Pacific/Pago_Pago'), '2024-01-15T01:00:00-11:00');
  });

  it('prints GMT with milliseconds before 1970, and years before 1000 with four digits', () => {
    assert.equal(formatXsDateTime(Date.parse('1969-12-31T23:59:59.250Z'), TORONTO, true), '1969-12-31T23:59:59.250Z');
    assert.equal(formatXsDateTime(Date.parse('1969-12-31T23:59:59.000Z'), TORONTO, true), '1969-12-31T23:59:59Z');
    assert.equal(localDateTimeOf(Date.UTC(999, 0, 2, 3, 4, 5), 'UTC'), '0999-01-02T03:04:05');
  });
});

describe('xs:dateTime text', () => {
  it('reads half-hour offsets and spaces around the value', () => {
    assert.equal(parseXsDateTime(' 2024-01-15T17:30:00+05:30 ', TORONTO), Date.parse('2024-01-15T12:00:00Z'));
    assert.equal(parseXsDateTime('2024-01-15T12:00:00Z', TORONTO), Date.parse('2024-01-15T12:00:00Z'));
    assert.equal(parseXsDateTime('2024-01-15T07:00:00.123456', TORONTO), Date.parse('2024-01-15T12:00:00.123Z'));
  });

  it('keeps a short fraction as written', () => {
    assert.equal(lexicalLocalOf('2026-03-02T06:00:00.5'), '2026-03-02T06:00:00.5');
    assert.equal(lexicalLocalOf('2026-03-02T06:00:00+01:00'), '2026-03-02T06:00:00');
    assert.equal(lexicalLocalOf('2026-03-02T06:00'), undefined);
  });
});
