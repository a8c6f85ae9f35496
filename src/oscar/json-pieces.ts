// OSCAR's REST answers (Jackson's compact JSON, contract 1.3) read from their bytes. One longer than
// WHOLE_LENGTH whose bulk is one array of objects — a bare array (`PatientListApptItemBean[]`) or an
// envelope's array member (`content`, `appointments`, `allergies`, `preventions`, Juno's `body`;
// contract 1.4, 3.10) — is parsed a piece of that array at a time, each piece its own short
// string, and the same value assembled; anything else is parsed whole, as before. One long string
// (a document's base64 `fileContents`) cannot be cut and is always parsed whole.

/**
 * How long an answer may be to be parsed as one string; a longer one is cut into pieces of at most
 * PIECE_LENGTH. V8 puts an object larger than 128 KiB (for a string of one byte per character: 16
 * bytes of header and the characters) in its large-object space, on pages freshly mapped each
 * time (bench/results.md, "SOAP answers in pieces"). Measured on the bench host with REST search
 * answers (bench/results.md, "REST answers in pieces"): JSON.parse of the whole text cost 467 µs
 * at 130,781 bytes and 558 µs at 131,703; in pieces, 4 % more below that boundary and 11-12 % less
 * above it (495 µs at 131,703, 1,511 against 1,716 at 400 KB). So the boundary is V8's, not the
 * 120 KiB of the SOAP reader. An answer with characters beyond Latin-1 makes a string of two bytes
 * per character, in the large-object space from 64 KiB: not told apart here (it would take a
 * scan of every byte), so such answers of 64-128 KiB are still parsed whole.
 */
const WHOLE_LENGTH = 128 * 1024 - 16;
/**
 * How long a piece may be (where the array can be cut there): even at two bytes a character, a
 * piece's string stays under 128 KiB. 16 to 128 KiB pieces cost the same (measured at 163 and
 * 300 KB).
 */
const PIECE_LENGTH = 60 * 1024;
/**
 * How far into the answer the long array may start and how much may follow it. Both ends are
 * scanned byte by byte here (the envelopes' few scalars, contract 1.4); the array itself is not:
 * a scan of every byte in JavaScript cost 190 µs for 140 KB, twice what the pieces save.
 */
const EDGE_LENGTH = 4 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
/** Between two objects of an array, as Jackson writes it (no blanks). */
const BETWEEN_OBJECTS = Buffer.from('},{');

/**
 * The answer's value: the same as `JSON.parse` of its UTF-8 text, undefined for an answer of
 * blanks only, and `JSON.parse`'s own error for one that is not JSON. Tests pass a small
 * `wholeLength` to parse answers in many pieces (of half that).
 */
export function parseJsonBytes(body: Buffer, wholeLength = WHOLE_LENGTH): unknown {
  if (body.length > wholeLength) {
    const plan = planPieces(body, Math.min(PIECE_LENGTH, Math.floor(wholeLength / 2)));
    if (plan) {
      const value = parsePieces(body, plan);
      if (value !== UNSURE) return value;
    }
  }
  const text = body.toString('utf8');
  return text.trim() === '' ? undefined : JSON.parse(text);
}

/** Where the answer's long array lies and where it is cut. */
export interface PiecePlan {
  /** The array's '[' and its ']'. */
  open: number;
  close: number;
  /** The top-level member it is the value of; undefined when the answer is the array itself. */
  key: string | undefined;
  /** Where each piece of the array's members ends: at a ',' between two of them, the last at `close`. */
  ends: number[];
}

/**
 * The plan for an answer that is an array of objects, or an object whose first array member is
 * one and whose other members fit in EDGE_LENGTH before and after it; undefined for anything else,
 * or when the array gives fewer than two pieces.
 *
 * Only the two ends are scanned, string- and escape-aware, so `open` is the array's own '[' and
 * `key` its member's name (a member of the same name after it, which JSON.parse would keep,
 * refuses the plan). The array is cut after a `},{` found with Buffer#indexOf, which may lie in a
 * string or deeper down; each piece is then parsed as `[` + its text + `]`, from the state the
 * whole parse is in at its start (a '[' or a ',' between members of the array): a piece parses
 * only if its end is again such a place, so a wrong cut or a wrong `close` makes a piece fail
 * (and the answer is parsed whole) and never a different value. All cuts lie next to ASCII
 * bytes, so the UTF-8 decoding of the pieces is that of the whole.
 */
export function planPieces(body: Buffer, pieceLength: number): PiecePlan | undefined {
  let open = blank(body, 0);
  let key: string | undefined;
  if (body[open] === OPEN_BRACE) {
    const member = longArrayMember(body, open + 1);
    if (!member) return undefined;
    ({ key, open } = member);
  } else if (body[open] !== OPEN_BRACKET) {
    return undefined;
  }
  let close = body.lastIndexOf(CLOSE_BRACKET);
  while (close > open && body.length - close <= EDGE_LENGTH && !endsAfter(body, close + 1, key)) close = body.lastIndexOf(CLOSE_BRACKET, close - 1);
  if (close <= open || body.length - close > EDGE_LENGTH) return undefined;
  const ends = cuts(body, open + 1, close, pieceLength);
  return ends.length < 2 ? undefined : { open, close, key, ends };
}

const UNSURE = Symbol('unsure');

