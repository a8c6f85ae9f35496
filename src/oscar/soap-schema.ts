// What reading OSCAR's SOAP answers needs from one service's WSDL (contract 1.7, 4.1): the target
// namespace, the operations, and for each complex type which children repeat (maxOccurs
// "unbounded": always arrays, also with one element or none) and which are numbers or booleans.
// Everything else — xs:string, xs:dateTime/xs:date (kept as wire strings so their offsets
// survive, types.ts XsDateTime), xs:base64Binary, enumerations such as the instance's gender
// codes — stays text. Read once per service from the WSDL the instance itself serves, so Juno's
// namespace and each line's transfer fields come from the instance, not from us.

import { attr, nodes, wsdlDefinitions, wsdlOperations, wsdlSchemas } from './capabilities/wsdl-facts.js';
import type { WsdlNode } from './capabilities/wsdl-facts.js';

/** How a leaf is typed: JAXB writes int/long as decimal, `char` as xs:unsignedShort (contract 4.1). */
export type ScalarKind = 'integer' | 'number' | 'boolean' | 'text';

export interface FieldRule {
  /** The field's name (one long-lived string: as a property key it is looked up once, not per answer). */
  readonly name: string;
  /** Declared maxOccurs > 1: read as an array whatever the count. */
  readonly many: boolean;
  /** The complex type of the child, when it has one; else `scalar` says how to read its text. */
  readonly complex?: string;
  readonly scalar: ScalarKind;
}

export type TypeRules = ReadonlyMap<string, FieldRule>;

export interface SoapSchema {
  readonly namespace: string;
  readonly operations: ReadonlySet<string>;
  /** Children rules per complex type (named, or `element:<name>` for an anonymous one). */
  readonly types: ReadonlyMap<string, TypeRules>;
  /** Global element name → its type (the operation wrappers `op` and `opResponse`). */
  readonly elements: ReadonlyMap<string, string>;
}

const SCALARS: Readonly<Record<string, ScalarKind>> = {
  int: 'integer', integer: 'integer', short: 'integer', long: 'integer',
  byte: 'number', unsignedShort: 'number', unsignedInt: 'number', unsignedByte: 'number', unsignedLong: 'number',
  double: 'number', float: 'number', decimal: 'number',
  boolean: 'boolean',
};

const localName = (qname: string): string => qname.slice(qname.indexOf(':') + 1);

/** Reads the rules from a WSDL document; undefined when the text is no WSDL. */
export function readSoapSchema(text: string): SoapSchema | undefined {
  const read = wsdlDefinitions(text);
  if (!read) return undefined;
  const schemas = wsdlSchemas(read.definitions);
  const declared = new Map<string, WsdlNode>();
  for (const t of schemas.flatMap((s) => nodes(s, 'complexType'))) {
    const name = attr(t, 'name');
    if (name) declared.set(name, t);
  }
  const elements = new Map<string, string>();
  for (const e of schemas.flatMap((s) => nodes(s, 'element'))) {
    const name = attr(e, 'name');
    if (!name) continue;
    const type = attr(e, 'type');
    const inline = nodes(e, 'complexType')[0];
    if (type) elements.set(name, localName(type));
    else if (inline) { declared.set(`element:${name}`, inline); elements.set(name, `element:${name}`); }
  }

  const types = new Map<string, TypeRules>();
  const rulesOf = (typeName: string, seen: ReadonlySet<string> = new Set()): TypeRules => {
    const done = types.get(typeName);
    if (done) return done;
    const rules = new Map<string, FieldRule>();
    const t = declared.get(typeName);
    if (t && !seen.has(typeName)) {
      // A java-first subclass: complexContent/extension base="tns:parent", the parent's fields first.
      for (const ext of nodes(t, 'complexContent').flatMap((c) => nodes(c, 'extension'))) {
        const base = attr(ext, 'base');
        if (base) for (const [k, v] of rulesOf(localName(base), new Set([...seen, typeName]))) rules.set(k, v);
        addFields(ext, rules, declared);
      }
      addFields(t, rules, declared);
    }
    types.set(typeName, rules);
    return rules;
  };
  for (const name of declared.keys()) rulesOf(name);
  return { namespace: read.namespace, operations: new Set(wsdlOperations(read.definitions)), types, elements };
}

function addFields(parent: WsdlNode, rules: Map<string, FieldRule>, declared: ReadonlyMap<string, WsdlNode>): void {
  const groups = ['sequence', 'all', 'choice'].flatMap((g) => nodes(parent, g));
  for (const e of groups.flatMap((g) => nodes(g, 'element'))) {
    const name = attr(e, 'name') ?? (attr(e, 'ref') && localName(attr(e, 'ref')!));
    if (!name) continue;
    const max = attr(e, 'maxOccurs');
    const many = max !== undefined && max !== '0' && max !== '1';
    const type = localName(attr(e, 'type') ?? 'string');
    rules.set(name, declared.has(type) ? { name, many, complex: type, scalar: 'text' } : { name, many, scalar: SCALARS[type] ?? 'text' });
  }
}
