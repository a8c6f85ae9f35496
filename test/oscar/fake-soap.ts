// A minimal CXF-like OSCAR SOAP side for unit tests: WSDLs shaped like JAX-WS output (document/
// literal wrapped, unqualified children, contract 1.7), login2 tokens that die on restart(),
// WS-Security checks like WSS4J's (no Timestamp allowed, contract 4.2), wire faults from samples §9.

import type http from 'node:http';
import type { SeenRequest } from './fake-http.js';

type Field = readonly [name: string, type: string, many?: boolean];
interface OpDef { params: readonly Field[]; ret?: readonly [type: string, many?: boolean] }

const TYPES: Record<string, readonly Field[]> = {
  demographicTransfer: [['dateJoined', 'xs:dateTime'], ['demographicNo', 'xs:int'], ['firstName', 'xs:string'], ['hsAlertCount', 'xs:int'],
    ['lastName', 'xs:string'], ['lastUpdateDate', 'xs:dateTime'], ['sex', 'xs:string']],
  appointmentTransfer: [['appointmentEndDateTime', 'xs:dateTime'], ['appointmentStartDateTime', 'xs:dateTime'], ['demographicNo', 'xs:int'],
    ['id', 'xs:int'], ['providerNo', 'xs:string'], ['reason', 'xs:string'], ['status', 'xs:string']],
  preventionTransfer: [['deleted', 'xs:boolean'], ['demographicId', 'xs:int'], ['id', 'xs:int'], ['preventionDate', 'xs:dateTime'],
    ['preventionExts', 'tns:preventionExtTransfer', true], ['preventionType', 'xs:string']],
  preventionExtTransfer: [['id', 'xs:int'], ['key', 'xs:string'], ['preventionId', 'xs:int'], ['value', 'xs:string']],
  documentTransfer: [['documentNo', 'xs:int'], ['fileContents', 'xs:base64Binary'], ['status', 'xs:unsignedShort'], ['updatedatetime', 'xs:dateTime']],
  loginResultTransfer2: [['securityId', 'xs:int'], ['securityTokenKey', 'xs:string']],
  demographicIntegrationTransfer: [['createdByRemoteId', 'xs:string'], ['createdBySource', 'xs:string'], ['integrationType', 'xs:string'], ['remoteId', 'xs:string']],
};

const SERVICES: Record<string, Record<string, OpDef>> = {
  LoginService: { login2: { params: [['arg0', 'xs:string'], ['arg1', 'xs:string']], ret: ['tns:loginResultTransfer2'] } },
  SystemInfoService: { isAlive: { params: [], ret: ['xs:string'] }, getServerTimeGmtOffset: { params: [], ret: ['xs:int'] } },
  DemographicService: {
    getDemographic: { params: [['arg0', 'xs:int']], ret: ['tns:demographicTransfer'] },
    getDemographics: { params: [['arg0', 'xs:int', true]], ret: ['tns:demographicTransfer', true] },
    searchDemographicByName: { params: [['arg0', 'xs:string'], ['arg1', 'xs:int'], ['arg2', 'xs:int']], ret: ['tns:demographicTransfer', true] },
    searchDemographicsByAttributes: {
      params: [['arg0', 'xs:string'], ['arg1', 'xs:string'], ['arg2', 'xs:string'], ['arg3', 'xs:string'], ['arg4', 'xs:dateTime'], ['arg5', 'xs:string'],
        ['arg6', 'xs:string'], ['arg7', 'xs:string'], ['arg8', 'xs:string'], ['arg9', 'xs:string'], ['arg10', 'xs:int'], ['arg11', 'xs:int']],
      ret: ['tns:demographicTransfer', true],
    },
    // Juno's additions (contract 4.13)
    addDemographic: { params: [['arg0', 'tns:demographicTransfer'], ['arg1', 'tns:demographicIntegrationTransfer']], ret: ['xs:int'] },
    updateDemographic: { params: [['arg0', 'tns:demographicTransfer']] },
    getDemographicByHealthNumber: { params: [['arg0', 'xs:string'], ['arg1', 'xs:string']], ret: ['tns:demographicTransfer'] },
  },
  ScheduleService: {
    getAppointment2: { params: [['arg0', 'xs:int'], ['arg1', 'xs:boolean']], ret: ['tns:appointmentTransfer'] },
    getAppointmentsForPatient2: { params: [['arg0', 'xs:int'], ['arg1', 'xs:int'], ['arg2', 'xs:int'], ['arg3', 'xs:boolean']], ret: ['tns:appointmentTransfer', true] },
    addAppointment: { params: [['arg0', 'tns:appointmentTransfer']], ret: ['xs:int'] },
    getAppointmentsUpdatedAfterDate: { params: [['arg0', 'xs:dateTime'], ['arg1', 'xs:int'], ['arg2', 'xs:boolean']], ret: ['tns:appointmentTransfer', true] },
    cancelAppointment: { params: [['arg0', 'xs:int']] },
  },
  PreventionService: {
    getPreventionsByDemographicIdAfter: { params: [['lastUpdate', 'xs:dateTime'], ['demographicId', 'xs:int']], ret: ['tns:preventionTransfer', true] },
  },
  DocumentService: { getDocument: { params: [['arg0', 'xs:int']], ret: ['tns:documentTransfer'] } },
};

