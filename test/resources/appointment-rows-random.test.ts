// The SOAP Appointment search on rows (BookingRow, rowMatchesAll, rowsByStart, SearchResult.rows)
// against the path it replaced — every row mapped (appointmentFromSoap), matched
// (appointmentMatchesAll), sorted (byStart) and the page cut from the Appointments — over random
// rows and random queries: the page's bytes, Bundle.total and where the next page starts, at every
// _count and offset, _summary=count included. Rows are drawn with what OSCAR may hold: no start,
// no end, an end before the start, zero length, all day, across midnight and offset changes,
// fractions, text that is no instant, years past 9999, blank or outside providers, no patient,
// every status code of the default table and unknown ones, ids repeated and out of order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Appointment } from 'fhir/r4.js';
import { pageOf, parseSearch, rowMatches, type SearchResult } from '../../src/fhir/index.js';
import type { AppointmentTransfer } from '../../src/oscar/types.js';
import { appointmentFromSoap } from '../../src/resources/appointment/mapper.js';
import { APPOINTMENT_SEARCH_PARAMS } from '../../src/resources/appointment/search-params.js';
import { appointmentMatchesAll, BookingRow, byStart, rowMatchesAll, rowsByStart } from '../../src/resources/appointment/search.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';

const SPEC = { type: 'Appointment', searchParams: APPOINTMENT_SEARCH_PARAMS };
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const NOW = Date.parse('2026-12-07T17:00:00Z');
const ZONES = ['America/Toronto', 'America/St_Johns', 'Pacific/Chatham', 'Australia/Lord_Howe', 'Africa/Monrovia', 'UTC', 'Asia/Kolkata'];
// Instants near offset changes and midnights (UTC) of several years, Monrovia's −0:44:30 included.
const ANCHORS = ['2026-03-08T07:00:00Z', '2026-11-01T05:30:00Z', '2026-11-01T06:00:00Z', '2026-04-05T13:30:00Z', '2026-10-04T15:00:00Z',
  '1971-06-01T00:44:30Z', '1972-01-07T00:44:30Z', '2026-12-07T05:00:00Z', '2026-12-31T23:59:59.500Z', '2027-01-01T04:59:59Z'].map(Date.parse);
const PREFIXES = ['', 'eq', 'ne', 'lt', 'gt', 'le', 'ge', 'sa', 'eb', 'ap'];
const STATUSES = ['t', 'T', 'H', 'HS', 'P', 'C', 'N', 'NS', 'B', 'E', 'X', 'a', ' ', '', undefined, 'CS', 'tV'];

/** A small seeded generator (mulberry32), so a failure names its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function xs(ms: number, offsetMinutes: number, fraction: boolean): string {
  const iso = new Date(ms + offsetMinutes * MINUTE).toISOString();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const a = Math.abs(offsetMinutes);
  return `${iso.slice(0, fraction ? 23 : 19)}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** Instants of Monrovia's −0:44:30 (spelled −00:45, 30 s off) and its end, drawn half the time there. */
const MONROVIA = ['1971-06-01T12:00:00Z', '1972-01-07T00:44:30Z'].map(Date.parse);

function randomRows(r: () => number, n: number, tz: string): AppointmentTransfer[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const rows: AppointmentTransfer[] = [];
  for (let k = 0; k < n; k++) {
    const monrovia = tz === 'Africa/Monrovia' && r() < 0.5;
    const start = monrovia ? pick(MONROVIA) + Math.floor((r() - 0.5) * 120) * 1000 : pick(ANCHORS) + Math.round((r() - 0.5) * 6) * 15 * MINUTE + (r() < 0.2 ? Math.floor(r() * 1000) : 0) + (r() < 0.1 ? Math.floor(r() * 3) * DAY : 0);
    const length = pick([0, 1, 15 * MINUTE, 30 * MINUTE, HOUR, -15 * MINUTE, DAY - 1000, 12 * HOUR + 1]);
    const end = start + length - (length > 0 && r() < 0.7 ? pick([1, 1000]) : 0);
    const offset = pick([0, 0, -300, -240, 330, 825, -210]);
    const fraction = r() < 0.3;
    // Year 1: an instant OSCAR can send whose FHIR spelling here names none (NaN when read back).
    const farOff = r() < 0.04;
    const startText = r() < 0.05 ? undefined : r() < 0.03 ? 'not a time' : farOff ? `0001-01-0${1 + Math.floor(r() * 3)}T00:00:00Z` : xs(start, offset, fraction);
    const endText = r() < 0.05 ? undefined : r() < 0.02 ? '' : farOff ? '0001-01-01T00:30:00Z' : xs(end, offset, fraction);
    const id = r() < 0.05 && rows.length > 0 ? rows[Math.floor(r() * rows.length)]!.id : Math.floor(r() * 2000) + 1;
    const providerNo = pick(['101', '102', '-1', '', ' ', undefined, '999998']);
    const demographicNo = pick([1001, 1002, 0, -1, undefined]);
    rows.push({
      id, demographicNo, name: pick(['DOE, JANE', '', undefined]), providerNo, status: pick(STATUSES),
      appointmentStartDateTime: startText, appointmentEndDateTime: endText,
      createDateTime: xs(start - DAY, 0, false), updateDateTime: r() < 0.1 ? undefined : xs(start - DAY + Math.floor(r() * DAY), offset, fraction),
      ...(r() < 0.1 && { resources: 'fhir-identifier:urn:x|42' }),
    } as AppointmentTransfer);
  }
  return rows;
}

