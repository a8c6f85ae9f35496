// The WSDL CXF generates for a java-first JAX-WS endpoint (contract 1.7): document/literal
// wrapped, one schema with elementFormDefault="unqualified", wrapper elements named after the
// operations, service `<X>WsService`, port `<X>WsPort`, binding `<X>WsServiceSoapBinding`,
// soapAction "". Built from the same tables that parse requests and render responses.

import { XSD_SIMPLE, parseRef } from './schema.js';
import type { ServiceDef, SoapSchema, TypeRef } from './schema.js';
import { fieldsInWireOrder } from './render.js';

const attrEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function typeName(base: string): string {
  return XSD_SIMPLE.has(base) ? `xs:${base}` : `tns:${base}`;
}

/** `<xs:element>` for a property or parameter: primitives are required, objects optional, arrays unbounded. */
function elementDecl(name: string, ref: TypeRef): string {
  const { base, primitive, array } = parseRef(ref);
  const occurs = array ? ' maxOccurs="unbounded" minOccurs="0" nillable="true"' : primitive ? '' : ' minOccurs="0"';
  return `<xs:element${occurs} name="${name}" type="${typeName(base)}"/>`;
}

/** Complex types and enums reachable from the refs, each once, in discovery order. */
function reachableTypes(refs: readonly TypeRef[], schema: SoapSchema): string[] {
  const seen: string[] = [];
  const visit = (ref: TypeRef): void => {
    const { base } = parseRef(ref);
    if (XSD_SIMPLE.has(base) || seen.includes(base)) return;
    seen.push(base);
    for (const [, f] of schema.complex[base] ?? []) visit(f);
  };
  refs.forEach(visit);
  return seen;
}

function typeDecl(name: string, schema: SoapSchema): string {
  const values = schema.enums[name];
  if (values) {
    return `<xs:simpleType name="${name}"><xs:restriction base="xs:string">${values.map((v) => `<xs:enumeration value="${v}"/>`).join('')}</xs:restriction></xs:simpleType>`;
  }
  const fields = fieldsInWireOrder(schema, name).map(([n, r]) => elementDecl(n, r)).join('');
  return `<xs:complexType name="${name}"><xs:sequence>${fields}</xs:sequence></xs:complexType>`;
}

/** The WSDL document; `address` is the endpoint URL as the client reached it. */
export function buildWsdl(service: ServiceDef, address: string, schema: SoapSchema): string {
  const ns = schema.ns;
  const svc = `${service.portType}Service`;
  const faults = [...new Set(service.operations.flatMap((o) => o.faults ?? []))];
  const refs: TypeRef[] = [];
  const elements: string[] = [];
  const wrappers: string[] = [];
  for (const op of service.operations) {
    elements.push(`<xs:element name="${op.name}" type="tns:${op.name}"/>`, `<xs:element name="${op.name}Response" type="tns:${op.name}Response"/>`);
    const params = op.params.map(([n, r]) => elementDecl(n, r)).join('');
    const ret = op.returns === 'void' ? '' : elementDecl('return', op.returns);
    wrappers.push(
      `<xs:complexType name="${op.name}"><xs:sequence>${params}</xs:sequence></xs:complexType>`,
      `<xs:complexType name="${op.name}Response"><xs:sequence>${ret}</xs:sequence></xs:complexType>`,
    );
    refs.push(...op.params.map(([, r]) => r));
    if (op.returns !== 'void') refs.push(op.returns);
  }
  for (const f of faults) elements.push(`<xs:element name="${f}" type="tns:${f}"/>`);
  const types = reachableTypes([...refs, ...faults], schema).map((t) => typeDecl(t, schema));

  const xsd = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="${ns}" elementFormDefault="unqualified" targetNamespace="${ns}" version="1.0">${elements.join('')}${wrappers.join('')}${types.join('')}</xs:schema>`;

  const messages = service.operations.flatMap((op) => [
    `<wsdl:message name="${op.name}"><wsdl:part element="tns:${op.name}" name="parameters"></wsdl:part></wsdl:message>`,
    `<wsdl:message name="${op.name}Response"><wsdl:part element="tns:${op.name}Response" name="parameters"></wsdl:part></wsdl:message>`,
  ]).concat(faults.map((f) => `<wsdl:message name="${f}"><wsdl:part element="tns:${f}" name="${f}"></wsdl:part></wsdl:message>`));

  const portOps = service.operations.map((op) => `<wsdl:operation name="${op.name}">`
    + `<wsdl:input message="tns:${op.name}" name="${op.name}"></wsdl:input>`
    + `<wsdl:output message="tns:${op.name}Response" name="${op.name}Response"></wsdl:output>`
    + (op.faults ?? []).map((f) => `<wsdl:fault message="tns:${f}" name="${f}"></wsdl:fault>`).join('')
    + '</wsdl:operation>');

  const bindingOps = service.operations.map((op) => `<wsdl:operation name="${op.name}">`
    + '<soap:operation soapAction="" style="document"/>'
    + `<wsdl:input name="${op.name}"><soap:body use="literal"/></wsdl:input>`
    + `<wsdl:output name="${op.name}Response"><soap:body use="literal"/></wsdl:output>`
    + (op.faults ?? []).map((f) => `<wsdl:fault name="${f}"><soap:fault name="${f}" use="literal"/></wsdl:fault>`).join('')
    + '</wsdl:operation>');

  return `<?xml version='1.0' encoding='UTF-8'?><wsdl:definitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:tns="${ns}" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:ns1="http://schemas.xmlsoap.org/soap/http" name="${svc}" targetNamespace="${ns}">`
    + `<wsdl:types>${xsd}</wsdl:types>`
    + messages.join('')
    + `<wsdl:portType name="${service.portType}">${portOps.join('')}</wsdl:portType>`
    + `<wsdl:binding name="${svc}SoapBinding" type="tns:${service.portType}"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>${bindingOps.join('')}</wsdl:binding>`
    + `<wsdl:service name="${svc}"><wsdl:port binding="tns:${svc}SoapBinding" name="${service.portType}Port"><soap:address location="${attrEscape(address)}"/></wsdl:port></wsdl:service>`
    + '</wsdl:definitions>';
}
