// The fast check (src/validation/fast-check.ts) against the full walk it stands in for: over a
// corpus of valid resources (the fixtures, and the simulator's records as the facade serves
// them) and of one-change copies of them, the fast check says "clean" exactly when the full walk
// finds nothing; and what validateResource and sanitizeOutgoing answer is the full walk's answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildPlans, FastCheck } from '../../src/validation/fast-check.js';
import { sanitizeOutgoing, validateResource } from '../../src/validation/index.js';
import { loadRuntime } from '../../src/validation/loader.js';
import { sanitizeWith } from '../../src/validation/sanitize.js';
import { readSchema } from '../../src/validation/schema-file.js';
import type { Finding, ValidationIssue } from '../../src/validation/types.js';
import { collectFindings } from '../../src/validation/walker.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { valid } from './fixtures.js';
import { mutantsOf, type Mutant } from './mutants.js';

type Json = Record<string, unknown>;

const { runtime } = loadRuntime();
const fast = new FastCheck(buildPlans(runtime, readSchema().definitions));
const fullWalk = (r: unknown): Finding[] => collectFindings(runtime, r);
const publicIssue = ({ severity, code, expression, message, rule }: Finding): ValidationIssue => ({ severity, code, expression, message, ...(rule ? { rule } : {}) });

interface Tally {
  valid: number;
  broken: number;
  codes: Set<string>;
  rules: Set<string>;
}

/** Every disagreement over `corpus` (empty when none), counting what the full walk found. */
function disagreements(corpus: Mutant[], tally: Tally): string[] {
  const out: string[] = [];
  for (const { name, resource } of corpus) {
    const findings = fullWalk(resource);
    const clean = fast.clean(resource);
    if (findings.length === 0) tally.valid++;
    else tally.broken++;
    for (const f of findings) {
      tally.codes.add(f.code);
      if (f.rule) tally.rules.add(f.rule);
    }
    const said = findings.map((f) => `${f.expression} ${f.rule ?? f.code}`).join(', ');
    if (clean !== (findings.length === 0)) out.push(`${name}: fast check ${clean ? 'clean' : 'not clean'}, full walk [${said}]`);
    else if (JSON.stringify(validateResource(resource)) !== JSON.stringify(findings.map(publicIssue))) out.push(`${name}: validateResource differs from the full walk [${said}]`);
    else if (findings.some((f) => f.severity === 'error')) {
      const expected = sanitizeWith(resource, fullWalk, publicIssue);
      if (JSON.stringify(sanitizeOutgoing(resource)) !== JSON.stringify(expected)) out.push(`${name}: sanitizeOutgoing differs from the full walk's`);
    }
  }
  return out;
}

const newTally = (): Tally => ({ valid: 0, broken: 0, codes: new Set(), rules: new Set() });
const shown = (list: string[]): string => `${list.length} disagreements:\n${list.slice(0, 15).join('\n')}`;

describe('the fixtures and their one-change copies', () => {
  const tally = newTally();

  it('every valid fixture is clean for both', () => {
    const corpus = Object.entries(valid).map(([name, make]) => ({ name, resource: make() as unknown as Json }));
    assert.deepEqual(disagreements(corpus, tally), []);
    assert.equal(tally.broken, 0);
  });

  for (const [name, make] of Object.entries(valid)) {
    it(`${name}: each copy is judged alike`, () => {
      const corpus = mutantsOf(make() as unknown as Json, name);
      const list = disagreements(corpus, tally);
      assert.equal(list.length, 0, shown(list));
    });
  }

  it('the copies are mostly broken, some valid, and every kind of finding occurs', () => {
    assert.ok(tally.broken > 3000, `broken: ${tally.broken}`);
    assert.ok(tally.valid > 200, `valid: ${tally.valid}`);
    assert.deepEqual([...tally.codes].sort(), ['code-invalid', 'invariant', 'not-supported', 'required', 'structure', 'value']);
    for (const rule of ['ext-1', 'ref-1', 'per-1', 'cpt-2', 'ipa-pat-2', 'dom-2', 'dom-3', 'dom-4', 'bdl-3', 'bdl-5', 'bdl-7', 'bdl-8', 'bdl-1', 'bdl-11', 'txt-1', 'txt-2',
      'app-2', 'ait-1', 'ca-baseline-identifier', 'ca-baseline-patient-jhn', 'ca-baseline-ext-identifierversion', 'cpb-1', 'ca-baseline-documentreference-1']) {
      assert.ok(tally.rules.has(rule), `no copy broke ${rule} (broken: ${[...tally.rules].sort().join(' ')})`);
    }
  });
});

