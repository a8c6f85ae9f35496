// Searchset Bundles (R4 http §3.1.0.2.2 / search §3.1.1.1.1): entries with fullUrl and
// search.mode, `total` when known, and self/first/previous/next links built from the public base
// URL and only the parameters that were applied. Paging is stateless: links carry `_cursor`.
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, BundleLink, FhirResource, Resource } from 'fhir/r4.js';
import type { Issue } from './errors.js';
import { operationOutcome } from './outcome.js';
import { encodeCursor, searchFingerprint } from './search/cursor.js';
import type { ParsedSearch } from './search/types.js';

/** Query encoding that keeps FHIR's structural characters readable (`:` `,` `/` `$`). */
function encodeQueryPart(s: string): string {
  return encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%2F/gi, '/').replace(/%24/g, '$');
}

export function buildQuery(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([k, v]) => `${encodeQueryPart(k)}=${encodeQueryPart(v)}`).join('&');
}

export interface PageLinksInput {
  baseUrl: string;
  search: ParsedSearch;
  /** Offset of the next page, when there is one. */
  nextOffset?: number;
}

/** self / first / previous / next links for one page of a search. */
export function pageLinks({ baseUrl, search, nextOffset }: PageLinksInput): BundleLink[] {
  // Only a link past the first page carries a cursor; a one-page answer needs no fingerprint.
  let fingerprint: string | undefined;
  const params = search.applied.filter(([k]) => k !== '_count');
  const url = (offset: number): string => {
    const pairs: [string, string][] = [...params, ['_count', String(search.count)]];
    if (offset > 0) pairs.push(['_cursor', encodeCursor({ offset, search: fingerprint ??= searchFingerprint(search.type, search.applied, baseUrl) })]);
    return `${baseUrl}/${search.type}?${buildQuery(pairs)}`;
  };
  const links: BundleLink[] = [{ relation: 'self', url: url(search.offset) }];
  if (search.offset > 0 || nextOffset !== undefined) {
    links.push({ relation: 'first', url: url(0) });
  }
  if (search.offset > 0) links.push({ relation: 'previous', url: url(Math.max(0, search.offset - search.count)) });
  if (nextOffset !== undefined) links.push({ relation: 'next', url: url(nextOffset) });
  return links;
}

export interface SearchsetInput {
  baseUrl: string;
  matches: readonly Resource[];
  included?: readonly Resource[];
  total?: number;
  links: BundleLink[];
  /** Warnings / information for the client: one OperationOutcome entry with search.mode 'outcome'. */
  issues?: readonly Issue[];
}

function entry(baseUrl: string, resource: Resource, mode: 'match' | 'include'): BundleEntry<FhirResource> {
  return {
    fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id ?? ''}`,
    resource: resource as FhirResource,
    search: { mode },
  };
}

export function searchsetBundle({ baseUrl, matches, included = [], total, links, issues = [] }: SearchsetInput): Bundle<FhirResource> {
  const entries = [
    ...matches.map((r) => entry(baseUrl, r, 'match')),
    ...included.map((r) => entry(baseUrl, r, 'include')),
  ];
  if (issues.length > 0) {
    entries.push({ fullUrl: `urn:uuid:${randomUUID()}`, resource: operationOutcome(issues), search: { mode: 'outcome' } });
  }
  const bundle: Bundle<FhirResource> = { resourceType: 'Bundle', type: 'searchset' };
  if (total !== undefined) bundle.total = total;
  bundle.link = links;
  if (entries.length > 0) bundle.entry = entries;
  return bundle;
}

/** `Type/id` key for de-duplication. */
export function resourceKey(r: Resource): string {
  return `${r.resourceType}/${r.id ?? ''}`;
}
