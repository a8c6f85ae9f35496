// Profile rules as data (profiles/rules/*.json): CA Baseline constraints and the R4 invariants
// the JSON schema cannot express. Each rule names a context, an FHIR element path such as
// `Patient.identifier` or a data type such as `Period`; the walker calls applyRules() on every
// node whose element path or type path matches. See profiles/rules/README.md for the format.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { INVARIANTS, type InvariantEnv } from './invariants.js';
import { isObject, toExpression } from './json-path.js';
import type { Finding, JsonObject, JsonPath } from './types.js';

interface RuleBase {
  id: string;
  context: string | string[];
  severity?: 'error' | 'warning';
  source: string;
}
type Where = { path: string; equals: string } | { path: string; hasCoding: { system: string; code: string } };
export interface RequiredRule extends RuleBase {
  type: 'required';
  element: string;
  where?: Where;
  message?: string;
}
export interface InvariantRule extends RuleBase {
  type: 'invariant';
  human: string;
  expression: string;
  /** predicate to use when it is not the one named by id (same logic, other params) */
  check?: string;
  params?: Record<string, unknown>;
  /** child elements (dotted, relative) whose removal repairs the node; default: the node itself */
  drop?: string[];
}
export interface ExtensionRule extends RuleBase {
  type: 'extension';
  url: string;
  /** the value[x] property the extension must carry, e.g. valueString */
  value: string;
  max?: number;
  /** elements required inside a valueCoding */
  codingRequires?: string[];
}
export type Rule = RequiredRule | InvariantRule | ExtensionRule;
export interface RuleFile {
  title: string;
  source: string;
  notes?: string[];
  rules: Rule[];
}

export const RULES_DIR = fileURLToPath(new URL('../../profiles/rules/', import.meta.url));

/** Read every rule file; throws on an invariant without code, so a typo cannot disable a rule. */
export function loadRules(dir: string = RULES_DIR): Map<string, Rule[]> {
  const byContext = new Map<string, Rule[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const parsed = JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as RuleFile;
    for (const rule of parsed.rules) {
      if (rule.type === 'invariant' && !INVARIANTS[rule.check ?? rule.id]) {
        throw new Error(`${file}: invariant ${rule.id} has no implementation in invariants.ts`);
      }
      for (const ctx of Array.isArray(rule.context) ? rule.context : [rule.context]) {
        const list = byContext.get(ctx) ?? [];
        list.push(rule);
        byContext.set(ctx, list);
      }
    }
  }
  return byContext;
}

// The parts of each dotted path of a rule (`where.path`, `drop`), split once: valuesAt runs for
// every node a rule applies to. Bounded by the rule files.
const PATH_PARTS = new Map<string, readonly string[]>();

function partsOf(dotted: string): readonly string[] {
  let parts = PATH_PARTS.get(dotted);
  if (!parts) {
    parts = dotted.split('.');
    PATH_PARTS.set(dotted, parts);
  }
  return parts;
}

const NO_VALUES: readonly unknown[] = [];

/** The values at `dotted` below `node`, arrays flattened; read only (it can be the node's own array). */
function valuesAt(node: JsonObject, dotted: string): readonly unknown[] {
  const parts = partsOf(dotted);
  if (parts.length === 1) {
    // Nearly every rule path is one element: its value, without building arrays.
    const x = node[parts[0]!];
    return Array.isArray(x) ? x : x === undefined ? NO_VALUES : [x];
  }
  let values: unknown[] = [node];
  for (const part of parts) {
    const next: unknown[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!isObject(v)) continue;
      const x = v[part];
      if (Array.isArray(x)) for (let j = 0; j < x.length; j++) next.push(x[j]);
      else if (x !== undefined) next.push(x);
    }
    values = next;
  }
  return values;
}

/** `cc.coding` holds a Coding of `system` and `code` */
function codingIn(cc: unknown, system: string, code: string): boolean {
  if (!isObject(cc)) return false;
  const coding = cc.coding;
  if (!Array.isArray(coding)) return isObject(coding) && coding.system === system && coding.code === code;
  for (let i = 0; i < coding.length; i++) {
    const c: unknown = coding[i];
    if (isObject(c) && c.system === system && c.code === code) return true;
  }
  return false;
}

function matches(node: JsonObject, where: Where | undefined): boolean {
  if (!where) return true;
  if ('equals' in where) return valuesAt(node, where.path).includes(where.equals);
  const { system, code } = where.hasCoding;
  const parts = partsOf(where.path);
  // one element (every rule file's case): read it in place rather than as a list of values
  const values = parts.length === 1 ? node[parts[0]!] : valuesAt(node, where.path);
  if (!Array.isArray(values)) return codingIn(values, system, code);
  for (let i = 0; i < values.length; i++) if (codingIn(values[i], system, code)) return true;
  return false;
}

/** present = has a value or, for a primitive, at least its `_element` extension part */
function present(node: JsonObject, element: string): boolean {
  if (!element.endsWith('[x]')) return node[element] !== undefined || node[`_${element}`] !== undefined;
  const base = element.slice(0, -3);
  for (const k in node) {
    const name = k.charCodeAt(0) === 95 ? k.slice(1) : k;
    if (name.length > base.length && name.startsWith(base) && /[A-Z]/.test(name.charAt(base.length))) return true;
  }
  return false;
}

