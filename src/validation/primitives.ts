// Checks on primitive values that the R4 JSON schema cannot make: its regexes accept 1980-02-30,
// its integer types are plain JSON numbers (1.5 and -1 pass as positiveInt), and xhtml and
// base64Binary have no pattern at all. Each check returns a message, or undefined when fine.
// Messages never contain the value itself.

/** The number the ASCII digits at value[from, from + count) spell, or -1. */
function digitsAt(value: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = value.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    n = n * 10 + c;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The calendar check for date, dateTime and instant (the shape itself is the schema's job). */
export function calendarProblem(value: string): string | undefined {
  // Read by hand, not by a pattern: this runs for every date of every resource that leaves.
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return undefined; // not YYYY-MM-DD…
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  if (year < 0 || month < 0 || day < 0) return undefined;
  // out-of-range months/days are already rejected by the schema's pattern
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return day > daysInMonth(year, month) ? 'is not a real calendar date (day does not exist in that month)' : undefined;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export function integerProblem(type: string, value: number): string | undefined {
  if (type === 'decimal') return Number.isFinite(value) ? undefined : 'must be a finite decimal';
  if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) return `must be a 32-bit integer (${type})`;
  if (type === 'positiveInt' && value < 1) return 'must be a positiveInt (1 or more)';
  if (type === 'unsignedInt' && value < 0) return 'must be an unsignedInt (0 or more)';
  return undefined;
}

export const NUMERIC_TYPES = new Set(['integer', 'positiveInt', 'unsignedInt', 'decimal']);
export const DATE_TYPES = new Set(['date', 'dateTime', 'instant']);

export function base64Problem(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact) ? undefined : 'must be base64 encoded';
}

/** Basic xhtml rules for Narrative.div (R4 txt-1 in spirit, txt-2 exactly); not a full html check. */
export function xhtmlProblem(value: unknown): { rule: string; message: string } | undefined {
  if (typeof value !== 'string') return { rule: 'txt-1', message: 'must be an xhtml string' };
  if (!/^\s*<div\b[^>]*\bxmlns\s*=\s*["']http:\/\/www\.w3\.org\/1999\/xhtml["']/.test(value)) {
    return { rule: 'txt-1', message: 'must be a <div> element in the xhtml namespace' };
  }
  if (/<\s*(script|object|applet|iframe|embed|form|input|button|style|head|body|html|meta|link|base)\b/i.test(value) || /<[^>]*\son[a-z]+\s*=/i.test(value)) {
    return { rule: 'txt-1', message: 'contains elements or attributes not allowed in FHIR narrative' };
  }
  const text = value.replace(/<[^>]*>/g, '').replace(/&[a-zA-Z#0-9]+;/g, 'x');
  if (text.trim() === '' && !/<img\b/i.test(value)) return { rule: 'txt-2', message: 'must have some non-whitespace content' };
  return undefined;
}

/** Attachment.contentType, Binary.contentType, CapabilityStatement.format: urn:ietf:bcp:13 (any MIME type). */
export function mimeProblem(value: unknown, shortFormsAllowed: boolean): string | undefined {
  if (typeof value !== 'string') return undefined;
  // CapabilityStatement.format also allows the short forms json | xml | ttl
  if (shortFormsAllowed && ['json', 'xml', 'ttl'].includes(value)) return undefined;
  return /^[A-Za-z0-9][\w!#$&^.+-]*\/[A-Za-z0-9][\w!#$&^.+-]*(\s*;\s*[\w!#$&^.+-]+=("[^"]*"|[\w!#$&^.+-]+))*$/.test(value)
    ? undefined
    : 'must be a MIME type (type/subtype)';
}
