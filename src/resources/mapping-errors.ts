// What a FHIR → OSCAR mapper reports when OSCAR cannot store a resource (mapping §1.11):
// the caller turns these into a 422 OperationOutcome, one issue per entry.

export interface MappingError {
  /** FHIRPath of the offending element, e.g. 'Patient.birthDate'. */
  expression: string;
  /** Human-readable reason, safe to show to the client (no PHI). */
  message: string;
}
