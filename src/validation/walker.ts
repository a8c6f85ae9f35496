// The whole validation of one resource: the compiled R4 schema validator for its type, then a
// walk over every node, typed by the type table, for what JSON Schema cannot say:
//   - empty strings, arrays and objects anywhere (FHIR forbids them);
//   - real calendar dates, integer ranges, xhtml and base64 in primitives;
//   - min-1 primitive elements and choice-type exclusivity (deceasedBoolean + deceasedDateTime);
//   - required bindings the schema leaves as plain codes or CodeableConcepts;
//   - profile rules and invariants (profiles/rules) at their context;
//   - nested resources (contained, Bundle.entry.resource, ...) validated by their own type.
// Hot path: plain loops and one mutable path stack, no closures (tsx wraps every closure it
// creates in a naming helper, which tripled the cost per node).
import type { ValidateFunction } from 'ajv';
import { findingsFromAjv } from './ajv-issues.js';
import { elementPathOf, isObject, toExpression } from './json-path.js';
import {
  base64Problem,
  calendarProblem,
  DATE_TYPES,
  integerProblem,
  mimeProblem,
  NUMERIC_TYPES,
  xhtmlProblem,
} from './primitives.js';
import { applyRules, type Rule, type RuleScope } from './profile-rules.js';
import { RESOURCE, type Binding, type TypeEntry, type TypeTable } from './schema-types.js';
import type { Finding, JsonObject, JsonPath } from './types.js';

export interface Runtime {
  validators: Record<string, ValidateFunction | undefined>;
  typeTable: TypeTable;
  rules: Map<string, Rule[]>;
}

interface Scope extends RuleScope {
  /** depth of the current resource's root in the path stack */
  depth: number;
}

const MAX_LISTED_CODES = 25;

/** Per definition: JSON property → index of its choice group (built once per type table). */
const choiceIndex = new WeakMap<TypeEntry, Map<string, number>>();
function choiceGroupsOf(entry: TypeEntry): Map<string, number> {
  let map = choiceIndex.get(entry);
  if (!map) {
    map = new Map();
    for (let g = 0; g < entry.choices.length; g++) {
      for (const prop of entry.choices[g]!.props) {
        map.set(prop, g);
        map.set(`_${prop}`, g);
      }
    }
    choiceIndex.set(entry, map);
  }
  return map;
}

// Element paths (Patient.name.given) by parent path and key, built once: a path built afresh for
// every node is a new string to hash at each rule lookup. Bounded: incoming bodies can nest
// elements (extensions in extensions…) into ever new paths, which are then built each time.
const CHILD_PATHS = new Map<string, Map<string, string>>();
const MAX_CHILD_PATHS = 20_000;
let childPaths = 0;

/** `parent.key`, without the `_` of a primitive's extension key. */
function childPath(parent: string, key: string): string {
  const byKey = CHILD_PATHS.get(parent);
  const known = byKey?.get(key);
  if (known !== undefined) return known;
  const path = elementPathOf(parent, key);
  if (childPaths < MAX_CHILD_PATHS) {
    childPaths++;
    if (byKey) byKey.set(key, path);
    else CHILD_PATHS.set(parent, new Map([[key, path]]));
  }
  return path;
}

function presentIn(node: JsonObject, prop: string): boolean {
  return node[prop] !== undefined || node[`_${prop}`] !== undefined;
}

function allowedCodes(binding: Binding): string {
  const codes: string[] = [];
  for (const inc of binding.include) codes.push(...inc.codes);
  const shown = codes.slice(0, MAX_LISTED_CODES).join(' | ');
  return codes.length > MAX_LISTED_CODES ? `${shown} | … (${codes.length} codes)` : shown;
}

export class Walker {
  readonly findings: Finding[] = [];
  /** location of the current node; copied only when a finding is made */
  private readonly path: JsonPath = [];

  constructor(private readonly rt: Runtime) {}

  private issue(scope: Scope, at: JsonPath, code: Finding['code'], message: string, drop: JsonPath[] | null, rule?: string): void {
    const f: Finding = { severity: 'error', code, expression: toExpression(scope.root, at), message, path: at, drop };
    if (rule) f.rule = rule;
    this.findings.push(f);
  }

  /** the current location plus `extra`, as a new array */
  private here(...extra: (string | number)[]): JsonPath {
    return extra.length === 0 ? this.path.slice() : [...this.path, ...extra];
  }