const el = ([name, type, many]: Field): string => `<xs:element ${many ? 'maxOccurs="unbounded" ' : ''}minOccurs="0" name="${name}" type="${type}"/>`;

/** OSCAR's target namespace (contract 4.1); Juno's is http://v1.soap.external.ws.oscarehr.org/ (variants B1). */
export const OSCAR_NS = 'http://ws.oscarehr.org/';

export function wsdlFor(service: string, ns = OSCAR_NS): string {
  const ops = SERVICES[service];
  if (!ops) throw new Error(`no fake WSDL for ${service}`);
  const port = service.replace(/Service$/, 'Ws');
  const schema = [
    ...Object.entries(ops).flatMap(([op, d]) => [
      `<xs:element name="${op}" type="tns:${op}"/><xs:element name="${op}Response" type="tns:${op}Response"/>`,
      `<xs:complexType name="${op}"><xs:sequence>${d.params.map(el).join('')}</xs:sequence></xs:complexType>`,
      `<xs:complexType name="${op}Response"><xs:sequence>${d.ret ? el(['return', d.ret[0], d.ret[1]]) : ''}</xs:sequence></xs:complexType>`,
    ]),
    ...Object.entries(TYPES).map(([t, fields]) => `<xs:complexType name="${t}"><xs:sequence>${fields.map(el).join('')}</xs:sequence></xs:complexType>`),
  ].join('');
  const messages = Object.keys(ops).map((op) =>
    `<wsdl:message name="${op}"><wsdl:part element="tns:${op}" name="parameters"/></wsdl:message>`
    + `<wsdl:message name="${op}Response"><wsdl:part element="tns:${op}Response" name="parameters"/></wsdl:message>`).join('');
  const portOps = Object.keys(ops).map((op) =>
    `<wsdl:operation name="${op}"><wsdl:input message="tns:${op}" name="${op}"/><wsdl:output message="tns:${op}Response" name="${op}Response"/></wsdl:operation>`).join('');
  const bindingOps = Object.keys(ops).map((op) =>
    `<wsdl:operation name="${op}"><soap:operation soapAction="" style="document"/><wsdl:input name="${op}"><soap:body use="literal"/></wsdl:input>`
    + `<wsdl:output name="${op}Response"><soap:body use="literal"/></wsdl:output></wsdl:operation>`).join('');
  return `<?xml version='1.0' encoding='UTF-8'?><wsdl:definitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" `
    + `xmlns:tns="${ns}" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" name="${port}Service" targetNamespace="${ns}">`
    + `<wsdl:types><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="${ns}" elementFormDefault="unqualified" `
    + `targetNamespace="${ns}" version="1.0">${schema}</xs:schema></wsdl:types>${messages}`
    + `<wsdl:portType name="${port}">${portOps}</wsdl:portType>`
    + `<wsdl:binding name="${port}ServiceSoapBinding" type="tns:${port}"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>${bindingOps}</wsdl:binding>`
    // The advertised address is deliberately wrong: the client must call the configured base.
    + `<wsdl:service name="${port}Service"><wsdl:port binding="tns:${port}ServiceSoapBinding" name="${port}Port">`
    + `<soap:address location="http://unreachable.invalid:9/oscar/ws/${service}"/></wsdl:port></wsdl:service></wsdl:definitions>`;
}

