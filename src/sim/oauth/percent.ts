// The three string codecs OSCAR's OAuth 1.0a code uses (contract 2.4). They differ on purpose:
// reproducing each one exactly is what makes `+`, `%` and non-ASCII behave as on a real OSCAR.

function isUnreservedByte(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39)
    || b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e;
}

/** RFC 3986 percent-encoding of the UTF-8 bytes, upper-case hex (the verifier's `pct`). */
export function pct(s: string | null | undefined): string {
  if (s == null) return '';
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out += isUnreservedByte(b) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const HEX = /^[0-9A-Fa-f]{2}$/;

/**
 * The verifier's `pctDecode`: each `%XX` becomes the single char U+00XX (byte-to-char, i.e. Latin-1),
 * `+` stays `+`. contract 2.4: this is why any non-ASCII value breaks the signature.
 */
export function pctDecodeLatin1(s: string): string {
  if (!s) return s;
  let out = '';
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s[i] as string;
    if (c === '%' && i + 2 < n) {
      const hex = s.slice(i + 1, i + 3);
      if (HEX.test(hex)) { out += String.fromCharCode(parseInt(hex, 16)); i += 2; continue; }
    }
    out += c;
  }
  return out;
}

/** Thrown where java.net.URLDecoder throws IllegalArgumentException. */
export class UrlDecodeError extends Error {}

/**
 * java.net.URLDecoder.decode(s, UTF-8): `+` → space, runs of `%XX` decoded as UTF-8 (bad bytes →
 * U+FFFD); a `%` not followed by two hex digits throws.
 */
export function javaUrlDecode(s: string): string {
  let out = '';
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i] as string;
    if (c === '+') { out += ' '; i++; continue; }
    if (c !== '%') { out += c; i++; continue; }
    const bytes: number[] = [];
    while (i + 2 < n && s[i] === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!HEX.test(hex)) throw new UrlDecodeError(`Illegal hex characters in escape (%) pattern`);
      bytes.push(parseInt(hex, 16));
      i += 3;
    }
    if (i < n && s[i] === '%') throw new UrlDecodeError('Incomplete trailing escape (%) pattern');
    out += Buffer.from(bytes).toString('utf8');
  }
  return out;
}

/**
 * How the servlet container decodes request parameters (query string and form body): `+` → space,
 * `%XX` runs as UTF-8; malformed escapes are kept literally instead of failing the request.
 */
export function servletDecode(s: string): string {
  try { return javaUrlDecode(s); } catch { return s.replace(/\+/g, ' '); }
}

/** Name/value pairs of an `a=b&c=d` string as the servlet container reads them. */
export function servletParams(raw: string | null | undefined): Array<[string, string]> {
  if (!raw) return [];
  const out: Array<[string, string]> = [];
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    out.push([servletDecode(k), servletDecode(v)]);
  }
  return out;
}

/** java.lang.String.trim(): strips chars <= U+0020 only. */
export function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return s.slice(a, b);
}

/** String.split("=", 2) as Java does it: at most two parts, split at the first '='. */
export function splitOnce(s: string, sep: string): [string] | [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + sep.length)];
}
