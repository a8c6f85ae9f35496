// `_summary` and `_elements` (R4 search §3.1.1.5.8–9): shrink a resource to a subset of its
// top-level elements and tag it SUBSETTED so nobody mistakes it for the whole record (and
// nobody updates the server with it).
import type { Coding, Resource } from 'fhir/r4.js';
import { notSupported } from './errors.js';
import { CHOICE_ELEMENTS, MANDATORY_ELEMENTS, SUMMARY_ELEMENTS } from './summary-elements.js';
import type { SummaryMode } from './search/types.js';

export const SUBSETTED_TAG: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
  display: 'Resource encoded in summary mode',
};

/** Element names of a type; choice elements carry no [x] in `choices` but do in the other lists. */
export interface ElementLists {
  summary: readonly string[];
  mandatory: readonly string[];
  choices: readonly string[];
}

/** Element lists of a type: its own declaration, else the built-in R4 table, else undefined. */
export function elementListsFor(type: string, own?: Partial<ElementLists>): ElementLists | undefined {
  const summary = own?.summary ?? SUMMARY_ELEMENTS[type];
  if (summary === undefined) return undefined;
  return { summary, mandatory: own?.mandatory ?? MANDATORY_ELEMENTS[type] ?? [], choices: own?.choices ?? CHOICE_ELEMENTS[type] ?? [] };
}

/** Does JSON property `key` hold element `name`? ('occurrence[x]' or a choice 'occurrence' → 'occurrenceDateTime'; 'name' → '_name'.) */
function holds(key: string, name: string, choices: readonly string[]): boolean {
  const k = key.startsWith('_') ? key.slice(1) : key;
  const stem = name.endsWith('[x]') ? name.slice(0, -3) : name;
  if (!name.endsWith('[x]') && !choices.includes(stem)) return k === name;
  return k.startsWith(stem) && /^[A-Z]/.test(k.slice(stem.length));
}

function keep(resource: Resource, names: readonly string[], choices: readonly string[]): Resource {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'resourceType' || key === 'id' || key === 'meta' || names.some((n) => holds(key, n, choices))) out[key] = value;
  }
  return tagSubsetted(out as unknown as Resource);
}

/** Adds the SUBSETTED tag to meta.tag (once). */
export function tagSubsetted(resource: Resource): Resource {
  const tags = resource.meta?.tag ?? [];
  if (tags.some((t) => t.system === SUBSETTED_TAG.system && t.code === SUBSETTED_TAG.code)) return resource;
  return { ...resource, meta: { ...resource.meta, tag: [...tags, { ...SUBSETTED_TAG }] } };
}

/**
 * Applies `_summary`. 'true': summary elements; 'text': text + mandatory elements; 'data':
 * everything but text; 'false'/undefined: unchanged ('count' never reaches resources). A type
 * whose summary elements are unknown gets a 400 rather than something that is not a summary.
 */
export function applySummary(resource: Resource, mode: SummaryMode | undefined, lists: ElementLists | undefined): Resource {
  if (mode === undefined || mode === 'false' || mode === 'count') return resource;
  if (mode === 'data') {
    const { text: _text, ...rest } = resource as Resource & { text?: unknown };
    return tagSubsetted(rest as Resource);
  }
  if (!lists) throw notSupported(`'_summary=${mode}' is not supported for ${resource.resourceType}`, ['_summary']);
  return keep(resource, mode === 'true' ? lists.summary : ['text', ...lists.mandatory], lists.choices);
}

/**
 * Applies `_elements`: id, meta and resourceType, the listed elements, and (R4: servers SHOULD)
 * the mandatory ones, so the subset still reads as the type.
 */
export function applyElements(resource: Resource, elements: readonly string[] | undefined, lists: ElementLists | undefined): Resource {
  if (elements === undefined) return resource;
  return keep(resource, [...elements, ...(lists?.mandatory ?? [])], lists?.choices ?? []);
}