const ENV_OPEN = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>';
const ENV_CLOSE = '</soap:Body></soap:Envelope>';

export const securityFaultXml = `${ENV_OPEN}<soap:Fault><faultcode xmlns:ns1="http://ws.apache.org/wss4j">ns1:SecurityError</faultcode>`
  + `<faultstring>A security error was encountered when verifying the message</faultstring></soap:Fault>${ENV_CLOSE}`;

export const serverFaultXml = (msg: string): string =>
  `${ENV_OPEN}<soap:Fault><faultcode>soap:Server</faultcode><faultstring>${msg}</faultstring></soap:Fault>${ENV_CLOSE}`;

export const responseXml = (op: string, inner: string, ns = OSCAR_NS): string =>
  `${ENV_OPEN}<ns2:${op}Response xmlns:ns2="${ns}">${inner}</ns2:${op}Response>${ENV_CLOSE}`;

/** Returns the `<return>…</return>` content for an operation, or a full fault envelope via `{ fault }`. */
export type OpHandler = (body: string) => string | { fault: string } | Promise<string | { fault: string }>;

export class FakeSoapOscar {
  /** Current valid token; restart() replaces it (contract 7.18). */
  token = '1710246173123';
  logins = 0;
  loginDelayMs = 0;
  /** The services' target namespace (WSDLs and answers). */
  namespace = OSCAR_NS;
  /** When set, even fresh tokens are refused (e.g. an expired account). */
  refuseAll = false;
  readonly handlers: Record<string, OpHandler> = {};

  restart(): void { this.token = String(Number(this.token) + 1000); }

  readonly handle = async (req: SeenRequest, res: http.ServerResponse): Promise<void> => {
    const m = /\/ws\/(\w+)(\?wsdl)?$/.exec(req.url);
    if (!m) { res.writeHead(404).end(); return; }
    const service = m[1] ?? '';
    if (req.method === 'GET' && m[2]) {
      res.writeHead(200, { 'Content-Type': 'text/xml;charset=UTF-8' }).end(wsdlFor(service, this.namespace));
      return;
    }
    const op = /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?(\w+)/.exec(req.body)?.[1] ?? '';
    const send = (status: number, xml: string): void => { res.writeHead(status, { 'Content-Type': 'text/xml;charset=UTF-8' }).end(xml); };

    if (service === 'LoginService') {
      this.logins++;
      if (this.loginDelayMs) await new Promise((r) => setTimeout(r, this.loginDelayMs));
      const ok = /<arg0>oscardoc<\/arg0>/.test(req.body) && /<arg1>mac2002<\/arg1>/.test(req.body);
      if (!ok) { send(500, serverFaultXml('Invalid Username/Password')); return; }
      send(200, responseXml(op, `<return><securityId>128</securityId><securityTokenKey>${this.token}</securityTokenKey></return>`, this.namespace));
      return;
    }
    if (service !== 'SystemInfoService') {
      const header = /<(?:[\w-]+:)?Header[^>]*>([\s\S]*)<\/(?:[\w-]+:)?Header>/.exec(req.body)?.[1] ?? '';
      const user = /<wsse:Username>([^<]*)<\/wsse:Username>/.exec(header)?.[1];
      const pw = /<wsse:Password Type="http:\/\/docs\.oasis-open\.org\/wss\/2004\/01\/oasis-200401-wss-username-token-profile-1\.0#PasswordText">([^<]*)<\/wsse:Password>/.exec(header)?.[1];
      // contract 4.2: an extra Timestamp fails the action check even when valid.
      if (this.refuseAll || user !== '128' || pw !== this.token || /Timestamp/.test(header)) { send(500, securityFaultXml); return; }
    }
    const h = this.handlers[op];
    if (!h) { send(500, serverFaultXml(`no handler for ${op}`)); return; }
    const out = await h(req.body);
    if (typeof out === 'object') send(500, out.fault);
    else send(200, responseXml(op, out, this.namespace));
  };
}
