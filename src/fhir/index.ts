// Public API of the FHIR machinery, for src/http/ (the adapter) and src/resources/ (the types).
export * from './errors.js';
export { toOperationOutcome, operationOutcome, DEFAULT_RETRY_AFTER_SECONDS, BEARER_REALM, type MappedError } from './outcome.js';
export { renderBody, type FhirRequest, type FhirResponse, type FhirMethod, type FormBody, type FinishedRequest } from './exchange.js';
export {
  Registry, RegistryError, defineResource, rowMatches,
  type ResourceDefinition, type Interactions, type FhirContext, type SearchResult, type RowMatches, type WriteResult,
  type OperationDef, type OperationInput,
} from './registry.js';
export { createRouter, type RouterOptions, type FhirRouter } from './router.js';
export { conditionPairs } from './condition.js';
export type { ResourceValidator, RouterHooks, InteractionInfo, InteractionKind } from './router/request-context.js';
export { parseRoute, type Route } from './router/route.js';
export { buildCapabilityStatement, loadCapabilityBase, VALIDATE_OPERATION_DEFINITION, type CapabilityOptions } from './capability.js';
export { negotiate, wantsFhirResource, acceptsContentType, requireJsonBody, requireFormBody, FHIR_JSON, type JsonMediaType } from './negotiate.js';
export { parsePrefer, type Prefer, type ReturnPreference, type HandlingPreference } from './prefer.js';
export { canonicalJson, versionIdOf, stampVersion, canonicalContent, stampContent, stampedMeta, weakEtag, parseEtagList, etagMatches } from './version.js';
export type { CanonicalContent, StampedMeta } from './version.js';
export { FHIR_ID_RE, NUMERIC_ID, isValidId } from './ids.js';
export { SUBSETTED_TAG, applySummary, applyElements, elementListsFor, tagSubsetted, type ElementLists } from './summary.js';
export { searchsetBundle, pageLinks, buildQuery, type SearchsetInput, type PageLinksInput } from './bundle.js';
export { mapLimited } from './include.js';
export * from './search/types.js';
export { pageOf, pageSpan } from './search/page.js';
export { parseSearch, parseSubsetParams, DEFAULT_COUNT, MAX_COUNT, type SearchParseOptions } from './search/parse.js';
export { ID_PARAM, LAST_UPDATED_PARAM } from './search/common-params.js';
export { parseDateRange, dateRangeOf, periodRange, matchesDate, matchesDateClause, dateClauseWindow, type ParsedDate } from './search/date.js';
export { parseTokenValue, matchesToken, type TokenCandidate } from './search/token.js';
export { matchesString, matchesText, normalizeForSearch } from './search/string.js';
export { parseReferenceValue, matchesReference } from './search/reference.js';
export { encodeCursor, decodeCursor, searchFingerprint, type CursorState } from './search/cursor.js';
export { instanceView, type InstanceLimits, type LimitedInteraction, type TypeLimits } from './instance-limits.js';
