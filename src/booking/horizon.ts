// The planning horizon (scheduling §7.1): from today, in the clinic zone, for the configured
// number of days. OSCAR's own horizon (the last generated scheduledate row) is not exposed by any
// API, so slots are offered for this window only.
import { epochOfLocal, localDateOf } from '../time/zone.js';
import { addDays } from './calendar-days.js';
import type { BookingContext } from './context.js';

export interface Horizon {
  /** Today, YYYY-MM-DD. */
  first: string;
  /** The first day after the horizon. */
  endExclusive: string;
  startMs: number;
  endMs: number;
}

export function horizonOf(ctx: BookingContext): Horizon {
  const first = localDateOf(ctx.now(), ctx.tz);
  const endExclusive = addDays(first, ctx.rules.horizonDays);
  return { first, endExclusive, startMs: epochOfLocal(first, ctx.tz), endMs: epochOfLocal(endExclusive, ctx.tz) };
}