describe("the simulator's records as the facade serves them, and copies of some", () => {
  let stack: Stack;
  const records: Mutant[] = [];
  before(async () => {
    stack = await startStack({ env: { CACHE_MAX_BYTES: '0' } });
    const add = (name: string, body: unknown): void => {
      if (typeof body !== 'object' || body === null) return;
      const r = body as Json;
      records.push({ name, resource: r });
      if (r.resourceType === 'Bundle' && Array.isArray(r.entry)) {
        for (const e of r.entry as Json[]) if (e.resource) records.push({ name: `${name} ${String((e.resource as Json).resourceType)}/${String((e.resource as Json).id)}`, resource: e.resource as Json });
      }
    };
    const page = await stack.fhir('/Patient?active=true&_count=50');
    assert.equal(page.status, 200, page.text);
    add('Patient page', page.body);
    const ids = ((page.body as Json).entry as Json[]).slice(0, 8).map((e) => String((e.resource as Json).id));
    for (const id of ids) {
      const all = await stack.fhir(`/Patient/${id}/$everything`);
      assert.equal(all.status, 200, all.text);
      add(`Patient/${id}/$everything`, all.body);
    }
    for (const path of ['/metadata', '/Practitioner?_count=20', '/Patient/999999999']) add(path, (await stack.fhir(path)).body);
    const practitioner = records.find((r) => r.resource.resourceType === 'Practitioner')?.resource.id;
    for (const path of [`/Schedule?actor=Practitioner/${String(practitioner)}`, `/Slot?schedule.actor=Practitioner/${String(practitioner)}&start=ge2026-03-02&start=lt2026-03-09`]) {
      const r = await stack.fhir(path);
      if (r.status === 200) add(path, r.body);
    }
  });
  after(async () => { await stack.close(); });

  it('every record is clean for both, and there are records of each type the facade serves', () => {
    const tally = newTally();
    const list = disagreements(records, tally);
    assert.equal(list.length, 0, shown(list));
    const types = new Set(records.map((r) => String(r.resource.resourceType)));
    for (const type of ['Patient', 'Practitioner', 'Appointment', 'AllergyIntolerance', 'Immunization', 'DocumentReference', 'Bundle', 'CapabilityStatement', 'OperationOutcome']) {
      assert.ok(types.has(type), `no ${type} in the corpus`);
    }
    // strict mode: whatever the facade answered passed validation, so nothing here is broken
    assert.equal(tally.broken, 0);
  });

  it('copies of one record of each type are judged alike', () => {
    const picked = new Map<string, Json[]>();
    for (const { resource } of records) {
      const type = String(resource.resourceType);
      const list = picked.get(type) ?? [];
      // Bundles of many entries are left whole (their entries are picked on their own)
      if (list.length < 1 && !(type === 'Bundle' && Array.isArray(resource.entry) && resource.entry.length > 3)) list.push(resource);
      picked.set(type, list);
    }
    const tally = newTally();
    const corpus = [...picked.values()].flat().flatMap((r) => mutantsOf(r, `${String(r.resourceType)}/${String(r.id)}`));
    const list = disagreements(corpus, tally);
    assert.equal(list.length, 0, shown(list));
    assert.ok(tally.broken > 2000, `broken: ${tally.broken}`);
  });
});