/** A date search value: a day, month or year, or an instant in a whole-minute offset; a third of them seconds from a row's start. */
function dateValue(r: () => number, rows: readonly AppointmentTransfer[]): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const near = Date.parse(pick(rows).appointmentStartDateTime ?? '');
  if (r() < 0.35 && !Number.isNaN(near)) return xs(near + pick([-45, -30, -15, 0, 15, 30, 45]) * 1000, 0, false);
  const at = pick(ANCHORS) + Math.round((r() - 0.5) * 8) * 15 * MINUTE + (r() < 0.3 ? 1000 * Math.floor(r() * 60) : 0);
  const precision = pick(['year', 'month', 'day', 'day', 'minute', 'second', 'ms']);
  const local = new Date(at - 5 * HOUR).toISOString();
  switch (precision) {
    case 'year': return local.slice(0, 4);
    case 'month': return local.slice(0, 7);
    case 'day': return local.slice(0, 10);
    case 'minute': return xs(at, pick([0, -300, -240, 825]), false).replace(/:\d\d([+-])/, '$1');
    case 'second': return xs(at, pick([0, -300, -240, 825]), false);
    default: return xs(at + 123, pick([0, -300]), true);
  }
}

function randomQuery(r: () => number, rows: readonly AppointmentTransfer[]): [string, string][] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const pairs: [string, string][] = [];
  const dates = Math.floor(r() * 3);
  for (let k = 0; k < dates; k++) pairs.push(['date', `${pick(PREFIXES)}${dateValue(r, rows)}${r() < 0.2 ? `,${pick(PREFIXES)}${dateValue(r, rows)}` : ''}`]);
  if (r() < 0.4) pairs.push(['practitioner', pick(['Practitioner/101', 'Practitioner/102,Practitioner/-1', '101', 'Practitioner/999998'])]);
  if (r() < 0.3) pairs.push(['patient', pick(['Patient/1001', '1002', 'Patient/1001,Patient/1002', 'Patient/0', '101'])]);
  if (r() < 0.2) pairs.push(['actor', pick(['Patient/1001', 'Practitioner/101,Patient/1002', 'Practitioner/-1'])]);
  if (r() < 0.3) pairs.push([pick(['status', 'status:not']), pick(['booked', 'cancelled,noshow', 'arrived,fulfilled', 'pending', 'checked-in', 'entered-in-error'])]);
  if (r() < 0.1) pairs.push(['identifier', 'urn:x|42']);
  if (r() < 0.1) pairs.push(['_id', `${Math.floor(r() * 2000) + 1},${Math.floor(r() * 2000) + 1}`]);
  if (r() < 0.2) pairs.push(['_lastUpdated', `${pick(PREFIXES)}${dateValue(r, rows)}`]);
  return pairs;
}

/** One page of the old path and of the new one, as SearchResults of page.ts. */
async function pages(rows: AppointmentTransfer[], tz: string, pairs: [string, string][], offset: number, count: number, summary?: 'count'): Promise<[SearchResult<Appointment>, SearchResult<Appointment>] | undefined> {
  const cfg = defaultMappingConfig({ timezone: tz });
  let clauses;
  try {
    ({ clauses } = parseSearch(SPEC, pairs, { timezone: tz }));
  } catch {
    return undefined; // a value the parser refuses: a 400 on both paths
  }
  const search = { offset, count, summary };
  const mapped = rows.map((t) => appointmentFromSoap(t, cfg));
  const before = byStart(mapped.filter((a) => appointmentMatchesAll(a, clauses, tz, NOW)));
  const onRows = rows.map((t) => new BookingRow(t, cfg));
  const now = rowsByStart(onRows.filter((row) => rowMatchesAll(row, clauses, tz, NOW)));
  return [
    await pageOf({ resources: [], rows: rowMatches(now, (row) => row.resource()), unpaged: true }, search),
    await pageOf({ resources: before, unpaged: true }, search),
  ];
}

describe('Appointment search on the rows, over random rows and queries: the page, its total and its bytes as before', () => {
  it('answers every page, total and count alike (2,000 searches in 7 zones)', async () => {
    let nonEmpty = 0;
    let compared = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const r = rng(seed);
      const tz = ZONES[seed % ZONES.length]!;
      const rows = randomRows(r, 5 + Math.floor(r() * 60), tz);
      const pairs = randomQuery(r, rows);
      for (const [offset, count] of [[0, 50], [0, 1 + Math.floor(r() * 7)], [Math.floor(r() * 20), 1 + Math.floor(r() * 10)], [0, 0]] as const) {
        const both = await pages(rows, tz, pairs, offset, count);
        if (!both) break;
        const [now, before] = both;
        compared++;
        const at = `seed ${seed} ${tz} ${JSON.stringify(pairs)} offset ${offset} count ${count}`;
        assert.equal(now.total, before.total, at);
        assert.equal(JSON.stringify(now.resources), JSON.stringify(before.resources), at);
        if (now.resources.length > 0) nonEmpty++;
      }
      const counted = await pages(rows, tz, pairs, 0, 50, 'count');
      if (counted) assert.equal(counted[0].total, counted[1].total, `seed ${seed} count`);
    }
    assert.ok(compared > 4000 && nonEmpty > 1000, `compared ${compared}, non-empty ${nonEmpty}`);
  });
});