export interface RuleScope {
  /** FHIRPath root name of the validated resource, e.g. `Patient` */
  root: string;
  resource: JsonObject;
  rootResource: JsonObject;
}

/** Apply `rules` to one node at `path` (read now, copied into findings); findings go to `out`. */
export function applyRules(rules: readonly Rule[], node: JsonObject, path: JsonPath, scope: RuleScope, out: Finding[]): void {
  for (const rule of rules) {
    const severity = rule.severity ?? 'error';
    if (rule.type === 'required') {
      if (!matches(node, rule.where) || present(node, rule.element)) continue;
      const at = [...path, rule.element];
      out.push({
        severity,
        code: 'required',
        expression: toExpression(scope.root, at),
        message: rule.message ?? `Required element '${rule.element}' is missing (${rule.source})`,
        rule: rule.id,
        path: at,
        drop: path.length > 0 ? [path.slice()] : null,
      });
    } else if (rule.type === 'invariant') {
      const env: InvariantEnv = { resource: scope.resource, rootResource: scope.rootResource, path, params: rule.params ?? {} };
      if (INVARIANTS[rule.check ?? rule.id]!(node, env)) continue;
      const repairs: JsonPath[] = [];
      for (const d of rule.drop ?? []) if (valuesAt(node, d).length > 0) repairs.push([...path, ...d.split('.')]);
      out.push({
        severity,
        code: 'invariant',
        expression: toExpression(scope.root, path),
        message: `${rule.id}: ${rule.human}`,
        rule: rule.id,
        path: path.slice(),
        drop: repairs.length > 0 ? repairs : path.length > 0 ? [path.slice()] : null,
      });
    } else {
      applyExtensionRule(rule, severity, node, path, scope, out);
    }
  }
}

/** What is wrong with the `count`th extension of `rule.url` on a node, or undefined when nothing is. */
function extensionFault(rule: ExtensionRule, ext: JsonObject, count: number): { code: Finding['code']; below: JsonPath; message: string } | undefined {
  if (rule.max !== undefined && count > rule.max) {
    return { code: 'structure', below: [], message: `Extension ${rule.url} is allowed at most ${rule.max} time(s) here (${rule.source})` };
  }
  const value = ext[rule.value];
  if (value === undefined) return { code: 'required', below: [rule.value], message: `Extension ${rule.url} must carry ${rule.value} (${rule.source})` };
  const missing = (rule.codingRequires ?? []).find((field) => !isObject(value) || value[field] === undefined);
  if (missing) return { code: 'required', below: [rule.value, missing], message: `Extension ${rule.url}: ${rule.value}.${missing} is required (${rule.source})` };
  return undefined;
}

function extensionRuleHolds(rule: ExtensionRule, node: JsonObject): boolean {
  if (!Array.isArray(node.extension)) return true;
  let count = 0;
  for (let i = 0; i < node.extension.length; i++) {
    const ext: unknown = node.extension[i];
    if (!isObject(ext) || ext.url !== rule.url) continue;
    count += 1;
    if (extensionFault(rule, ext, count)) return false;
  }
  return true;
}

function applyExtensionRule(
  rule: ExtensionRule,
  severity: 'error' | 'warning',
  node: JsonObject,
  path: JsonPath,
  scope: RuleScope,
  out: Finding[],
): void {
  if (!Array.isArray(node.extension)) return;
  let count = 0;
  for (let i = 0; i < node.extension.length; i++) {
    const ext: unknown = node.extension[i];
    if (!isObject(ext) || ext.url !== rule.url) continue;
    count += 1;
    const fault = extensionFault(rule, ext, count);
    if (!fault) continue;
    const extPath = [...path, 'extension', i];
    const at = [...extPath, ...fault.below];
    out.push({ severity, code: fault.code, expression: toExpression(scope.root, at), message: fault.message, rule: rule.id, path: at, drop: [extPath] });
  }
}

const NO_PARAMS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** One rule as yes/no: true when applyRules would report nothing for it (warnings included). */
export type RuleCheck = (node: JsonObject, env: InvariantEnv) => boolean;

/**
 * The check of one rule, made once at load for the fast check (fast-check.ts). Each check reads
 * only its own rule's fields: rules read from JSON come in many shapes, and reading them per node
 * (rule.type, rule.where…) cost more than the checks themselves.
 */
export function ruleCheck(rule: Rule): RuleCheck {
  if (rule.type === 'invariant') {
    const predicate = INVARIANTS[rule.check ?? rule.id]!;
    const params = rule.params ?? NO_PARAMS;
    return (node, env) => {
      env.params = params;
      return predicate(node, env);
    };
  }
  if (rule.type === 'extension') return (node) => extensionRuleHolds(rule, node);
  const { element, where } = rule;
  if (element.endsWith('[x]')) return (node) => present(node, element) || !matches(node, where);
  const twin = `_${element}`;
  if (!where) return (node) => node[element] !== undefined || node[twin] !== undefined;
  return (node) => node[element] !== undefined || node[twin] !== undefined || !matches(node, where);
}
