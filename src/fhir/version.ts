// Version ids for a facade that keeps no history (mapping §1.3): the version of a resource is a
// short hash of its canonical JSON without `meta`, so the same OSCAR data always has the same
// version and any change makes a new one — on every instance, with no store, whichever mapper or
// path built it (the member order is the canonical one, not the builder's). Unlike a constant
// versionId, it makes If-Match / If-None-Match meaningful. The canonical text, with the stamped meta
// put in, is also the resource's response text (stampedJson): each resource is serialised once.
import { hash } from 'node:crypto';
import type { Resource } from 'fhir/r4.js';
import { precedes, sortedKeys } from './canonical-order.js';
import { privateSlot } from '../private-slot.js';
import { badRequest } from './errors.js';

/** JSON with object keys sorted at every level (array order is significant and kept): cache keys. */
export function canonicalJson(value: unknown): string {
  return canonical(value, undefined);
}

// `"key":` of each object key seen (here and by json-bytes.ts): resources use a few hundred element
// names, and quoting them again for every node was a third of the time. Bounded in count and in key
// length (element names are short), so keys a caller makes up cannot hold memory for the life of
// the process.
const QUOTED_KEYS = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;
const MAX_QUOTED_KEY_LENGTH = 64;

export function quotedKey(k: string): string {
  let q = QUOTED_KEYS.get(k);
  if (q === undefined) {
    q = `${JSON.stringify(k)}:`;
    if (QUOTED_KEYS.size < MAX_QUOTED_KEYS && k.length <= MAX_QUOTED_KEY_LENGTH) QUOTED_KEYS.set(k, q);
  }
  return q;
}

/**
 * canonicalJson (resource order when `resourceOrder`), leaving out the key `skip` of this object
 * (not of the objects inside it).
 */
function canonical(value: unknown, skip: string | undefined, resourceOrder = false): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // Built by concatenation: this runs over every resource a miss renders, and the entries/filter/
  // map/join chains it replaced cost twice the time in allocations.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (i) out += ',';
      out += v === undefined ? 'null' : canonical(v, undefined, resourceOrder);
    }
    return `${out}]`;
  }
  const o = value as Record<string, unknown>;
  const keys = sortedKeys(o, resourceOrder);
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = o[k];
    if (v === undefined || k === skip) continue;
    if (first) first = false;
    else out += ',';
    out += quotedKey(k) + canonical(v, undefined, resourceOrder);
  }
  return `${out}}`;
}

/** Thrown inside sortedCopy for a key a plain object cannot keep in sorted order. */
const NOT_COPYABLE = Symbol('not copyable');

/**
 * A copy of `value` whose objects hold their keys in resource order (sortedKeys), so that the
 * native JSON.stringify of it is the canonical text, leaving out the key `skip` of this object:
 * about a fifth less time than concatenating the text in JS (measured over a 50-patient page).
 * Values JSON cannot hold become null as canonical() makes them. An array index as a key (`"10"`,
 * which an object lists before other keys, in numeric order), an object with a toJSON (a Date) or
 * a function member throws NOT_COPYABLE.
 */
function sortedCopy(value: unknown, skip: string | undefined): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? null : value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      out[i] = v === undefined ? null : sortedCopy(v, undefined);
    }
    return out;
  }
  const o = value as Record<string, unknown>;
  // JSON.stringify would write what its toJSON gives (a Date's text), not the members canonical() hashes.
  if (typeof o.toJSON === 'function') throw NOT_COPYABLE;
  const keys = sortedKeys(o, true);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = o[k];
    if (v === undefined || k === skip) continue;
    const c = k.charCodeAt(0);
    if (c >= 48 && c <= 57) throw NOT_COPYABLE; // perhaps an array index: see above
    if (typeof v === 'function' || typeof v === 'symbol') throw NOT_COPYABLE; // canonical() writes null, JSON.stringify nothing
    if (k === '__proto__') Object.defineProperty(out, k, { value: sortedCopy(v, undefined), enumerable: true, writable: true, configurable: true });
    else out[k] = sortedCopy(v, undefined);
  }
  return out;
}

/**
 * Whether JSON.stringify writes `value` as its canonical text as it is, with no sorted copy: the
 * members of each object already in canonical order (withoutEmpty builds them so), each object a
 * plain one or an array (JSON.stringify writes a Date, a Buffer or a boxed string its own way), no
 * member a function or symbol (JSON.stringify leaves it out of an object, canonical() writes null).
 * An index-like key, which an object lists first in numeric order, fails the order check. The
 * member `skip` of this object (not of those inside it) is left out of the text: its place and
 * value do not count. A walk without allocations: a quarter of the sorted copy's time on a page.
 */
