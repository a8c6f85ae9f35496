// Public shapes of the validator, plus the internal finding that also says how to repair it.

/** FHIR issue-type codes, so an issue maps straight onto OperationOutcome.issue.code. */
export type IssueCode = 'structure' | 'required' | 'value' | 'invariant' | 'code-invalid' | 'not-supported';

export interface ValidationIssue {
  severity: 'error' | 'warning';
  code: IssueCode;
  /** FHIRPath-style location, e.g. `Patient.identifier[0].system`; a resource-level invariant is `Appointment` */
  expression: string;
  /** for people; names elements and allowed codes, never echoes the offending value (no PHI) */
  message: string;
  /** the invariant key or profile rule that failed, e.g. `app-2`, `ca-baseline-identifier` */
  rule?: string;
}

/** JSON location inside the validated resource: property names and array indexes. */
export type JsonPath = (string | number)[];

/** An issue plus where it is in the JSON and what to remove to get rid of it. */
export interface Finding extends ValidationIssue {
  path: JsonPath;
  /** elements whose removal fixes the problem; null when only withholding the whole resource does */
  drop: JsonPath[] | null;
}

export type JsonObject = Record<string, unknown>;
