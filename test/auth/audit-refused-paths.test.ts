// The audit record of a request refused before the router accepted its path: the type is named
// only when it exists here, the id only when it is an OSCAR row number; operations, _search and
// _history segments, and names put where an id belongs, never become an entity. And when a request
// is recorded as a query.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditEventFor } from '../../src/auth/audit.js';
import type { FhirRequest } from '../../src/fhir/index.js';

const known = (t: string): boolean => t === 'Patient' || t === 'Appointment';

function recorded(method: string, path: string): { interaction?: string; references: string[] } {
  const req: FhirRequest = { method, path, query: [], headers: {}, requestId: 'r' };
  const e = auditEventFor({ req, status: 403, auth: undefined, facts: undefined, site: 'http://x/fhir', clinic: 'default', isKnownType: known });
  return { interaction: e.subtype?.[0]?.code, references: (e.entity ?? []).flatMap((x) => (x.what?.reference ? [x.what.reference] : [])) };
}

test('a refused path names its type and row number, and nothing else', () => {
  assert.deepEqual(recorded('GET', '/Patient/1001'), { interaction: 'read', references: ['Patient/1001'] });
  assert.deepEqual(recorded('PUT', '/Appointment/7'), { interaction: 'update', references: ['Appointment/7'] });
  assert.deepEqual(recorded('GET', '/Patient/1001/$everything'), { interaction: 'operation', references: ['Patient/1001'] });
  assert.deepEqual(recorded('POST', '/Patient/$validate'), { interaction: 'operation', references: [] });
  assert.deepEqual(recorded('POST', '/Patient/_search'), { interaction: 'search-type', references: [] });
  assert.deepEqual(recorded('GET', '/Patient/_history'), { interaction: 'read', references: [] });
  assert.deepEqual(recorded('GET', '/Patient/SMITH-JOHN'), { interaction: 'read', references: [] });
  assert.deepEqual(recorded('GET', '/DOE/1001'), { interaction: 'read', references: [] }, 'an unknown type names nothing');
  assert.deepEqual(recorded('GET', '/metadata'), { interaction: 'capabilities', references: [] });
  assert.deepEqual(recorded('GET', '/Patient'), { interaction: 'search-type', references: [] });
  assert.deepEqual(recorded('POST', '/Patient'), { interaction: 'create', references: [] });
  assert.deepEqual(recorded('DELETE', '/Patient/1001'), { interaction: 'delete', references: ['Patient/1001'] });
});

test('a Query entity is recorded for every search, parameters or not, and for no other request without parameters', () => {
  const queryEntities = (method: string, path: string, query: [string, string][] = []): number => {
    const req: FhirRequest = { method, path, query, headers: {}, requestId: 'r' };
    const e = auditEventFor({ req, status: 200, auth: undefined, facts: undefined, site: 'http://x/fhir', clinic: 'default', isKnownType: known });
    return (e.entity ?? []).filter((x) => x.role?.code === '24').length;
  };
  assert.equal(queryEntities('GET', '/Patient'), 1, 'a search with no parameters is still a query');
  assert.equal(queryEntities('GET', '/Patient', [['family', 'DOE']]), 1);
  assert.equal(queryEntities('GET', '/Patient/1001'), 0, 'a plain read');
  assert.equal(queryEntities('PUT', '/Appointment/7'), 0, 'a write');
  assert.equal(queryEntities('GET', '/Patient/1001', [['_format', 'json']]), 1, 'any request with parameters records them');
});
