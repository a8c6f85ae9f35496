// Version ids for a facade that keeps no history (mapping.md "meta.versionId and ETag"): the
// version of a resource is a short hash of its canonical JSON without `meta`, so the same OSCAR
// data always has the same version and any change makes a new one — on every instance, with no
// store. Unlike a constant versionId, it makes If-Match / If-None-Match meaningful.
import { createHash } from 'node:crypto';
import type { Resource } from 'fhir/r4.js';

/** JSON with object keys sorted at every level (array order is significant and kept). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** 16 hex digits (64 bits) of SHA-256 over the canonical resource without `meta`. A valid FHIR id. */
export function versionIdOf(resource: Resource): string {
  const { meta: _meta, ...rest } = resource;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex').slice(0, 16);
}

/** A copy with meta.versionId set (meta.lastUpdated and the rest of meta as the mapper made them). */
export function stampVersion<R extends Resource>(resource: R): R {
  return { ...resource, meta: { ...resource.meta, versionId: versionIdOf(resource) } };
}

export function weakEtag(versionId: string): string {
  return `W/"${versionId}"`;
}

/**
 * The version ids listed in an If-Match / If-None-Match header ('W/"a"', '"a", "b"', bare 'a'),
 * or '*' for any. Weak and strong forms compare equal: versions are ours, not byte-exact.
 */
export function parseEtagList(header: string): string[] | '*' {
  const trimmed = header.trim();
  if (trimmed === '*') return '*';
  const out: string[] = [];
  for (const part of trimmed.split(',')) {
    const m = /^\s*(?:W\/)?"?([^"]*)"?\s*$/.exec(part);
    if (m?.[1]) out.push(m[1]);
  }
  return out;
}

export function etagMatches(header: string, versionId: string): boolean {
  const list = parseEtagList(header);
  return list === '*' || list.includes(versionId);
}
