// The common case, asked first: would the full validation (walker.ts: the schema validator plus
// the typed walk) find nothing at all, errors or warnings? Nearly every resource we send is
// valid, and the full walk pays for being able to say where and why: a path stack copied into
// each finding, element paths looked up per node, rules looked up by context, and ajv's own
// bookkeeping (schema-checks.ts). This check walks each node once, with the schema's checks and
// the walker's, from plans made once per (definition, element path), and answers yes or no,
// stopping at the first problem. On "no" the caller runs the full walk,
// so the findings are exactly the full walk's; a "yes" must therefore never be wrong, and
// test/validation/fast-check.test.ts compares the two over a corpus of valid and broken resources.
// Same house rule as walker.ts: plain loops and class methods, no closures on the hot path.
import type { InvariantEnv } from './invariants.js';
import { elementPathOf, isObject } from './json-path.js';
import { base64Problem, calendarProblem, DATE_TYPES, integerProblem, mimeProblem, NUMERIC_TYPES, xhtmlProblem } from './primitives.js';
import { ruleCheck, type Rule, type RuleCheck } from './profile-rules.js';
import { NEVER_VALUE, SchemaChecks, valueHolds, type ValueCheck } from './schema-checks.js';
import { RESOURCE, type Binding, type JsonSchemaDef, type TypeEntry } from './schema-types.js';
import type { JsonObject, JsonPath } from './types.js';
import type { Runtime } from './walker.js';

// What the walker's value() does with a child, decided once per property.
const COMPLEX = 0;
const NESTED_RESOURCE = 1;
const XHTML = 2;
const DATE = 3;
const BASE64 = 4;
const NUMBER = 5;
const OTHER = 6;

interface ChildPlan {
  kind: number;
  /** the JSON property is an array */
  array: boolean;
  /** `_given: [null, {...}]`: a primitive's extension array may hold nulls */
  nullable: boolean;
  /** FHIR type, for the primitive checks */
  type: string;
  /** plan of a complex child (COMPLEX only) */
  node: NodePlan | undefined;
  /** the property is `contained` (NESTED_RESOURCE only) */
  contained: boolean;
  /** index of its choice group, or -1 */
  group: number;
  /** its choice member name, `_` left off */
  member: string;
  /** the schema: the value must be an array */
  mustBeArray: boolean;
  /** the schema: the value, or each item of an array */
  check: ValueCheck;
}

interface BindingPlan {
  prop: string;
  binding: Binding;
  /** kind 'code': every allowed code */
  codes: Set<string>;
  /** Coding / CodeableConcept: the allowed codes of the first include of each system (as the walker's find) */
  bySystem: Map<string, Set<string>>;
  shortMime: boolean;
}

interface NodePlan {
  /** the schema: keys it does not know are refused */
  closed: boolean;
  /** the schema's required keys */
  present: string[];
  /** the schema says something the fast check does not read: never clean */
  never: boolean;
  children: Map<string, ChildPlan>;
  groups: number;
  /** per required element: the JSON keys, any of which present satisfies it (none: always missing) */
  required: string[][];
  bindings: BindingPlan[];
  /** rules of the node's type path, element path and (resource roots) DomainResource, in one list */
  rules: RuleCheck[];
}

export interface FastPlans {
  roots: Map<string, NodePlan>;
  contained: RuleCheck[];
}

const NO_RULES: Rule[] = [];