/** The value by the plan, or UNSURE when a piece or the rest does not parse (then the answer is parsed whole). */
function parsePieces(body: Buffer, plan: PiecePlan): unknown {
  try {
    const outer = plan.key === undefined ? undefined : JSON.parse(body.toString('utf8', 0, plan.open + 1) + body.toString('utf8', plan.close)) as Record<string, unknown>;
    const parts: unknown[][] = [];
    let start = plan.open + 1;
    for (const end of plan.ends) {
      parts.push(JSON.parse(`[${body.toString('utf8', start, end)}]`) as unknown[]);
      start = end + 1;
    }
    const items = ([] as unknown[]).concat(...parts);
    if (!outer) return items;
    outer[plan.key!] = items;
    return outer;
  } catch {
    return UNSURE;
  }
}

/**
 * The first member of the top-level object (from `at`, just after its '{') whose value is an
 * array, the members before it within EDGE_LENGTH of the answer's start. In the envelopes of
 * contract 1.4 and 3.10 that is the long one: the others are scalars, objects or null.
 */
function longArrayMember(body: Buffer, at: number): { key: string; open: number } | undefined {
  for (;;) {
    at = blank(body, at);
    if (at > EDGE_LENGTH) return undefined;
    const named = memberName(body, at);
    if (!named) return undefined;
    at = named.at;
    if (body[at] === OPEN_BRACKET) return { key: named.key, open: at };
    const end = valueEnd(body, at, EDGE_LENGTH);
    if (end < 0) return undefined;
    at = blank(body, end);
    if (body[at] !== COMMA) return undefined;
    at++;
  }
}

/** Whether what follows the array's ']' at `at` ends the answer: members not named `key`, then '}' (or nothing, when the answer is the array). */
function endsAfter(body: Buffer, at: number, key: string | undefined): boolean {
  at = blank(body, at);
  if (key === undefined) return at === body.length;
  while (body[at] === COMMA) {
    const named = memberName(body, blank(body, at + 1));
    if (!named || named.key === key) return false;
    at = valueEnd(body, named.at, body.length);
    if (at < 0) return false;
    at = blank(body, at);
  }
  return body[at] === CLOSE_BRACE && blank(body, at + 1) === body.length;
}

/** A member's name (from its opening quote at `at`) and where its value starts; undefined if that is not how the bytes go on. */
function memberName(body: Buffer, at: number): { key: string; at: number } | undefined {
  if (body[at] !== QUOTE) return undefined;
  const end = stringEnd(body, at);
  if (end < 0) return undefined;
  let key: unknown = plainName(body, at + 1, end - 1);
  if (key === undefined) {
    try {
      key = JSON.parse(body.toString('utf8', at, end));
    } catch {
      return undefined;
    }
  }
  const colon = blank(body, end);
  return typeof key === 'string' && body[colon] === COLON ? { key, at: blank(body, colon + 1) } : undefined;
}

/** A name of printable ASCII without escapes, as it is (JSON.parse of a key cost 0.3 µs); else undefined. */
function plainName(body: Buffer, start: number, end: number): string | undefined {
  for (let i = start; i < end; i++) if (body[i]! < 0x20 || body[i]! > 0x7e || body[i] === BACKSLASH) return undefined;
  return body.toString('latin1', start, end);
}

/**
 * Just after the JSON value that starts at `at`, or -1 when it does not end by `limit` (or at all).
 * Strings are skipped whole (stringEnd); brackets are only counted, and scalars run to the next
 * structural byte or blank: the parse of the answer's ends checks the rest.
 */
function valueEnd(body: Buffer, at: number, limit: number): number {
  const last = Math.min(limit, body.length);
  const first = body[at];
  if (first === QUOTE) {
    const end = stringEnd(body, at);
    return end > last ? -1 : end;
  }
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let i = at; i < last; i++) {
      const c = body[i];
      if (c === QUOTE) {
        const end = stringEnd(body, i);
        if (end < 0 || end > last) return -1;
        i = end - 1;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth++;
      } else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) {
        return i + 1;
      }
    }
    return -1;
  }
  let i = at;
  while (i < last && !endsScalar(body[i]!)) i++;
  return i === at || i === last ? -1 : i;
}

const endsScalar = (c: number): boolean => c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isBlank(c);

/**
 * Just after the string whose opening quote is at `at`, or -1 if it does not end: the next quote
 * not escaped, i.e. after an even number of backslashes (`\\"` ends a string, `\"` does not).
 * Found with Buffer#indexOf, so a long string costs no loop here.
 */
function stringEnd(body: Buffer, at: number): number {
  for (let q = body.indexOf(QUOTE, at + 1); q >= 0; q = body.indexOf(QUOTE, q + 1)) {
    let slashes = 0;
    while (body[q - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
  }
  return -1;
}

/** Where the pieces end: at a `,` of a `},{` at most `length` bytes on, the last such, else the first one after; the last piece at `close`. */
function cuts(body: Buffer, start: number, close: number, length: number): number[] {
  const ends: number[] = [];
  while (close - start > length) {
    let brace = body.lastIndexOf(BETWEEN_OBJECTS, start + length - 1);
    if (brace < start) brace = body.indexOf(BETWEEN_OBJECTS, start + length);
    if (brace < 0 || brace + 1 >= close) break;
    ends.push(brace + 1);
    start = brace + 2;
  }
  ends.push(close);
  return ends;
}

const isBlank = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** The first byte from `at` that is not JSON whitespace. */
function blank(body: Buffer, at: number): number {
  while (at < body.length && isBlank(body[at]!)) at++;
  return at;
}
