// The SOAP Appointment search matches and sorts its rows on their epochs (BookingRow, rowMatchesAll,
// rowsByStart) and builds the Appointments of the returned page alone: it must keep and order
// exactly what mapping every row, appointmentMatchesAll and byStart kept and ordered (what the
// search did before, and still does over REST), the Appointments built alike. Checked at every
// offset change 1965–2035 in zones with awkward rules, for every date prefix, with date and
// date-time values on the change's day, and with the reference, status, identifier, _id and
// _lastUpdated clauses. The instant a start's spelling reads back as (spelledInstantOf) is checked
// against Intl, asked directly here: the instant itself but where the offset has seconds, which
// the spelling rounds to the minute (local mean time; Africa/Monrovia −0:44:30 until 1972).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSearch } from '../../src/fhir/index.js';
import type { AppointmentTransfer } from '../../src/oscar/types.js';
import { appointmentFromSoap } from '../../src/resources/appointment/mapper.js';
import { APPOINTMENT_SEARCH_PARAMS } from '../../src/resources/appointment/search-params.js';
import { appointmentMatchesAll, BookingRow, byStart, rowMatchesAll, rowsByStart } from '../../src/resources/appointment/search.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { spelledInstantOf } from '../../src/time/zone.js';
import { intlOffsetMs, intlWallClock, offsetChanges } from '../helpers/intl-zone.js';