/** Every plan the runtime's resources can need, made once at load. */
export function buildPlans(rt: Runtime, definitions: Record<string, JsonSchemaDef>): FastPlans {
  const schema = new SchemaChecks(definitions);
  // An element path can pick up rules only when it is a rule context or leads to one; below
  // any other path only the type paths' rules apply, so one plan per definition serves them all
  // (and extensions nested without end do not make ever new plans).
  const leadsToRules = new Set<string>();
  for (const context of rt.rules.keys()) {
    const parts = context.split('.');
    for (let i = 1; i <= parts.length; i++) leadsToRules.add(parts.slice(0, i).join('.'));
  }
  const made = new Map<string, NodePlan>();
  const checks = new Map<Rule, RuleCheck>();
  const checksOf = (context: string): RuleCheck[] =>
    (rt.rules.get(context) ?? NO_RULES).map((rule) => {
      let check = checks.get(rule);
      if (!check) checks.set(rule, (check = ruleCheck(rule)));
      return check;
    });

  const planOf = (def: string, elementPath: string | undefined, resourceRoot: boolean): NodePlan | undefined => {
    const entry = rt.typeTable[def];
    if (!entry) return undefined;
    const key = `${def}|${elementPath ?? ''}|${resourceRoot ? 'root' : ''}`;
    const known = made.get(key);
    if (known) return known;
    const { closed, required: present, never } = schema.object(def);
    const plan: NodePlan = { closed, present, never, children: new Map(), groups: entry.choices.length, required: [], bindings: [], rules: [] };
    made.set(key, plan);
    const choiceOf = new Map<string, number>();
    entry.choices.forEach((c, g) => c.props.forEach((p) => { choiceOf.set(p, g); choiceOf.set(`_${p}`, g); }));
    for (const [prop, info] of Object.entries(entry.props)) {
      const nullable = prop.charCodeAt(0) === 95;
      const { array: mustBeArray, item: check } = schema.prop(def, prop);
      const child: ChildPlan = {
        kind: kindOf(info.t, rt),
        array: info.a,
        nullable,
        type: info.t,
        node: undefined,
        contained: prop === 'contained',
        group: choiceOf.get(prop) ?? -1,
        member: nullable ? prop.slice(1) : prop,
        mustBeArray,
        check,
      };
      // an object definition the walker has no entry for would go unread here, while ajv reads it
      if (child.kind === OTHER && definitions[info.t]?.properties) child.check = NEVER_VALUE;
      if (child.kind === COMPLEX) {
        const path = elementPath === undefined ? undefined : elementPathOf(elementPath, prop);
        child.node = planOf(info.t, path !== undefined && leadsToRules.has(path) ? path : undefined, false);
      }
      plan.children.set(prop, child);
    }
    for (const name of entry.required) plan.required.push(keysSatisfying(entry, name));
    for (const [prop, binding] of Object.entries(entry.bindings)) {
      plan.bindings.push(bindingPlan(prop, binding, def === 'CapabilityStatement' && prop === 'format'));
    }
    if (resourceRoot && 'text' in entry.props) plan.rules.push(...checksOf('DomainResource'));
    plan.rules.push(...checksOf(entry.path));
    if (elementPath !== undefined && elementPath !== entry.path) plan.rules.push(...checksOf(elementPath));
    return plan;
  };

  const roots: FastPlans['roots'] = new Map();
  for (const [type, validate] of Object.entries(rt.validators)) {
    const plan = validate && planOf(type, type, true);
    if (plan) roots.set(type, plan);
  }
  return { roots, contained: checksOf('ContainedResource') };
}

function kindOf(type: string, rt: Runtime): number {
  if (type === RESOURCE) return NESTED_RESOURCE;
  if (type === 'xhtml') return XHTML;
  if (DATE_TYPES.has(type)) return DATE;
  if (type === 'base64Binary') return BASE64;
  if (NUMERIC_TYPES.has(type)) return NUMBER;
  return rt.typeTable[type] ? COMPLEX : OTHER;
}

/** The walker's required(): a choice is present through any member; a plain element or its `_` twin. */
function keysSatisfying(entry: TypeEntry, name: string): string[] {
  if (!name.endsWith('[x]')) return [name, `_${name}`];
  const group = entry.choices.find((c) => c.name === name);
  return group ? group.props.flatMap((p) => [p, `_${p}`]) : [];
}

function bindingPlan(prop: string, binding: Binding, shortMime: boolean): BindingPlan {
  const bySystem = new Map<string, Set<string>>();
  for (const inc of binding.include) if (!bySystem.has(inc.system)) bySystem.set(inc.system, new Set(inc.codes));
  return { prop, binding, codes: new Set(binding.include.flatMap((inc) => inc.codes)), bySystem, shortMime };
}

/** One check at a time; reusable, not reentrant. */
export class FastCheck {
  private readonly path: JsonPath = [];
  private readonly env: InvariantEnv = { resource: {}, rootResource: {}, path: this.path, params: {} };

  constructor(private readonly plans: FastPlans) {}

  /** True only when the full validation would find nothing. */
  clean(resource: unknown): boolean {
    this.path.length = 0;
    return this.resource(resource, undefined, false);
  }

  private resource(node: unknown, rootResource: JsonObject | undefined, contained: boolean): boolean {
    if (!isObject(node) || typeof node.resourceType !== 'string') return false;
    const plan = this.plans.roots.get(node.resourceType);
    if (!plan) return false;
    const top = contained && rootResource ? rootResource : node;
    return this.object(node, plan, node, top) && (!contained || this.rules(this.plans.contained, node, node, top));
  }