  /** Validate the resource at the current path (empty for the top-level one). */
  resource(node: unknown, outer: Scope | undefined, contained: boolean): void {
    const root = outer?.root ?? (isObject(node) && typeof node.resourceType === 'string' ? node.resourceType : 'Resource');
    const at = this.here();
    const drop = at.length > 0 ? [at] : null;
    const fail = (where: JsonPath, code: Finding['code'], message: string): void => {
      this.findings.push({ severity: 'error', code, expression: toExpression(root, where), message, path: where, drop });
    };
    if (!isObject(node)) return fail(at, 'structure', 'A resource must be a JSON object');
    const type = node.resourceType;
    if (typeof type !== 'string') return fail([...at, 'resourceType'], 'required', 'resourceType is missing');
    const validate = this.rt.validators[type];
    if (!validate) return fail([...at, 'resourceType'], 'not-supported', `Resource type '${type}' is not supported by this server`);

    const scope: Scope = {
      root,
      resource: node,
      rootResource: contained && outer ? outer.rootResource : node,
      depth: this.path.length,
    };
    // walker findings first: they carry the more specific message when ajv flags the same spot
    this.object(node, type, type, scope);
    if (contained) this.applyContext('ContainedResource', node, scope);
    if (!validate(node)) this.findings.push(...findingsFromAjv(validate.errors, node, root, at));
  }

  private applyContext(context: string, node: JsonObject, scope: Scope): void {
    const rules = this.rt.rules.get(context);
    if (rules) applyRules(rules, node, this.path, scope, this.findings);
  }

  /** A complex node of definition `def`; `elementPath` is where it sits (e.g. Patient.identifier). */
  private object(node: JsonObject, def: string, elementPath: string, scope: Scope): void {
    const entry = this.rt.typeTable[def];
    if (!entry) return;
    const path = this.path;
    const choiceGroups = entry.choices.length > 0 ? choiceGroupsOf(entry) : undefined;
    let choiceSeen: (string | undefined)[] | undefined;
    let keyCount = 0;

    for (const key in node) {
      const value = node[key];
      // JSON has no undefined: a member holding it is not written, so it is no content of the node.
      if (value !== undefined) keyCount++;
      const info = entry.props[key];
      if (!info) continue; // unknown element: reported by the schema validator
      // Only a complex child (or an array of them) is walked with its element path: a primitive's
      // path is never looked up, and most children are primitives.
      const childElement = typeof value === 'object' && value !== null ? childPath(elementPath, key) : elementPath;
      if (choiceGroups) {
        const g = choiceGroups.get(key);
        if (g !== undefined) {
          choiceSeen ??= [];
          const member = key.charCodeAt(0) === 95 ? key.slice(1) : key;
          const first = choiceSeen[g];
          if (first === undefined) choiceSeen[g] = member;
          else if (first !== member) {
            const group = entry.choices[g]!;
            this.issue(scope, this.here(key), 'structure', `Only one of ${first}, ${member} may be present (${group.name})`, [this.here(key)]);
          }
        }
      }
      path.push(key);
      if (info.a) {
        if (Array.isArray(value)) {
          if (value.length === 0) this.issue(scope, this.here(), 'value', 'Empty arrays are not allowed in FHIR', [this.here()]);
          const nullable = key.charCodeAt(0) === 95; // `_given: [null, {...}]` keeps primitive arrays aligned
          for (let i = 0; i < value.length; i++) {
            // an undefined item (or a hole) is written null, as JSON.stringify writes it
            const item: unknown = value[i] === undefined ? null : value[i];
            if (item === null && nullable) continue;
            path.push(i);
            this.value(item, info.t, childElement, scope, key);
            path.pop();
          }
        }
      } else {
        this.value(value, info.t, childElement, scope, key);
      }
      path.pop();
    }
    if (keyCount === 0) {
      this.issue(scope, this.here(), 'value', 'Empty objects are not allowed in FHIR', path.length > 0 ? [this.here()] : null);
      return;
    }

    for (const name of entry.required) this.required(node, entry, name, scope);
    for (const prop in entry.bindings) {
      if (node[prop] !== undefined) this.binding(node[prop], entry.bindings[prop]!, prop, scope, def === 'CapabilityStatement' && prop === 'format');
    }
    if (path.length === scope.depth && 'text' in entry.props) this.applyContext('DomainResource', node, scope);
    this.applyContext(entry.path, node, scope);
    if (elementPath !== entry.path) this.applyContext(elementPath, node, scope);
  }

