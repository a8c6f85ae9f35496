// Every public OscarClient method is classified for the cache (read, write or live): one that is
// not would be treated as an unknown write (the whole cache dropped after each call).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { UPSTREAM_OPS } from '../../src/cache/upstream-ops.js';
import { tagsOfChange } from '../../src/cache/tags.js';

/** Public members of the OscarClient class, from its source (TypeScript `private` leaves no runtime trace). */
function publicMembers(): string[] {
  const src = readFileSync(new URL('../../src/oscar/client.ts', import.meta.url), 'utf8');
  const start = src.indexOf('export class OscarClient');
  const body = src.slice(start, src.indexOf('\n}\n', start));
  const names = new Set<string>();
  for (const m of body.matchAll(/^ {2}(?!private\b|constructor\b|readonly\b|static\b)(?:async\s+)?(?:get\s+)?([a-zA-Z][a-zA-Z0-9]*)\s*[(<]/gm)) names.add(m[1]!);
  return [...names];
}

test('every public OscarClient method is classified in src/cache/upstream-ops.ts', () => {
  const names = publicMembers();
  assert.ok(names.includes('getDemographicSoap') && names.includes('updateDemographic') && names.includes('soapLogins'), 'the class was read');
  const missing = names.filter((n) => !(n in UPSTREAM_OPS));
  assert.deepEqual(missing, [], `classify these OscarClient methods in src/cache/upstream-ops.ts (read / write / live): ${missing.join(', ')}`);
});

test('reads are tagged with the records they return, writes name the records they change', () => {
  const r = UPSTREAM_OPS.getAppointmentsForPatient2;
  assert.equal(r?.kind, 'read');
  if (r?.kind !== 'read') return;
  assert.deepEqual(r.tags([1001, 0, 100], [{ id: 5 }, { id: 6 }]).sort(), ['appointment:5', 'appointment:6', 'appointments:1001']);
  const w = UPSTREAM_OPS.updateAppointment;
  assert.equal(w?.kind, 'write');
  if (w?.kind !== 'write') return;
  const tags = w.changes([{ id: 5, demographicNo: 1002 }], undefined).flatMap(tagsOfChange).sort();
  // the appointment's own tag reaches the lists of the patient it moved away from
  assert.deepEqual(tags, ['appointment-lists', 'appointment:5', 'appointments:1002']);
  const docs = UPSTREAM_OPS.getDocument;
  assert.ok(docs?.kind === 'read' && docs.cache === 'documents', 'document bytes live in their own budget');
  assert.equal(UPSTREAM_OPS.isAlive?.kind, 'live');
});