function writtenAsIs(value: object, skip?: string): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'object' && v !== null && !writtenAsIs(v)) return false;
    }
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  let last: string | undefined;
  for (const k in value) {
    if (k === skip) continue;
    if (last !== undefined && !precedes(last, k, true)) return false;
    last = k;
    const v: unknown = (value as Record<string, unknown>)[k];
    if (typeof v === 'object') {
      if (v !== null && !writtenAsIs(v)) return false;
    } else if (typeof v === 'function' || typeof v === 'symbol') return false;
  }
  return true;
}

/** The canonical text of a resource without meta; `copied` when JSON.stringify wrote it (as it is, or a sorted copy). */
function canonicalWithoutMeta(resource: Resource): { text: string; copied: boolean } {
  if (writtenAsIs(resource, 'meta')) {
    return { text: JSON.stringify(resource.meta === undefined ? resource : { ...resource, meta: undefined }), copied: true };
  }
  try {
    return { text: JSON.stringify(sortedCopy(resource, 'meta')), copied: true };
  } catch (e) {
    if (e === NOT_COPYABLE) return { text: canonical(resource, 'meta', true), copied: false };
    throw e;
  }
}

/** 16 hex digits (64 bits) of SHA-256 over the canonical resource without `meta`. A valid FHIR id. */
export function versionIdOf(resource: Resource): string {
  return hash('sha256', canonicalWithoutMeta(resource).text, 'hex').slice(0, 16);
}

/** The canonical text of a resource without meta, as canonicalWithoutMeta gives it, and its whole SHA-256. */
export interface CanonicalContent {
  text: string;
  copied: boolean;
  /** SHA-256 of `text`, 64 hex digits: the version id is its first 16. */
  sha256: string;
}

/**
 * The content a version and a response are made of, made once for both the outgoing check's memo
 * key (src/resources/outgoing.ts) and the stamp (stampContent).
 */
export function canonicalContent(resource: Resource): CanonicalContent {
  const { text, copied } = canonicalWithoutMeta(resource);
  return { text, copied, sha256: hash('sha256', text, 'hex') };
}

/** The response text of each stamped resource, made with its version id (see stampVersion). */
const STAMPED_TEXT = privateSlot<string>();

/**
 * The JSON text stampVersion made for a resource it stamped (its canonical text with the stamped
 * meta), or undefined. The stamped resource is frozen (its own members and its meta): the text
 * stays its text. json-bytes.ts writes it instead of serialising the resource again.
 */
export function stampedJson(resource: object): string | undefined {
  return STAMPED_TEXT.of(resource);
}

/**
 * A frozen copy with meta.versionId set (meta.lastUpdated and the rest of meta as the mapper made
 * them). Its response text is the canonical text the version hashes, with the stamped meta put in
 * its canonical place (after resourceType and id): equal to it as JSON, in canonical member order.
 * A resource stamped already (the outgoing check stamps what it passes, src/resources/outgoing.ts)
 * is returned as it is: it is frozen and its text is its text.
 */
export function stampVersion<R extends Resource>(resource: R): R {
  if (STAMPED_TEXT.of(resource) !== undefined) return resource;
  return stampContent(resource, canonicalContent(resource));
}

/** The meta a resource is stamped with, and where its response text takes it. */
export interface StampedMeta {
  meta: Readonly<NonNullable<Resource['meta']>>;
  /** meta's JSON text as the response text holds it; undefined when the resource has no response text (stampedJson). */
  metaText: string | undefined;
  /** Where in the canonical text meta goes: after resourceType and id (1 when neither is there). */
  at: number;
}

/** The stamped meta of a resource whose content canonicalContent made. */
export function stampedMeta(resource: Resource, content: CanonicalContent): StampedMeta {
  const meta = Object.freeze({ ...resource.meta, versionId: content.sha256.slice(0, 16) });
  const { text } = content;
  // Without a sorted copy (an index-like key, a toJSON) JSON.stringify would not write the
  // canonical text: such a resource keeps no text and is serialised as it is.
  if (!content.copied) return { meta, metaText: undefined, at: 0 };
  // The members before meta in canonical order: resourceType and id, when present.
  const head = JSON.stringify({ resourceType: resource.resourceType, id: resource.id });
  const at = head.length - 1;
  if (at === 1 || (text.startsWith(head.slice(0, at)) && (text[at] === ',' || text[at] === '}'))) return { meta, metaText: JSON.stringify(meta), at };
  return { meta, metaText: undefined, at: 0 };
}

/** stampVersion with the content canonicalContent made of `resource`, which has not changed since, and its stamped meta. */
export function stampContent<R extends Resource>(resource: R, content: CanonicalContent, sm: StampedMeta = stampedMeta(resource, content)): R {
  const stamped = { ...resource, meta: sm.meta };
  const { text } = content;
  const m = sm.metaText;
  if (m !== undefined) {
    if (sm.at === 1) STAMPED_TEXT.put(stamped, `{"meta":${m}${text.length > 2 ? ',' : ''}${text.slice(1)}`);
    else STAMPED_TEXT.put(stamped, `${text.slice(0, sm.at)},"meta":${m}${text.slice(sm.at)}`);
  }
  return Object.freeze(stamped);
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