const ZONES = ['America/Toronto', 'America/St_Johns', 'America/Regina', 'Pacific/Chatham', 'Australia/Lord_Howe', 'Africa/Monrovia', 'Europe/London'];
const DAY = 86_400_000;
const MINUTE = 60_000;
const NOW = Date.parse('2026-12-07T17:00:00Z');
const SPEC = { type: 'Appointment', searchParams: APPOINTMENT_SEARCH_PARAMS };
const PREFIXES = ['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'sa', 'eb', 'ap'];

/** An xs:dateTime of the instant as OSCAR's JAXB could send it: UTC, milliseconds when any. */
const xs = (ms: number): string => { const iso = new Date(ms).toISOString(); return `${iso.slice(0, ms % 1000 ? 23 : 19)}+00:00`; };
/** The instant in `tz` spelled with Intl's wall clock and the offset to the minute (a search value). */
function spelledIn(ms: number, tz: string): string {
  const minutes = Math.round(intlOffsetMs(ms, tz) / MINUTE);
  const a = Math.abs(minutes);
  return `${intlWallClock(ms, tz)}${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

let nextId = 500;
/** A booking of `minutes` from `startMs` (stored end: the last included second, or millisecond). */
function booking(startMs: number, minutes: number, extra: Partial<AppointmentTransfer> = {}): AppointmentTransfer {
  nextId = (nextId * 7 + 13) % 1009; // ids out of order, of different lengths
  return {
    id: nextId, demographicNo: 1001, name: 'DOE, JANE', providerNo: '101', status: 't',
    appointmentStartDateTime: xs(startMs), appointmentEndDateTime: xs(startMs + minutes * MINUTE - (nextId % 2 ? 1000 : 1)),
    createDateTime: xs(startMs - DAY), updateDateTime: xs(startMs - DAY + 1500), ...extra,
  };
}

/** What the search kept and in which order before: every row mapped, matched and sorted as an Appointment; and what it keeps now. */
function both(rows: AppointmentTransfer[], tz: string): (pairs: [string, string][]) => [string, string] {
  const cfg = defaultMappingConfig({ timezone: tz });
  const mapped = rows.map((t) => appointmentFromSoap(t, cfg));
  const onRows = rows.map((t) => new BookingRow(t, cfg));
  return (pairs) => {
    const { clauses } = parseSearch(SPEC, pairs, { timezone: tz });
    return [
      JSON.stringify(rowsByStart(onRows.filter((r) => rowMatchesAll(r, clauses, tz, NOW))).map((r) => r.resource())),
      JSON.stringify(byStart(mapped.filter((a) => appointmentMatchesAll(a, clauses, tz, NOW)))),
    ];
  };
}

describe('Appointment search on the rows: what mapping every row kept, in its order', () => {
  it('reads a start back as the instant its spelling names, as Intl spells it, at every offset change 1965–2035', () => {
    let moved = 0;
    for (const tz of ZONES) {
      for (const at of offsetChanges(tz, Date.UTC(1965, 0, 1), Date.UTC(2035, 0, 1))) {
        for (const ms of [at - 3_600_001, at - 1, at, at + 1, at + 999, at + 3_599_999, at - (at % DAY) + DAY - 1]) {
          const offset = intlOffsetMs(ms, tz);
          const wanted = ms + offset - Math.round(offset / MINUTE) * MINUTE;
          if (wanted !== ms) moved++;
          assert.equal(spelledInstantOf(ms, tz), wanted, `${tz} at ${new Date(ms).toISOString()}`);
        }
      }
    }
    assert.ok(moved > 0, 'an offset with seconds was checked');
  });

  it('keeps and orders as before for every date prefix around every offset change 1965–2035', () => {
    let kept = 0;
    let dropped = 0;
    for (const tz of ZONES) {
      for (const at of offsetChanges(tz, Date.UTC(1965, 0, 1), Date.UTC(2035, 0, 1))) {
        const rows = [
          booking(at - 3_600_000, 60), booking(at - 30 * MINUTE, 60), booking(at - 1000, 15), booking(at, 15), booking(at, 15),
          booking(at + 1, 15), booking(at + 30 * MINUTE, 30), booking(at - 12 * 3_600_000, 20), booking(at + 12 * 3_600_000, 20),
          booking(at - 2 * DAY, 15), booking(at + 2 * DAY, 15), booking(at, 15, { appointmentEndDateTime: undefined }), booking(at - 30 * MINUTE, 15),
        ];
        const search = both(rows, tz);
        const date = intlWallClock(at, tz).slice(0, 10);
        const values = [date, date.slice(0, 7), spelledIn(at, tz), spelledIn(at - 1000, tz), spelledIn(at + 15 * MINUTE, tz), spelledIn(at - 15 * MINUTE, tz), spelledIn(at - 15 * MINUTE + 15_000, tz), spelledIn(at - 15 * MINUTE + 45_000, tz)];
        for (const prefix of PREFIXES) {
          for (const v of values) {
            const pairs: [string, string][] = [['practitioner', 'Practitioner/101'], ['date', `${prefix}${v}`]];
            const [now, before] = search(pairs);
            assert.equal(now, before, `${tz} ${new Date(at).toISOString()} ${prefix}${v}`);
            const n = (JSON.parse(before) as unknown[]).length;
            kept += n;
            dropped += rows.length - n;
          }
        }
        const range: [string, string][] = [['date', `ge${spelledIn(at - 30 * MINUTE, tz)}`], ['date', `lt${spelledIn(at + 30 * MINUTE, tz)}`]];
        assert.equal(...search(range), `${tz} ${new Date(at).toISOString()} range`);
      }
    }
    assert.ok(kept > 10_000 && dropped > 10_000, `kept ${kept}, dropped ${dropped}`);
  });

  it('keeps as before with the reference, status, identifier, _id and _lastUpdated clauses, and orders ties by id', () => {
    const tz = 'America/Toronto';
    const at = Date.parse('2026-11-01T05:30:00Z'); // 01:30 EDT, the fall-back hour's first pass
    const rows = [
      booking(at, 15), booking(at + 3_600_000, 15), booking(at, 15, { providerNo: '102', status: 'C' }), booking(at, 15, { providerNo: '-1', name: 'WALK, IN' }),
      booking(at, 15, { demographicNo: 0, status: 'H' }), booking(at - DAY, 15, { resources: 'fhir-identifier:urn:x|42' }),
      booking(at, 15, { appointmentStartDateTime: undefined }), booking(at, 15, { appointmentStartDateTime: undefined, providerNo: '102' }),
      booking(at, 15, { appointmentStartDateTime: 'not a time' }), booking(at + 500, 15, { providerNo: ' ' }),
      booking(at, 15, { updateDateTime: '2026-10-31T05:30:00.250+00:00' }),
    ];
    const searches: [string, string][][] = [
      [['practitioner', 'Practitioner/101']], [['practitioner', 'Practitioner/102,Practitioner/-1']], [['patient', 'Patient/1001']],
      [['actor', 'Patient/1001,Practitioner/102']], [['actor', '1001']], [['actor', 'Practitioner/101'], ['patient', '1001']],
      [['status', 'cancelled']], [['status', 'booked,arrived'], ['date', 'ge2026-11-01']], [['identifier', 'urn:x|42']], [['_id', `${rows[2]!.id},${rows[6]!.id}`]],
      [['_lastUpdated', 'ge2026-10-31T01:30:00-04:00']], [['_lastUpdated', 'gt2026-10-31T01:30:01-04:00'], ['practitioner', 'Practitioner/101']],
      [['date', 'lt2026-11-02'], ['status', 'pending,booked']], [['patient', 'Patient/1001'], ['date', 'sa2026-10-31']],
    ];
    const search = both(rows, tz);
    for (const pairs of searches) {
      const [now, before] = search(pairs);
      assert.ok(JSON.parse(before).length > 0, `${JSON.stringify(pairs)} keeps something`);
      assert.equal(now, before, JSON.stringify(pairs));
    }
    for (let shift = 0; shift < rows.length; shift++) {
      const input = [...rows.slice(shift), ...rows.slice(0, shift)];
      assert.equal(...both(input, tz)([['actor', 'Patient/1001,Practitioner/102,Practitioner/101']]), `rotated by ${shift}`);
    }
  });
});
