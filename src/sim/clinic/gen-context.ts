// Shared state of one generator run: the RNG, "today" in the clinic's zone, the staff, and the
// AUTO_INCREMENT counters. Every generated timestamp is at the latest yesterday, so nothing in the
// synthetic database claims to have been written in the future (the …After sync calls rely on it).
import type { LocalDate, LocalDateTime, ProviderRow } from './model.js';
import type { SimDemoCredentials } from '../options.js';
import type { Rng } from './random.js';
import { addDays, dayNumber, timeOfMinutes } from './calendar.js';

export interface GenContext {
  rng: Rng;
  timezone: string;
  /** The clinic's local calendar date of `now`. */
  today: LocalDate;
  credentials: SimDemoCredentials;
  providers: ProviderRow[];
  /** Active doctors (the demo provider first). */
  doctors: ProviderRow[];
  /** Active doctors and nurses: who gives shots and sees patients. */
  clinicians: ProviderRow[];
  /** The front desk: books appointments. */
  receptionistNo: string;
  /** The retired doctor (inactive): appears on old records only. */
  retired: ProviderRow | null;
  /** The doctor who owns the clinic's provider_consent_filter consent type (not the demo provider). */
  consentOwnerNo: string;
  ids: Record<'demographicExt' | 'appointment' | 'allergy' | 'prevention' | 'preventionExt' | 'document', number>;
}

export function nextId(ctx: GenContext, table: keyof GenContext['ids']): number {
  const id = ctx.ids[table];
  ctx.ids[table] = id + 1;
  return id;
}

export function yesterday(ctx: GenContext): LocalDate {
  return addDays(ctx.today, -1);
}

/** The earlier of two dates. */
export function minDate(a: LocalDate, b: LocalDate): LocalDate {
  return a < b ? a : b;
}

/** A date from `from` to `to` inclusive (returns `to` when the range is empty). */
export function dateBetween(ctx: GenContext, from: LocalDate, to: LocalDate): LocalDate {
  const a = dayNumber(from);
  const b = dayNumber(to);
  if (b <= a) return to;
  return addDays(from, ctx.rng.int(0, b - a));
}

/** An office-hours time (08:00–19:59:59): never inside a DST gap, which happens at night. */
export function officeTime(ctx: GenContext): string {
  return timeOfMinutes(ctx.rng.int(8 * 60, 20 * 60 - 1), ctx.rng.int(0, 59));
}

/** A write timestamp on a date from `from` to `to`, capped at yesterday. */
export function stampBetween(ctx: GenContext, from: LocalDate, to: LocalDate): LocalDateTime {
  const y = yesterday(ctx);
  const end = minDate(to, y);
  const start = minDate(from, end);
  return `${dateBetween(ctx, start, end)}T${officeTime(ctx)}`;
}

/** A write timestamp on `date` (capped at yesterday), at an office-hours time. */
export function stampOn(ctx: GenContext, date: LocalDate): LocalDateTime {
  return `${minDate(date, yesterday(ctx))}T${officeTime(ctx)}`;
}

/** A date `minDays`–`maxDays` before today. */
export function daysAgo(ctx: GenContext, minDays: number, maxDays: number): LocalDate {
  return addDays(ctx.today, -ctx.rng.int(minDays, maxDays));
}

/** Provider number as the `int` columns (creator, ctl_document.module_id) hold it. */
export function providerNumber(providerNo: string): number {
  const n = Number(providerNo);
  return Number.isSafeInteger(n) ? n : 0;
}
