// Turning JSON locations into FHIRPath-style expressions, and reading/removing at a location.
import type { JsonObject, JsonPath } from './types.js';

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `['identifier', 0, 'system']` under `Patient` → `Patient.identifier[0].system` */
export function toExpression(root: string, path: JsonPath): string {
  let out = root;
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : `.${seg}`;
  return out;
}

/** Element path of the child `key` of the element at `parent`: `Patient.name` + `_given` → `Patient.name.given`. */
export function elementPathOf(parent: string, key: string): string {
  return `${parent}.${key.charCodeAt(0) === 95 /* _ */ ? key.slice(1) : key}`;
}

/** Parse an ajv instancePath (`/name/0/given`) against the instance, so array indexes become numbers. */
export function fromPointer(pointer: string, instance: unknown): JsonPath {
  if (pointer === '') return [];
  const out: JsonPath = [];
  let node = instance;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(seg)) {
      const i = Number(seg);
      out.push(i);
      node = node[i];
    } else {
      out.push(seg);
      node = isObject(node) ? node[seg] : undefined;
    }
  }
  return out;
}

export function getAt(root: unknown, path: JsonPath): unknown {
  let node = root;
  for (const seg of path) {
    if (typeof seg === 'number') node = Array.isArray(node) ? node[seg] : undefined;
    else node = isObject(node) ? node[seg] : undefined;
  }
  return node;
}

/** True when `inner` is `outer` or lies inside it. */
export function isWithin(inner: JsonPath, outer: JsonPath): boolean {
  return outer.length <= inner.length && outer.every((seg, i) => inner[i] === seg);
}

/**
 * Remove the element at `path` (non-empty). An array left empty is removed too (FHIR forbids
 * empty arrays), and the `_x` twin of a primitive array loses the same index so the two stay aligned.
 */
export function removeAt(root: unknown, path: JsonPath): boolean {
  const last = path[path.length - 1];
  const parent = getAt(root, path.slice(0, -1));
  if (typeof last === 'number') {
    if (!Array.isArray(parent) || last >= parent.length) return false;
    parent.splice(last, 1);
    const holderPath = path.slice(0, -2);
    const key = path[path.length - 2];
    const holder = getAt(root, holderPath);
    if (typeof key === 'string' && isObject(holder)) {
      const twin = holder[key.startsWith('_') ? key.slice(1) : `_${key}`];
      if (Array.isArray(twin) && twin.length === parent.length + 1) twin.splice(last, 1);
      if (parent.length === 0) delete holder[key];
      if (Array.isArray(twin) && twin.length === 0) delete holder[key.startsWith('_') ? key.slice(1) : `_${key}`];
    }
    return true;
  }
  if (last === undefined || !isObject(parent) || !(last in parent)) return false;
  delete parent[last];
  return true;
}
