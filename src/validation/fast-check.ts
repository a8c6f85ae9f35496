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
import { NEVER_VALUE, passesAll, SchemaChecks, valueHolds, type ValueCheck } from './schema-checks.js';
import { RESOURCE, type Binding, type JsonSchemaDef, type TypeEntry } from './schema-types.js';
import type { JsonObject, JsonPath } from './types.js';
import type { Runtime } from './walker.js';

// What the walker's value() does with a child, decided once per property (the two that hold
// objects first: kind <= NESTED_RESOURCE).
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
  /** false when `check` passes every value (a complex type's $ref): not asked */
  checked: boolean;
  /** the node's requirements (NodePlan.seen) the key meets when its value is not undefined */
  meets: number;
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
  /**
   * One bit per requirement met by a key of the node (a required key of the schema, a required
   * element of the walker, a profile's required element without a condition), all of which must
   * be met by the keys read. A key read is what `node[key] !== undefined` says too, so for the
   * JSON this check is asked about, this is the lookups of each required name it replaces; a key
   * for-in does not list (not enumerable) is missed and the check says no: it costs time, never
   * a finding (the full walk then answers).
   */
  seen: number;
  /** the schema's required keys (those not in `seen`) */
  present: string[];
  /** the schema says something the fast check does not read: never clean */
  never: boolean;
  children: Map<string, ChildPlan>;
  groups: number;
  /** per required element not in `seen`: the JSON keys, any of which present satisfies it (none: always missing) */
  required: string[][];
  bindings: BindingPlan[];
  /** rules of the node's type path, element path and (resource roots) DomainResource, in one list */
  rules: RuleCheck[];
  /** the extension rules among them, apart: each holds when the node has no extension array, read once */
  extensionRules: RuleCheck[];
  /**
   * Required elements with a condition, apart: each holds when a key of the element was read
   * (its bit, not in `seen`); else its rule is asked (the condition, and the element by name).
   */
  conditionalBits: number[];
  conditionalRules: RuleCheck[];
  /**
   * The child plans of the keys last seen at each position (the first SEEN_KEYS): nodes of one
   * shape list their keys in one order, so a key is nearly always the one seen at its position
   * before, found by comparing it with that one instead of looking it up in `children`.
   */
  seenKeys: (string | undefined)[];
  seenChildren: (ChildPlan | undefined)[];
}

