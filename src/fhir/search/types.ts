// Search parameter declarations (what a resource type accepts) and the typed values the parser
// produces from a query string. Resource types declare `SearchParamDef`s in their registry entry;
// the same declarations drive parsing, the CapabilityStatement and the conformance tests.
import type { Resource } from 'fhir/r4.js';
import type { Issue } from '../errors.js';

export type SearchParamType = 'token' | 'string' | 'date' | 'reference';

/** Modifiers a parameter may declare. A modifier not declared by the parameter is rejected. */
export type SearchModifier =
  | 'missing' | 'exact' | 'contains' | 'text' | 'not' | 'above' | 'below' | 'in' | 'not-in' | 'of-type' | 'identifier';

/** Comparison prefixes of date and number parameters (FHIR R4 search §3.1.1.4.2). */
export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';
export const ALL_PREFIXES: readonly Prefix[] = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'];

export interface SearchParamDef {
  /** Parameter name as it appears in the query, e.g. 'birthdate', '_id'. */
  name: string;
  type: SearchParamType;
  /** What the parameter does on THIS server (how it maps onto OSCAR, limitations). Shown in the CapabilityStatement. */
  description: string;
  /** Canonical URL of the standard SearchParameter this one implements, when there is one. */
  definition?: string;
  /** Supported modifiers (`:missing`, `:exact`, …). Default: none. The reference `:[Type]` modifier is always allowed for declared targets. */
  modifiers?: readonly SearchModifier[];
  /** date / number: accepted prefixes. Default: all of ALL_PREFIXES (number: all but sa/eb). */
  prefixes?: readonly Prefix[];
  /** reference: the resource types the parameter may point at. */
  target?: readonly string[];
  /** token: the only codes accepted; any other code is a 400 naming the allowed ones. */
  codes?: readonly string[];
  /** token: the code system `codes` belong to (a value with another explicit system is not checked against `codes`). */
  system?: string;
  /** Allow comma-separated OR values (default true). */
  multipleOr?: boolean;
  /** Allow the parameter to be repeated = AND (default true). */
  multipleAnd?: boolean;
}

/** `_include` a type supports: `<type>:<param>:<targetType>`. */
export interface IncludeDef {
  param: string;
  targetType: string;
  /**
   * Reference strings ('Practitioner/7') the included resources are found at. When given, the
   * router resolves the include itself through the target type's read handler, unless the search
   * handler already returned `included`.
   */
  references?: (resource: Resource) => readonly string[];
}


/** What the search parser needs to know about a resource type (a subset of ResourceDefinition). */
import type { Unavailable } from '../unavailable.js';

export interface SearchSpec {
  type: string;
  searchParams: readonly SearchParamDef[];
  /** Parameters the type implements that the back end at hand cannot serve (fhir/instance-limits.ts). */
  unavailableParams?: Readonly<Record<string, Unavailable>>;
  includes?: readonly IncludeDef[];
  /** Ids this type can have; used to drop `_id` / reference values that can never match. */
  idPattern?: RegExp;
}

// Parsed values ---------------------------------------------------------------------------------

/** Instant range in epoch ms, low inclusive, high exclusive ([low, high)). */
export interface DateRange {
  low: number;
  high: number;
}

export type DatePrecision = 'year' | 'month' | 'day' | 'minute' | 'second' | 'millisecond';

/**
 * One token value. `system` undefined = any system; `system` '' = no system (`|code`);
 * `code` undefined = any code of `system` (`system|`). `text` is set (only) under `:text`.
 */
export interface TokenValue {
  system?: string;
  code?: string;
  text?: string;
}

export interface StringValue {
  value: string;
}

export interface DateValue {
  prefix: Prefix;
  /** The value as given, without the prefix. */
  raw: string;
  precision: DatePrecision;
  range: DateRange;
}

export interface ReferenceValue {
  /** Resource type, when known (given, or the only declared target). */
  type?: string;
  id: string;
}

interface ClauseBase {
  /** Parameter name without modifier. */
  name: string;
  def: SearchParamDef;
  /** The modifier, if any (a reference `:[Type]` modifier is folded into the values instead). */
  modifier?: SearchModifier;
  /** Set only under `:missing` (then `values` is empty). */
  missing?: boolean;
}

/** One occurrence of a parameter: its `values` are ORed. Clauses of a search are ANDed. */
export interface TokenClause extends ClauseBase { type: 'token'; values: TokenValue[] }
export interface StringClause extends ClauseBase { type: 'string'; values: StringValue[] }
export interface DateClause extends ClauseBase { type: 'date'; values: DateValue[] }
export interface ReferenceClause extends ClauseBase { type: 'reference'; values: ReferenceValue[] }

export type SearchClause =
  | TokenClause | StringClause | DateClause | ReferenceClause;

export type SummaryMode = 'true' | 'false' | 'count' | 'data' | 'text';
export type TotalMode = 'none' | 'estimate' | 'accurate';

/** A fully parsed and validated search, as handlers receive it. */
export interface ParsedSearch {
  type: string;
  /** ANDed clauses; each clause ORs its values. */
  clauses: SearchClause[];
  /** Page size (after the configured default / maximum). */
  count: number;
  /** Index of the first match of this page (from `_cursor`; 0 on the first page). */
  offset: number;
  include: IncludeDef[];
  summary?: SummaryMode;
  /** `_elements` names (top-level element names, type prefix removed). */
  elements?: string[];
  total?: TotalMode;
  format?: string;
  pretty?: boolean;
  /** Parameters actually applied, as received (excluding `_cursor`): what self/next links repeat. */
  applied: [string, string][];
  /** Warnings about parameters ignored under `Prefer: handling=lenient`. */
  issues: Issue[];
  /**
   * True when some clause can never match (e.g. `_id=abc` for numeric ids): the router answers an
   * empty Bundle without calling the handler.
   */
  impossible: boolean;
}
