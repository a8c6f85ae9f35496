// What one WSDL says about the instance (variants §7.2 step 2): its target namespace (B1), the
// operations of the port type (the §4.1 matrix), the Gender enumeration of
// searchDemographicsByAttributes (B9) and the element names of the transfer objects whose fields
// differ between lines (§4.3). CXF's java-first WSDLs carry their schema inline.
import { XMLParser } from 'fast-xml-parser';

export interface WsdlFacts {
  namespace: string;
  operations: string[];
  /** Values of the `gender` simple type, when the WSDL declares it (DemographicService). */
  genderCodes?: string[];
  /** Element names per complex type of TRANSFER_TYPES the WSDL declares. */
  transferFields: Record<string, string[]>;
}

/** The transfer objects whose fields tell the lines apart (variants §4.3). */
export const TRANSFER_TYPES: readonly string[] = ['demographicTransfer', 'demographicTransfer2', 'appointmentTransfer'];

/** An element of a WSDL as read here: children by local name (always arrays), attributes under '@'. */
export type WsdlNode = Record<string, unknown>;
type Node = WsdlNode;

const parser = new XMLParser({
  ignoreAttributes: false, removeNSPrefix: true, attributeNamePrefix: '@',
  // Every element as an array, attributes as strings: one shape whether a name occurs once or often.
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  processEntities: false,
});

export const nodes = (parent: Node | undefined, name: string): Node[] => {
  const v = parent?.[name];
  return Array.isArray(v) ? v.filter((x): x is Node => typeof x === 'object' && x !== null) : [];
};
export const attr = (n: Node, name: string): string | undefined => {
  const v = n[`@${name}`];
  return typeof v === 'string' ? v : undefined;
};

/** The `wsdl:definitions` element and its target namespace; undefined when the text is no WSDL (an HTML page, a fault…). */
export function wsdlDefinitions(text: string): { definitions: Node; namespace: string } | undefined {
  let doc: Node;
  try { doc = parser.parse(text) as Node; } catch { return undefined; }
  const definitions = nodes(doc, 'definitions')[0];
  const namespace = definitions && attr(definitions, 'targetNamespace');
  return definitions && namespace ? { definitions, namespace } : undefined;
}

/** The operations of the WSDL's port types, sorted, each once. */
export function wsdlOperations(definitions: Node): string[] {
  return [...new Set(nodes(definitions, 'portType').flatMap((pt) => nodes(pt, 'operation'))
    .map((op) => attr(op, 'name')).filter((n): n is string => n !== undefined))].sort();
}

/** The inline XML schemas of the WSDL (CXF's java-first WSDLs carry theirs in wsdl:types). */
export const wsdlSchemas = (definitions: Node): Node[] => nodes(definitions, 'types').flatMap((t) => nodes(t, 'schema'));

/** Reads a WSDL document; undefined when the text is not one (an HTML page, a fault…). */
export function readWsdl(text: string): WsdlFacts | undefined {
  const read = wsdlDefinitions(text);
  if (!read) return undefined;
  const { definitions, namespace } = read;
  const operations = wsdlOperations(definitions);
  const schemas = wsdlSchemas(definitions);
  const gender = schemas.flatMap((s) => nodes(s, 'simpleType')).find((t) => attr(t, 'name') === 'gender');
  const genderCodes = gender && nodes(gender, 'restriction').flatMap((r) => nodes(r, 'enumeration'))
    .map((e) => attr(e, 'value')).filter((v): v is string => v !== undefined);
  const transferFields: Record<string, string[]> = {};
  for (const type of schemas.flatMap((s) => nodes(s, 'complexType'))) {
    const name = attr(type, 'name');
    if (!name || !TRANSFER_TYPES.includes(name)) continue;
    transferFields[name] = nodes(type, 'sequence').flatMap((s) => nodes(s, 'element'))
      .map((e) => attr(e, 'name')).filter((n): n is string => n !== undefined).sort();
  }
  return { namespace, operations, ...(genderCodes?.length && { genderCodes }), transferFields };
}
