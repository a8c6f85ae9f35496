// $everything's referenced resources (src/resources/patient/everything-references.ts): read as
// soon as a part of the answer names them, yet the same answer as reading them all at the end —
// sorted, the first 100 only, an unreadable one left out with a warning, at most six at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import type { FhirContext } from '../../src/fhir/index.js';
import { MAX_REFERENCED, ReferenceReads } from '../../src/resources/patient/everything-references.js';
import type { TypeLookup } from '../../src/resources/patient/everything.js';

interface Fake { registry: TypeLookup; started: string[]; maxAtOnce: () => number; release: () => void }

/** Practitioners read by id ('bad' fails; ids must be digits or 'bad'), each read held until release(). */
function fakeRegistry(): Fake {
  const started: string[] = [];
  let running = 0;
  let most = 0;
  let open: () => void = () => {};
  let gate = new Promise<void>((r) => { open = r; });
  const practitioner = {
    type: 'Practitioner',
    idPattern: /^(\d+|bad)$/,
    interactions: {
      read: async (_ctx: FhirContext, id: string): Promise<Resource> => {
        started.push(id);
        running++;
        most = Math.max(most, running);
        await gate;
        running--;
        if (id === 'bad') throw new Error('gone');
        return { resourceType: 'Practitioner', id };
      },
    },
  };
  const registry = { get: (t: string) => (t === 'Practitioner' ? practitioner : t === 'Appointment' ? { type: 'Appointment', interactions: { read: async () => undefined } } : undefined), all: () => [] } as unknown as TypeLookup;
  return { registry, started, maxAtOnce: () => most, release: () => { open(); gate = Promise.resolve(); } };
}

const ref = (r: string): Resource => ({ resourceType: 'Appointment', id: 'a', participant: [{ actor: { reference: r } }] } as Resource);
const ctx = {} as FhirContext;

describe('ReferenceReads', () => {
  it('starts a read when a part names a reference, before the answer is collected', async () => {
    const f = fakeRegistry();
    const reads = new ReferenceReads(ctx, f.registry, () => true, new Set(['Patient', 'Appointment']));
    reads.add([ref('Practitioner/7')]);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(f.started, ['7']);
    f.release();
    const { resources, issues } = await reads.collect(new Set());
    assert.deepEqual(resources.map((r) => r.id), ['7']);
    assert.deepEqual(issues, []);
    assert.deepEqual(f.started, ['7'], 'read once');
  });

  it('answers sorted by reference, leaves out the unreadable with a warning, and follows neither skipped nor unwanted types', async () => {
    const f = fakeRegistry();
    const reads = new ReferenceReads(ctx, f.registry, (t) => t !== 'Device', new Set(['Patient', 'Appointment']));
    reads.add([ref('Practitioner/9'), ref('Patient/1'), ref('Appointment/4'), ref('Device/2')]);
    reads.add([ref('Practitioner/bad'), ref('Practitioner/10'), ref('Practitioner/x-1'), ref('Practitioner/11')]);
    f.release();
    const { resources, issues } = await reads.collect(new Set(['Practitioner/11']));
    assert.deepEqual(resources.map((r) => `${r.resourceType}/${r.id}`), ['Practitioner/10', 'Practitioner/9']);
    assert.deepEqual(issues, [{ severity: 'warning', code: 'incomplete', diagnostics: 'Practitioner/bad could not be read and is not included' }]);
    assert.ok(!f.started.includes('x-1'), 'an id the type cannot have is not read');
  });

  it(`includes the first ${MAX_REFERENCED} references in sorted order only, says so, and runs at most six reads at once`, async () => {
    const f = fakeRegistry();
    const reads = new ReferenceReads(ctx, f.registry, () => true, new Set(['Patient', 'Appointment']));
    // Named in descending order: the early reads take the first 100 named, the answer the first 100 sorted.
    const ids = Array.from({ length: MAX_REFERENCED + 5 }, (_, i) => String(1000 + MAX_REFERENCED + 4 - i));
    for (const id of ids) reads.add([ref(`Practitioner/${id}`)]);
    await new Promise((r) => setImmediate(r));
    f.release();
    const { resources, issues } = await reads.collect(new Set());
    const sorted = [...ids].sort();
    assert.deepEqual(resources.map((r) => r.id), sorted.slice(0, MAX_REFERENCED));
    assert.deepEqual(issues, [{ severity: 'information', code: 'informational', diagnostics: `only the first ${MAX_REFERENCED} of ${MAX_REFERENCED + 5} referenced resources are included` }]);
    assert.equal(f.maxAtOnce(), 6);
  });
});