  private rules(checks: readonly RuleCheck[], node: JsonObject, resource: JsonObject, rootResource: JsonObject): boolean {
    if (checks.length === 0) return true;
    const env = this.env;
    env.resource = resource;
    env.rootResource = rootResource;
    for (let i = 0; i < checks.length; i++) if (!checks[i]!(node, env)) return false;
    return true;
  }

  private object(node: JsonObject, plan: NodePlan, resource: JsonObject, rootResource: JsonObject): boolean {
    if (plan.never) return false;
    const path = this.path;
    let seen: (string | undefined)[] | undefined;
    let keys = 0;
    for (const key in node) {
      keys++;
      const child = plan.children.get(key);
      if (child === undefined) {
        if (plan.closed) return false;
        continue;
      }
      if (child.group >= 0) {
        seen ??= new Array<string | undefined>(plan.groups);
        const first = seen[child.group];
        if (first === undefined) seen[child.group] = child.member;
        else if (first !== child.member) return false;
      }
      const value = node[key];
      // the schema's checks of the value (ajv skips a property whose value is undefined)
      if (value !== undefined) {
        if (!Array.isArray(value)) {
          if (child.mustBeArray || !valueHolds(value, child.check)) return false;
        } else if (child.mustBeArray) {
          for (let i = 0; i < value.length; i++) if (!valueHolds(value[i], child.check)) return false;
        } else if (!valueHolds(value, child.check)) {
          return false;
        }
      }
      path.push(key);
      if (child.array) {
        if (Array.isArray(value)) {
          if (value.length === 0) return false;
          for (let i = 0; i < value.length; i++) {
            const item: unknown = value[i];
            if (item === null && child.nullable) continue;
            path.push(i);
            if (!this.value(item, child, resource, rootResource)) return false;
            path.pop();
          }
        }
      } else if (!this.value(value, child, resource, rootResource)) {
        return false;
      }
      path.pop();
    }
    if (keys === 0) return false;
    for (let r = 0; r < plan.present.length; r++) if (node[plan.present[r]!] === undefined) return false;
    for (let r = 0; r < plan.required.length; r++) if (!anyPresent(node, plan.required[r]!)) return false;
    for (let b = 0; b < plan.bindings.length; b++) {
      const binding = plan.bindings[b]!;
      const value = node[binding.prop];
      if (value === undefined) continue;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!bindingHolds(value[i], binding)) return false;
      } else if (!bindingHolds(value, binding)) {
        return false;
      }
    }
    return this.rules(plan.rules, node, resource, rootResource);
  }

  private value(value: unknown, child: ChildPlan, resource: JsonObject, rootResource: JsonObject): boolean {
    if (value === '') return false;
    switch (child.kind) {
      case NESTED_RESOURCE:
        return this.resource(value, rootResource, child.contained);
      case XHTML:
        return xhtmlProblem(value) === undefined;
      case COMPLEX:
        if (value === undefined) return true;
        return isObject(value) && (child.node === undefined || this.object(value, child.node, resource, rootResource));
    }
    if (typeof value === 'string') {
      if (child.kind === DATE) return calendarProblem(value) === undefined;
      if (child.kind === BASE64) return base64Problem(value) === undefined;
      return true;
    }
    if (typeof value === 'number' && child.kind === NUMBER) return integerProblem(child.type, value) === undefined;
    return true;
  }
}

function anyPresent(node: JsonObject, keys: readonly string[]): boolean {
  for (let i = 0; i < keys.length; i++) if (node[keys[i]!] !== undefined) return true;
  return false;
}

/** The walker's bindingItem(), as yes/no. */
function bindingHolds(item: unknown, plan: BindingPlan): boolean {
  const kind = plan.binding.kind;
  if (kind === 'mime') return mimeProblem(item, plan.shortMime) === undefined;
  if (kind === 'code') return typeof item !== 'string' || plan.codes.has(item);
  let codings: unknown[];
  if (kind === 'Coding') codings = [item];
  else if (isObject(item) && Array.isArray(item.coding)) codings = item.coding;
  else return false; // no coding from the bound system
  let fromBoundSystem = false;
  for (let i = 0; i < codings.length; i++) {
    const c = codings[i];
    if (!isObject(c)) continue;
    const codes = plan.bySystem.get(c.system as string);
    if (codes === undefined) continue;
    fromBoundSystem = true;
    if (typeof c.code !== 'string' || !codes.has(c.code)) return false;
  }
  return fromBoundSystem;
}
