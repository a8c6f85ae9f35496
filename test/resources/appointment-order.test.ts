// Appointment search filters with every clause at once (appointmentMatchesAll, an appointment's
// period parsed once) and orders by start with each start parsed once (byStart): both must answer
// exactly as the per-clause match and a comparator parsing both starts at each comparison did,
// including starts spelled with different offsets, DST days, visits crossing midnight and
// appointments without a start.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Appointment } from 'fhir/r4.js';
import { parseSearch } from '../../src/fhir/index.js';
import { APPOINTMENT_SEARCH_PARAMS } from '../../src/resources/appointment/search-params.js';
import { appointmentMatches, appointmentMatchesAll, byStart } from '../../src/resources/appointment/search.js';

const TZ = 'America/Toronto';
const NOW = Date.parse('2026-12-07T12:00:00-05:00');
const SPEC = { type: 'Appointment', searchParams: APPOINTMENT_SEARCH_PARAMS };

// Starts: the fall-back hour twice (EDT then EST), the same instant in other spellings, the
// spring-forward day, a visit from 23:50 to 00:10 the next day, midnight, with milliseconds, none
// at all, and text that is no instant.
const STARTS: (string | undefined)[] = [
  '2026-11-01T01:30:00-04:00', '2026-11-01T01:30:00-05:00', '2026-11-01T05:30:00Z', '2026-11-01T06:30:00+00:00',
  '2026-03-08T01:59:00-05:00', '2026-03-08T03:00:00-04:00', '2026-03-08T07:00:00Z', '2026-03-13T23:50:00-04:00',
  '2026-03-14T00:00:00-04:00', '2026-03-14T00:00:00.500-04:00', '2026-12-07T09:00:00-05:00', '2027-01-01T00:00:00-05:00',
  undefined, 'not a time',
];

function appointments(): Appointment[] {
  const out: Appointment[] = [];
  let id = 997;
  for (let round = 0; round < 4; round++) {
    for (const [i, start] of STARTS.entries()) {
      const startMs = start === undefined ? NaN : Date.parse(start);
      const minutes = [20, 15, 60, 0][(i + round) % 4]!;
      const end = Number.isNaN(startMs) ? undefined : new Date(startMs + minutes * 60_000).toISOString();
      // Ids out of order, some of them of a different length (the order among equal starts is numeric).
      id = (id * 7 + 13) % 1009;
      out.push({
        resourceType: 'Appointment', id: String(id), status: round % 2 ? 'booked' : 'cancelled',
        ...(start !== undefined && { start }), ...(end !== undefined && { end }),
        participant: [{ actor: { reference: `Practitioner/${100 + (i % 2)}` }, status: 'accepted' }, { actor: { reference: 'Patient/7' }, status: 'accepted' }],
      });
    }
  }
  return out;
}

/** The order as the search wrote it before: both starts parsed at every comparison. */
const parsingEachTime = (a: Appointment, b: Appointment): number =>
  (a.start ?? '') === (b.start ?? '') ? Number(a.id) - Number(b.id) : Date.parse(a.start ?? '') - Date.parse(b.start ?? '');

describe('Appointment search: clauses and order decided once per appointment', () => {
  it('orders as a comparator parsing both starts at each comparison', () => {
    const all = appointments();
    for (let shift = 0; shift < all.length; shift += 5) {
      const input = [...all.slice(shift), ...all.slice(0, shift)];
      assert.deepEqual(byStart(input).map((a) => a.id), [...input].sort(parsingEachTime).map((a) => a.id), `rotated by ${shift}`);
    }
  });

  it('puts the fall-back hour in instant order, and equal instants spelled alike by id', () => {
    const at = (id: string, start: string): Appointment => ({ resourceType: 'Appointment', id, status: 'booked', start, participant: [] });
    const ordered = byStart([
      at('9', '2026-11-01T01:30:00-05:00'), at('12', '2026-11-01T01:30:00-04:00'), at('3', '2026-11-01T01:30:00-05:00'), at('10', '2026-11-01T01:30:00-04:00'),
    ]);
    assert.deepEqual(ordered.map((a) => a.id), ['10', '12', '3', '9']);
  });

  it('keeps what every clause keeps, one clause at a time', () => {
    const all = appointments();
    const searches: [string, string][][] = [
      [['date', 'ge2026-03-08'], ['date', 'lt2026-11-02']],
      [['practitioner', 'Practitioner/100'], ['date', 'ge2026-03-14'], ['date', 'lt2027-01-01']],
      [['date', '2026-11-01'], ['status', 'booked']],
      [['date', 'eq2026-03-13']], [['date', 'sa2026-03-13T23:55:00-04:00']], [['date', 'ap2026-12-07']],
      [['date', 'ge2026-03-08T03:00:00-04:00'], ['date', 'le2026-03-08T03:00:00-04:00']],
      [['date', 'lt2026-03-14'], ['practitioner', 'Practitioner/101']],
      [['date', 'ne2026-11-01'], ['actor', 'Patient/7']], [['_id', '13,500']],
    ];
    let kept = 0;
    let dropped = 0;
    for (const pairs of searches) {
      const { clauses } = parseSearch(SPEC, pairs, { timezone: TZ });
      for (const a of all) {
        const wanted = clauses.every((c) => appointmentMatches(a, c, TZ, NOW));
        assert.equal(appointmentMatchesAll(a, clauses, TZ, NOW), wanted, `${JSON.stringify(pairs)} on ${a.id} ${a.start}`);
        if (wanted) kept++; else dropped++;
      }
    }
    assert.ok(kept > 50 && dropped > 50, `kept ${kept}, dropped ${dropped}`);
  });
});