  private value(value: unknown, type: string, elementPath: string, scope: Scope, key: string): void {
    if (value === '') return this.issue(scope, this.here(), 'value', 'Empty strings are not allowed in FHIR', [this.here()]);
    if (type === RESOURCE) return this.resource(value, scope, key === 'contained');
    if (type === 'xhtml') {
      const p = xhtmlProblem(value);
      if (p) this.issue(scope, this.here(), 'value', `Narrative div ${p.message}`, [this.here()], p.rule);
      return;
    }
    if (this.rt.typeTable[type]) {
      if (isObject(value)) this.object(value, type, elementPath, scope);
      // The schema's object definitions carry no `type: object` (profiles/README.md, what the R4
      // schema misses), so a null, an array or a primitive where a complex element belongs is
      // caught here or nowhere. `undefined` is absent, as for the schema (JSON has no undefined).
      else if (value !== undefined) this.issue(scope, this.here(), 'structure', 'Element must be a JSON object', [this.here()]);
      return;
    }
    if (typeof value === 'string') {
      const problem = DATE_TYPES.has(type) ? calendarProblem(value) : type === 'base64Binary' ? base64Problem(value) : undefined;
      if (problem) this.issue(scope, this.here(), 'value', `Value ${problem}`, [this.here()]);
      return;
    }
    if (typeof value === 'number') {
      const problem = NUMERIC_TYPES.has(type) ? integerProblem(type, value) : undefined;
      if (problem) this.issue(scope, this.here(), 'value', `Value ${problem}`, [this.here()]);
    }
  }

  private required(node: JsonObject, entry: TypeEntry, name: string, scope: Scope): void {
    if (name.endsWith('[x]')) {
      const group = entry.choices.find((c) => c.name === name);
      if (group) for (const prop of group.props) if (presentIn(node, prop)) return;
    } else if (presentIn(node, name)) return;
    const parent = this.path.length > 0 ? [this.here()] : null;
    this.issue(scope, this.here(name), 'required', `Required element '${name}' is missing`, parent);
  }

  private binding(value: unknown, binding: Binding, prop: string, scope: Scope, shortMime: boolean): void {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) this.bindingItem(value[i], binding, [...this.path, prop, i], scope, shortMime);
    } else {
      this.bindingItem(value, binding, [...this.path, prop], scope, shortMime);
    }
  }

  private bindingItem(item: unknown, binding: Binding, at: JsonPath, scope: Scope, shortMime: boolean): void {
    if (binding.kind === 'mime') {
      const problem = mimeProblem(item, shortMime);
      if (problem) this.issue(scope, at, 'code-invalid', `Value ${problem} (${binding.valueSet})`, [at]);
      return;
    }
    if (binding.kind === 'code') {
      if (typeof item !== 'string') return;
      for (const inc of binding.include) if (inc.codes.includes(item)) return;
      this.issue(scope, at, 'code-invalid', `Code is not in ${binding.valueSet}; allowed codes: ${allowedCodes(binding)}`, [at]);
      return;
    }
    const codings: unknown[] = binding.kind === 'Coding' ? [item] : isObject(item) && Array.isArray(item.coding) ? item.coding : [];
    let fromBoundSystem = false;
    for (let i = 0; i < codings.length; i++) {
      const c = codings[i];
      if (!isObject(c)) continue;
      const inc = binding.include.find((x) => x.system === c.system);
      if (!inc) continue;
      fromBoundSystem = true;
      if (typeof c.code === 'string' && inc.codes.includes(c.code)) continue;
      const codePath = binding.kind === 'Coding' ? [...at, 'code'] : [...at, 'coding', i, 'code'];
      this.issue(scope, codePath, 'code-invalid', `Code is not in ${binding.valueSet}; allowed codes: ${allowedCodes(binding)}`, [at]);
    }
    if (!fromBoundSystem) {
      const systems = binding.include.map((x) => x.system).join(' or ');
      this.issue(scope, at, 'code-invalid', `Must have a coding from ${binding.valueSet} (system ${systems}; codes: ${allowedCodes(binding)})`, [at]);
    }
  }
}

/** Dedupe: one finding per location (invariants: per location and key), first one wins. */
export function dedupe(findings: Finding[]): Finding[] {
  if (findings.length < 2) return findings;
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = f.code === 'invariant' ? `${f.expression}#${f.rule ?? ''}` : f.expression;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}

export function collectFindings(rt: Runtime, resource: unknown): Finding[] {
  const walker = new Walker(rt);
  walker.resource(resource, undefined, false);
  return dedupe(walker.findings);
}