const SEEN_KEYS = 24;

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
  const checkOf = (rule: Rule): RuleCheck => {
    let check = checks.get(rule);
    if (!check) checks.set(rule, (check = ruleCheck(rule)));
    return check;
  };
  /** The rules of `context` (of one kind, when asked): extension rules, or the others but those `met` takes. */
  const checksOf = (context: string, extension?: boolean, met?: (rule: Rule) => boolean): RuleCheck[] =>
    (rt.rules.get(context) ?? NO_RULES).filter((rule) => (extension === undefined || (rule.type === 'extension') === extension) && !met?.(rule)).map(checkOf);

  const planOf = (def: string, elementPath: string | undefined, resourceRoot: boolean): NodePlan | undefined => {
    const entry = rt.typeTable[def];
    if (!entry) return undefined;
    const key = `${def}|${elementPath ?? ''}|${resourceRoot ? 'root' : ''}`;
    const known = made.get(key);
    if (known) return known;
    const { closed, required: present, never } = schema.object(def);
    const plan: NodePlan = {
      closed, seen: 0, present: [], never, children: new Map(), groups: entry.choices.length, required: [], bindings: [], rules: [], extensionRules: [], conditionalBits: [], conditionalRules: [],
      seenKeys: new Array<string | undefined>(SEEN_KEYS).fill(undefined), seenChildren: new Array<ChildPlan | undefined>(SEEN_KEYS).fill(undefined),
    };
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
        checked: true,
        meets: 0,
      };
      // an object definition the walker has no entry for would go unread here, while ajv reads it
      if (child.kind === OTHER && definitions[info.t]?.properties) child.check = NEVER_VALUE;
      child.checked = !passesAll(child.check);
      if (child.kind === COMPLEX) {
        const path = elementPath === undefined ? undefined : elementPathOf(elementPath, prop);
        child.node = planOf(info.t, path !== undefined && leadsToRules.has(path) ? path : undefined, false);
      }
      plan.children.set(prop, child);
    }
    // Each requirement whose keys are all children of the plan is met by the keys read (a bit of
    // `seen`); the rest is looked up by name after them, as before.
    let bits = 0;
    /** A bit the children of `keys` set when read, or 0 (a key not a child, or no bit left). */
    const bitFor = (keys: string[]): number => {
      if (bits === 30 || keys.length === 0 || !keys.every((k) => plan.children.has(k))) return 0;
      const bit = 1 << bits++;
      for (const k of keys) plan.children.get(k)!.meets |= bit;
      return bit;
    };
    const requirement = (keys: string[]): boolean => {
      const bit = bitFor(keys);
      plan.seen |= bit;
      return bit !== 0;
    };
    for (const key of present) if (!requirement([key])) plan.present.push(key);
    for (const name of entry.required) {
      const keys = keysSatisfying(entry, name);
      if (!requirement(keys)) plan.required.push(keys);
    }
    for (const [prop, binding] of Object.entries(entry.bindings)) {
      plan.bindings.push(bindingPlan(prop, binding, def === 'CapabilityStatement' && prop === 'format'));
    }
    const contexts = [...(resourceRoot && 'text' in entry.props ? ['DomainResource'] : []), entry.path, ...(elementPath !== undefined && elementPath !== entry.path ? [elementPath] : [])];
    // A required element without a condition, not a choice: met by the keys read, as the walker's own required elements.
    // With a condition: apart, asked only when the element was not read.
    const metByKeys = (rule: Rule): boolean => {
      if (rule.type !== 'required' || rule.element.endsWith('[x]')) return false;
      const keys = [rule.element, `_${rule.element}`];
      if (rule.where === undefined) return requirement(keys);
      const bit = bitFor(keys);
      if (bit === 0) return false;
      plan.conditionalBits.push(bit);
      plan.conditionalRules.push(checkOf(rule));
      return true;
    };
    for (const context of contexts) {
      plan.rules.push(...checksOf(context, false, metByKeys));
      plan.extensionRules.push(...checksOf(context, true));
    }
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
    let met = 0;
    let keys = 0;
    /** members whose value is not undefined: those the JSON text holds */
    let written = 0;
    for (const key in node) {
      let child: ChildPlan | undefined;
      if (keys < SEEN_KEYS && plan.seenKeys[keys] === key) {
        child = plan.seenChildren[keys];
      } else {
        child = plan.children.get(key);
        if (keys < SEEN_KEYS) {
          plan.seenKeys[keys] = key;
          plan.seenChildren[keys] = child;
        }
      }
      keys++;
      if (child === undefined) {
        if (plan.closed) return false;
        if (node[key] !== undefined) written++;
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
        written++;
        met |= child.meets;
        if (!Array.isArray(value)) {
          if (child.mustBeArray || (child.checked && !valueHolds(value, child.check))) return false;
        } else if (!child.checked) {
          // nothing to ask of the value or its items
        } else if (child.mustBeArray) {
          for (let i = 0; i < value.length; i++) if (!valueHolds(value[i], child.check)) return false;
        } else if (!valueHolds(value, child.check)) {
          return false;
        }
      }
      // The path is read only by the rules of an object below (env.path): kept for complex
      // children and nested resources, not for primitives.
      const deep = child.kind <= NESTED_RESOURCE;
      if (child.array) {
        if (Array.isArray(value)) {
          if (value.length === 0) return false;
          if (deep) path.push(key);
          for (let i = 0; i < value.length; i++) {
            const item: unknown = value[i];
            // an undefined item (or a hole) is written null: allowed only in a primitive's `_` array
            if (item === null || item === undefined) {
              if (child.nullable) continue;
              return false;
            }
            if (deep) path.push(i);
            if (!this.value(item, child, resource, rootResource)) return false;
            if (deep) path.pop();
          }
          if (deep) path.pop();
        }
      } else if (deep) {
        path.push(key);
        if (!this.value(value, child, resource, rootResource)) return false;
        path.pop();
      } else if (!this.value(value, child, resource, rootResource)) {
        return false;
      }
    }
    if (written === 0) return false;
    if ((met & plan.seen) !== plan.seen) return false;
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
    if (plan.extensionRules.length > 0 && Array.isArray(node.extension) && !this.rules(plan.extensionRules, node, resource, rootResource)) return false;
    const conditional = plan.conditionalBits;
    for (let r = 0; r < conditional.length; r++) {
      if ((met & conditional[r]!) !== 0) continue;
      const env = this.env;
      env.resource = resource;
      env.rootResource = rootResource;
      if (!plan.conditionalRules[r]!(node, env)) return false;
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
