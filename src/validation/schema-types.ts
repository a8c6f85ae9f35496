// A compact map of the FHIR JSON schema: for each definition, its FHIR element path and the type
// of each property. The walker (walker.ts) uses it to know what every node of a resource is
// (a date? a backbone? a contained resource?), which JSON Schema alone cannot tell it.
// Built once at build time and baked into the generated module.

/** Marks a property holding a whole resource (contained, Bundle.entry.resource, ...). */
export const RESOURCE = 'Resource';

export interface PropInfo {
  /** definition name (`HumanName`, `Appointment_Participant`), primitive name (`date`), or RESOURCE */
  t: string;
  /** the JSON property is an array */
  a: boolean;
}

export interface Binding {
  kind: 'code' | 'Coding' | 'CodeableConcept' | 'mime';
  valueSet: string;
  /** allowed codes by code system (for kind 'code' only the codes matter) */
  include: { system: string; codes: string[] }[];
}

export interface ChoiceGroup {
  /** FHIR name with [x], e.g. `deceased[x]` */
  name: string;
  /** JSON property names of its members, e.g. deceasedBoolean, deceasedDateTime */
  props: string[];
}

export interface TypeEntry {
  /** FHIR element path of this definition: `Patient`, `Appointment.participant`, `HumanName` */
  path: string;
  props: Record<string, PropInfo>;
  /** min-1 elements the JSON schema does not require (FHIR names; choices as `occurrence[x]`) */
  required: string[];
  choices: ChoiceGroup[];
  /** required bindings the JSON schema does not enforce, by JSON property name */
  bindings: Record<string, Binding>;
}

export type TypeTable = Record<string, TypeEntry>;

export interface JsonSchemaDef {
  properties?: Record<string, JsonSchemaProp>;
  required?: string[];
  [k: string]: unknown;
}
export interface JsonSchemaProp {
  $ref?: string;
  items?: { $ref?: string; enum?: unknown[] };
  enum?: unknown[];
  const?: unknown;
  type?: string;
  [k: string]: unknown;
}

/** Element rules as vendored in profiles/r4/element-rules.json, keyed by FHIR element path. */
export interface ElementRules {
  required: Record<string, string[]>;
  choices: Record<string, { name: string; types: string[] }[]>;
  bindings: Record<string, Record<string, Binding>>;
  /** contentReference aliases: `Bundle.entry.link` → `Bundle.link` */
  aliases: Record<string, string>;
  /** required bindings to code systems we cannot enumerate (documentation only) */
  unchecked?: string[];
}

const refName = (ref: string | undefined): string | undefined =>
  ref?.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined;

export const isPrimitiveDef = (name: string): boolean => /^[a-z]/.test(name);
const isBackboneDef = (name: string): boolean => name.includes('_');

function propInfo(p: JsonSchemaProp): PropInfo {
  const isArray = p.type === 'array' || p.items !== undefined;
  const ref = refName(isArray ? p.items?.$ref : p.$ref);
  if (ref === 'ResourceList') return { t: RESOURCE, a: isArray };
  if (ref) return { t: ref, a: isArray };
  // inline enums are codes (Patient.gender); `const` is resourceType
  if (p.enum || p.items?.enum) return { t: 'code', a: isArray };
  return { t: 'string', a: isArray };
}

/**
 * Walk the definitions breadth-first from the given roots, giving each definition its FHIR path.
 * Backbone definitions get `<parent path>.<property>` (contentReference aliases resolved, so
 * Bundle.entry.link is known as Bundle.link); data types and resources are their own path.
 * Throws when one definition would get two different paths: the rules would be ambiguous.
 */
export function buildTypeTable(
  definitions: Record<string, JsonSchemaDef>,
  roots: readonly string[],
  rules: ElementRules,
  /** false only while vendoring, before the choice groups are known */
  typeInlineChoices = true,
): TypeTable {
  const table: TypeTable = {};
  const queue: { def: string; path: string }[] = roots.map((r) => ({ def: r, path: r }));
  while (queue.length > 0) {
    const { def, path } = queue.shift()!;
    const existing = table[def];
    if (existing) {
      if (existing.path !== path) throw new Error(`definition ${def} reached as ${existing.path} and ${path}`);
      continue;
    }
    const schemaDef = definitions[def];
    if (!schemaDef) throw new Error(`definition ${def} missing from the schema`);
    // choice members of primitive type are inlined in the schema (pattern + JSON type, no $ref):
    // their FHIR type comes from the StructureDefinition's [x] element
    const choiceTypes = new Map<string, string>();
    for (const c of rules.choices[path] ?? []) for (const t of c.types) choiceTypes.set(choiceProp(c.name, t), t);
    const props: Record<string, PropInfo> = {};
    for (const [name, p] of Object.entries(schemaDef.properties ?? {})) {
      const info = propInfo(p);
      const inline = p.$ref === undefined && p.items === undefined && !p.enum && p.const === undefined;
      if (inline && typeInlineChoices) {
        const fhirType = choiceTypes.get(name);
        if (!fhirType) throw new Error(`${def}.${name}: inline property that is not a known choice member`);
        info.t = fhirType;
      }
      props[name] = info;
      if (info.t === RESOURCE || isPrimitiveDef(info.t) || info.t === 'xhtml') continue;
      const childPath = isBackboneDef(info.t) ? resolveAlias(`${path}.${name}`, rules.aliases) : info.t;
      queue.push({ def: info.t, path: childPath });
    }
    const choices = (rules.choices[path] ?? []).map((c) => ({
      name: c.name,
      props: c.types.map((t) => choiceProp(c.name, t)),
    }));
    table[def] = {
      path,
      props,
      required: rules.required[path] ?? [],
      choices,
      bindings: rules.bindings[path] ?? {},
    };
  }
  return table;
}

function resolveAlias(path: string, aliases: Record<string, string>): string {
  return aliases[path] ?? path;
}

/** `occurrence[x]` + `dateTime` → `occurrenceDateTime` */
export function choiceProp(name: string, type: string): string {
  return name.replace('[x]', '') + type.charAt(0).toUpperCase() + type.slice(1);
}
