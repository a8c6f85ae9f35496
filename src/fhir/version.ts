// Version ids for a facade that keeps no history (mapping §1.3): the version of a resource is a
// short hash of its JSON without `meta`, so the same OSCAR data always has the same version and any
// change makes a new one — on every instance, with no store. Unlike a constant versionId, it makes
// If-Match / If-None-Match meaningful. The JSON is the resource's members in the order its type's
// mapper builds them, which is the same on every path (read, search, $everything, the read back
// after a write; test/fhir/version-paths.test.ts): hashing the text the response is made of
// serialises each resource once.
import { hash } from 'node:crypto';
import type { Resource } from 'fhir/r4.js';
import { badRequest } from './errors.js';

/** JSON with object keys sorted at every level (array order is significant and kept): cache keys. */
export function canonicalJson(value: unknown): string {
  return canonical(value, undefined);
}

// `"key":` of each object key seen: resources use a few hundred element names, and quoting them
// again for every node was a third of the time. Bounded in count and in key length (element names
// are short), so keys a caller makes up cannot hold memory for the life of the process.
const QUOTED_KEYS = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;
const MAX_QUOTED_KEY_LENGTH = 64;

function quotedKey(k: string): string {
  let q = QUOTED_KEYS.get(k);
  if (q === undefined) {
    q = `${JSON.stringify(k)}:`;
    if (QUOTED_KEYS.size < MAX_QUOTED_KEYS && k.length <= MAX_QUOTED_KEY_LENGTH) QUOTED_KEYS.set(k, q);
  }
  return q;
}

/**
 * The object's keys in UTF-16 code unit order (the default sort's order, and `<`'s). Insertion
 * sort: a resource's objects have a handful of keys, often partly in order, and for those it takes
 * a third less time than Array.prototype.sort (measured over a 50-patient page's version ids).
 */
function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    if (keys[j]! < k) continue;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

/** canonicalJson, leaving out the key `skip` of this object (not of the objects inside it). */
function canonical(value: unknown, skip: string | undefined): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // Built by concatenation: this runs over every resource a miss renders, and the entries/filter/
  // map/join chains it replaced cost twice the time in allocations.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (i) out += ',';
      out += v === undefined ? 'null' : canonical(v, undefined);
    }
    return `${out}]`;
  }
  const o = value as Record<string, unknown>;
  const keys = sortedKeys(o);
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = o[k];
    if (v === undefined || k === skip) continue;
    if (first) first = false;
    else out += ',';
    out += quotedKey(k) + canonical(v, undefined);
  }
  return `${out}}`;
}

/** The response text of each stamped resource, made with its version id (see stampVersion). */
const STAMPED_JSON = new WeakMap<object, string>();

/**
 * JSON.stringify(resource) as stampVersion made it, or undefined for a resource it did not stamp.
 * Resources are not changed once stamped (shaping for _summary/_elements makes a copy), so this is
 * the text of the object as it is; json-bytes.ts writes it instead of serialising the resource again.
 */
export function stampedJson(resource: object): string | undefined {
  return STAMPED_JSON.get(resource);
}

/**
 * `JSON.stringify` of the resource without its top-level meta, and the offset in that text where
 * meta stood: after the members before it (none: just after the opening brace), or before the
 * closing brace when there was no meta. The members are in the order the resource holds them.
 */
function textWithoutMeta(resource: Resource): { text: string; at: number } {
  const { meta: _meta, ...rest } = resource;
  const text = JSON.stringify(rest);
  if (!Object.hasOwn(resource, 'meta')) return { text, at: text.length - 1 };
  const r = resource as unknown as Record<string, unknown>;
  const head: Record<string, unknown> = {};
  for (const k in r) {
    if (k === 'meta') break;
    if (!Object.hasOwn(r, k)) continue;
    if (k === '__proto__') Object.defineProperty(head, k, { value: r[k], enumerable: true });
    else head[k] = r[k];
  }
  return { text, at: JSON.stringify(head).length - 1 };
}

/** 16 hex digits (64 bits) of SHA-256 over the resource's JSON without `meta`. A valid FHIR id. */
export function versionIdOf(resource: Resource): string {
  return hash('sha256', textWithoutMeta(resource).text, 'hex').slice(0, 16);
}

/**
 * A copy with meta.versionId set (meta.lastUpdated and the rest of meta as the mapper made them).
 * The resource is serialised once: the version hashes that text, and the text with the stamped meta
 * put back where meta stood is the copy's response text (stampedJson), so a page does not run
 * JSON.stringify over its resources twice.
 */
export function stampVersion<R extends Resource>(resource: R): R {
  const { text, at } = textWithoutMeta(resource);
  const meta = { ...resource.meta, versionId: hash('sha256', text, 'hex').slice(0, 16) };
  const stamped = { ...resource, meta };
  const m = JSON.stringify(meta);
  // What JSON.stringify(stamped) writes: the same members in the same order, meta where it was.
  // A resource JSON.stringify does not write member by member (toJSON) keeps no text.
  if (typeof (resource as { toJSON?: unknown }).toJSON !== 'function') {
    STAMPED_JSON.set(stamped, at === 1 ? `{"meta":${m}${text.length > 2 ? ',' : ''}${text.slice(1)}` : `${text.slice(0, at)},"meta":${m}${text.slice(at)}`);
  }
  return stamped;
}

export function weakEtag(versionId: string): string {
  return `W/"${versionId}"`;
}

/** More entity tags than any client needs (a version is one tag; a cache holds a handful). */
export const MAX_ETAGS = 64;

/** One list member without white space, `W/` and its quotes; '' when it is not an entity tag. */
function opaqueTag(part: string): string {
  let s = part.trim();
  if (s.startsWith('W/')) s = s.slice(2);
  if (s.startsWith('"')) s = s.slice(1);
  if (s.endsWith('"')) s = s.slice(0, -1);
  return s.includes('"') ? '' : s;
}

/**
 * The version ids listed in an If-Match / If-None-Match header ('W/"a"', '"a", "b"', bare 'a'),
 * or '*' for any. Weak and strong forms compare equal: versions are ours, not byte-exact.
 * Linear in the header's length: any client can send this header, so no backtracking pattern
 * may look at it (a regex with overlapping white-space quantifiers here once froze the server).
 * More than MAX_ETAGS members is a 400.
 */
export function parseEtagList(header: string): string[] | '*' {
  const trimmed = header.trim();
  if (trimmed === '*') return '*';
  const parts = trimmed.split(',', MAX_ETAGS + 1);
  if (parts.length > MAX_ETAGS) throw badRequest(`An If-Match / If-None-Match header may list at most ${MAX_ETAGS} entity tags`);
  const out: string[] = [];
  for (const part of parts) {
    const tag = opaqueTag(part);
    if (tag) out.push(tag);
  }
  return out;
}

export function etagMatches(header: string, versionId: string): boolean {
  const list = parseEtagList(header);
  return list === '*' || list.includes(versionId);
}
