// The clinic's online-booking rules (README "Online booking"). OSCAR enforces none of them itself:
// its template codes carry no "bookable" flag, bookinglimit and the confirm modes are only shown
// or checked in the browser (scheduling §0, §1.2, §5), so the facade applies them.

export interface BookingRules {
  /** Providers offering online booking (BOOKING_PROVIDERS); undefined = every active provider. */
  providers?: readonly string[];
  /**
   * Bookable template-code characters per provider, '*' for everyone else (BOOKING_CODES, exact
   * case-sensitive characters); undefined = the default heuristic (template-codes.ts).
   */
  codes?: Readonly<Record<string, string>>;
  /** 'bookinglimit': a cell holds the code's bookinglimit (at least 1); 'one': one booking per cell. */
  capacity: 'bookinglimit' | 'one';
  /** Whether a no-show (OSCAR N) frees its slot; OSCAR's own screens disagree (scheduling §5). */
  noShowFreesSlot: boolean;
  /** A slot starting sooner than this is not offered (minutes). */
  leadMinutes: number;
  /** Days from today Schedule.planningHorizon spans and slots are offered for; also the longest search. */
  horizonDays: number;
  /** 'closed': a holiday's slots are busy-unavailable; 'open': holidays are ordinary days. */
  holidays: 'closed' | 'open';
  /**
   * How a booking with plain start/end (no Slot) is checked: 'overlap' refuses a time with no room
   * left beside the provider's bookings; 'rules' books it as the Slot starting then; 'off' takes
   * it unchecked, as OSCAR's own screens do.
   */
  plainCheck: 'overlap' | 'rules' | 'off';
}

export const DEFAULT_BOOKING_RULES: Readonly<BookingRules> = {
  capacity: 'bookinglimit', noShowFreesSlot: false, leadMinutes: 60, horizonDays: 60, holidays: 'closed', plainCheck: 'overlap',
};

/** A provider number as OSCAR allows it (provider_no varchar(6); negative numbers exist). */
const PROVIDER_NO = /^-?[A-Za-z0-9]{1,10}$/;

/** BOOKING_PROVIDERS: a comma-separated list of provider numbers. */
export function parseBookingProviders(raw: string, problems: string[]): string[] | undefined {
  const list = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = list.filter((p) => !PROVIDER_NO.test(p));
  if (bad.length > 0 || list.length === 0) {
    problems.push('BOOKING_PROVIDERS must be a comma-separated list of OSCAR provider numbers (e.g. 100101,100102)');
    return undefined;
  }
  return list;
}

/**
 * BOOKING_CODES: a JSON object from provider number (or "*" for every other provider) to the
 * string of bookable code characters, e.g. {"*":"12","100103":"26"}. JSON so that any character,
 * a quote or a comma included, can be named exactly.
 */
export function parseBookingCodes(raw: string, problems: string[]): Record<string, string> | undefined {
  let parsed: unknown;
  try { parsed = JSON.parse(raw); } catch {
    problems.push('BOOKING_CODES must be a JSON object such as {"*":"12","100103":"26"}');
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push('BOOKING_CODES must be a JSON object such as {"*":"12","100103":"26"}');
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [provider, codes] of Object.entries(parsed)) {
    if (provider !== '*' && !PROVIDER_NO.test(provider)) problems.push(`BOOKING_CODES: "${provider}" is not a provider number or "*"`);
    else if (typeof codes !== 'string' || codes.includes('_')) problems.push(`BOOKING_CODES: the codes of "${provider}" must be a string of template-code characters ('_' is the blank cell)`);
    else out[provider] = codes;
  }
  return out;
}
