// Assertions shared by the validation tests: each broken resource must yield exactly the issue
// its rule is about, so a test also fails when a rule fires too broadly.
import assert from 'node:assert/strict';
import { validateResource, type ValidationIssue } from '../../src/validation/index.js';

export interface Expected {
  expression: string;
  code: ValidationIssue['code'];
  severity?: ValidationIssue['severity'];
  rule?: string;
  message?: RegExp;
}

/** The resource has exactly one issue, and it is `expected`. */
export function assertOnlyIssue(resource: unknown, expected: Expected): ValidationIssue {
  const issues = validateResource(resource);
  assert.equal(issues.length, 1, `expected exactly one issue, got:\n${JSON.stringify(issues, null, 2)}`);
  const issue = issues[0]!;
  assert.equal(issue.expression, expected.expression);
  assert.equal(issue.code, expected.code);
  assert.equal(issue.severity, expected.severity ?? 'error');
  if (expected.rule !== undefined) assert.equal(issue.rule, expected.rule);
  if (expected.message) assert.match(issue.message, expected.message);
  return issue;
}

export function assertValid(resource: unknown): void {
  const issues = validateResource(resource);
  assert.deepEqual(issues, [], `expected no issue, got:\n${JSON.stringify(issues, null, 2)}`);
}
