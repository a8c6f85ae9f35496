// The instant window a date search confines appointments to, and the OSCAR calendar days it
// spans. OSCAR can only be asked for a provider's appointments by appointment_date (contract 4.6),
// so the FHIR date criteria are first reduced to the window [lo, hi) an appointment's period must
// intersect; the exact FHIR comparison then runs in memory on the mapped resources.
import type { DateClause, DateValue } from '../../fhir/index.js';
import { localDateOf } from '../../time/zone.js';

export interface Window { lo: number; hi: number }

const DAY = 86_400_000;
const UNBOUNDED: Window = { lo: -Infinity, hi: Infinity };

/**
 * Window an appointment [start, end) must intersect to satisfy one prefixed value (R4 search
 * prefixes on a period; see matchesDate in src/fhir/search/date.ts). `ap` is widened by one more
 * day than the filter's tolerance so the clock moving between the two never loses a match.
 */
function windowOf(v: DateValue, now: number): Window {
  const { low, high } = v.range;
  switch (v.prefix) {
    case 'eq': return { lo: low, hi: high };
    case 'ne': return UNBOUNDED;
    case 'gt': case 'sa': return { lo: high, hi: Infinity };
    case 'ge': return { lo: low, hi: Infinity };
    case 'lt': case 'eb': return { lo: -Infinity, hi: low };
    case 'le': return { lo: -Infinity, hi: high };
    case 'ap': {
      const tolerance = Math.max(DAY, 0.1 * Math.abs(now - (low + high) / 2)) + DAY;
      return { lo: low - tolerance, hi: high + tolerance };
    }
  }
}

/** Values of one clause are ORed (hull of their windows); clauses are ANDed (intersection). */
export function dateWindow(clauses: readonly DateClause[], now: number = Date.now()): Window {
  let w = UNBOUNDED;
  for (const c of clauses) {
    if (c.missing !== undefined || c.values.length === 0) continue;
    const parts = c.values.map((v) => windowOf(v, now));
    const hull = { lo: Math.min(...parts.map((p) => p.lo)), hi: Math.max(...parts.map((p) => p.hi)) };
    w = { lo: Math.max(w.lo, hull.lo), hi: Math.min(w.hi, hull.hi) };
  }
  return w;
}

export function isBounded(w: Window): boolean {
  return Number.isFinite(w.lo) && Number.isFinite(w.hi);
}

export function isEmpty(w: Window): boolean {
  return w.hi <= w.lo;
}

/**
 * The OSCAR calendar days [from, toExclusive) holding every appointment that intersects the
 * window: an appointment never crosses midnight (contract 7.8), so its appointment_date is the
 * local day of any instant inside it.
 */
export function localDays(w: Window, timezone: string): { from: string; toExclusive: string; days: number } {
  const from = localDateOf(w.lo, timezone);
  const last = localDateOf(w.hi - 1, timezone);
  const toExclusive = nextDay(last);
  const days = Math.round((Date.parse(`${toExclusive}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
  return { from, toExclusive, days };
}

function nextDay(date: string): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + 1);
  return t.toISOString().slice(0, 10);
}
