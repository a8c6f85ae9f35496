// OSCAR's schedule template codes (scheduling §1.2, §2.3): one case-sensitive character each,
// sent by SOAP as its number; the table may hold the same character twice (a fresh install has
// two `C` rows) and its ids change on every edit, so codes are keyed by the exact character.
import type { ScheduleTemplateCodeTransfer } from '../oscar/types.js';
import type { BookingRules } from './rules.js';

export interface TemplateCode {
  /** The exact character. */
  code: string;
  description: string;
  /** Default visit length in minutes; undefined when OSCAR has none ('' or not a number). */
  durationMin?: number;
  /** No, N, Yes, Day, Wk, Onc… (scheduling §1.2). */
  confirm: string;
  bookinglimit: number;
}

/**
 * The codes by character. On a duplicate the row with the highest id wins, which approximates
 * the day screen's last-wins map (scheduling §7.3).
 */
export function templateCodeTable(rows: readonly ScheduleTemplateCodeTransfer[]): Map<string, TemplateCode> {
  const chosen = new Map<string, { id: number; code: TemplateCode }>();
  for (const r of rows) {
    if (typeof r.code !== 'number' || !Number.isInteger(r.code) || r.code <= 0) continue;
    const code = String.fromCharCode(r.code);
    const id = r.id ?? -1;
    const prior = chosen.get(code);
    if (prior && prior.id > id) continue;
    const duration = /^\s*\d+\s*$/.test(r.duration ?? '') ? Number(r.duration) : undefined;
    chosen.set(code, {
      id,
      code: {
        code, description: r.description ?? '', confirm: (r.confirm ?? '').trim(), bookinglimit: r.bookinglimit ?? 1,
        ...(duration !== undefined && duration > 0 && { durationMin: duration }),
      },
    });
  }
  return new Map([...chosen].map(([k, v]) => [k, v.code]));
}

/** Descriptions of the seed codes that are clearly not visits (scheduling §1.2, "Traps"). */
const NOT_A_VISIT = /vacation|leave|rounds|meeting|travel|admin|drug rep|academic|audit|monitoring|lunch|holiday|break|off\b/i;

/** Confirm modes the facade can enforce itself: none, same day, same week (Yes/Onc need staff). */
const SELF_SERVE_CONFIRM = new Set(['', 'N', 'No', 'Day', 'Wk']);

/**
 * Bookable without configuration (scheduling §7.2, widened): a duration, a booking limit above 0
 * (ScheduleTemplateCodeDaoImpl.findTemplateCodes), a confirm mode the facade enforces, and a
 * description that does not name non-clinical time.
 */
export function bookableByDefault(c: TemplateCode): boolean {
  return c.durationMin !== undefined && c.bookinglimit > 0 && SELF_SERVE_CONFIRM.has(c.confirm) && !NOT_A_VISIT.test(c.description);
}

/** Whether `code` may be booked online with `providerNo` under the rules. */
export function isBookable(c: TemplateCode, providerNo: string, rules: BookingRules): boolean {
  const listed = rules.codes?.[providerNo] ?? rules.codes?.['*'];
  return listed === undefined ? bookableByDefault(c) : listed.includes(c.code);
}

/** Appointments one cell of this code holds. */
export function capacityOf(c: TemplateCode | undefined, rules: BookingRules): number {
  return rules.capacity === 'one' || !c ? 1 : Math.max(1, c.bookinglimit);
}
