// A response body's JSON as UTF-8 bytes, the same bytes JSON.stringify gives, with a Bundle's
// entries serialised one at a time. One character outside Latin-1 in a single JSON.stringify (a
// Vietnamese family name, say) turns the rest of that call's output into two-byte text, which V8
// builds several times slower: measured on a 50-patient search page with one such name, 1.0 ms
// for the page in one call against 0.15 ms entry by entry. Entries on their own confine it to the
// resource that holds the name. A resource stampVersion serialised already is written from that
// text (version.ts), not serialised again.
import { quotedKey, stampedJson } from './version.js';

/** `JSON.stringify(value, null, pretty ? 2 : undefined)` as UTF-8. */
export function jsonBytes(value: object, pretty = false): Buffer {
  const own = pretty ? undefined : stampedJson(value);
  if (own !== undefined) return Buffer.from(own, 'utf8');
  const entries = (value as { entry?: unknown }).entry;
  if (pretty || !Array.isArray(entries) || entries.length === 0 || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return Buffer.from(JSON.stringify(value, null, pretty ? 2 : undefined), 'utf8');
  }
  // The body's pieces in order (one string per entry), then one Buffer of their total length
  // written piece by piece: no Buffer per entry and no copy of them all into one.
  const parts: string[] = [];
  let text = '{';
  for (const key of Object.keys(value)) {
    const json = key === 'entry' ? '' : JSON.stringify((value as Record<string, unknown>)[key]);
    if (json === undefined) continue; // JSON.stringify leaves out undefined, functions and symbols
    text += `${text === '{' ? '' : ','}${JSON.stringify(key)}:`;
    if (key !== 'entry') { text += json; continue; }
    parts.push(`${text}[`);
    for (let i = 0; i < entries.length; i++) {
      parts.push(`${i ? ',' : ''}${entryJson(entries[i])}`);
    }
    text = ']';
  }
  parts.push(`${text}}`);
  return utf8Of(parts);
}

/** The UTF-8 bytes of the strings one after the other. */
function utf8Of(parts: readonly string[]): Buffer {
  let length = 0;
  for (let i = 0; i < parts.length; i++) length += Buffer.byteLength(parts[i]!, 'utf8');
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (let i = 0; i < parts.length; i++) at += out.write(parts[i]!, at, 'utf8');
  return out;
}

/** JSON.stringify(entry), its resource written from the text made when it was stamped. */
function entryJson(entry: unknown): string {
  const resource = (entry as { resource?: unknown } | null | undefined)?.resource;
  const own = typeof resource === 'object' && resource !== null ? stampedJson(resource) : undefined;
  // In an array, what JSON.stringify leaves out of an object becomes null.
  if (own === undefined || typeof (entry as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(entry) ?? 'null';
  const e = entry as Record<string, unknown>;
  let out = '';
  for (const k in e) {
    if (!Object.hasOwn(e, k)) continue;
    const json = k === 'resource' ? own : JSON.stringify(e[k]);
    // The member names quoted once (version.ts): a third of this function's time over a 50-patient page.
    if (json !== undefined) out += (out ? ',' : '{') + quotedKey(k) + json;
  }
  return out ? `${out}}` : '{}';
}
