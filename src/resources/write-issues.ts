// Turning mapper findings into FHIR answers for writes: mapping errors → one 422 with an issue
// each; elements OSCAR cannot keep → an information issue the client sees with
// Prefer: return=OperationOutcome.
import { unprocessable, type Issue } from '../fhir/index.js';
import type { MappingError } from './mapping-errors.js';

export function rejectIfErrors(errors: readonly MappingError[]): void {
  if (errors.length === 0) return;
  throw unprocessable(errors.map((e) => ({ severity: 'error', code: 'business-rule', diagnostics: e.message, expression: [e.expression] })));
}

export function notStoredIssues(notStored: readonly string[]): Issue[] {
  if (notStored.length === 0) return [];
  return [{
    severity: 'information', code: 'informational',
    diagnostics: `OSCAR has no place for these elements; they were not stored: ${notStored.join(', ')}`,
    expression: [...notStored],
  }];
}
