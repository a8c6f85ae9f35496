// A hand-made OSCAR for discovery tests: WSDLs, login2 and REST answers given per test, written
// from the wire shapes of docs/oscar-contract.md and docs/oscar-variants.md (not by the simulator,
// which cannot yet play every line and host).
import type http from 'node:http';
import { startFake, type FakeServer } from '../fake-http.js';

export interface Canned { status: number; headers?: Record<string, string>; body: string }

export interface FakeOscarSpec {
  /** WSDL answer per service (absent = Tomcat's 404 page). */
  wsdl?: (service: string) => Canned | undefined;
  /** Answer to LoginService.login2. */
  login2?: Canned;
  /** Answer to a SystemInfoService operation. */
  systemInfo?: (operation: string) => Canned | undefined;
  /** Answer to a request below /ws/services, /openapi or anything else (path relative to the context). */
  other?: (method: string, path: string) => Canned | undefined;
}

export const TOMCAT_404: Canned = { status: 404, headers: { 'content-type': 'text/html;charset=utf-8' }, body: '<html><body><h1>HTTP Status 404 – Not Found</h1></body></html>' };
export const CXF_NO_SERVICE: Canned = { status: 404, headers: { 'content-type': 'text/html' }, body: '<html><body>No service was found.</body></html>' };
export const HAPROXY_403: Canned = { status: 403, headers: { 'content-type': 'text/html', 'cache-control': 'no-cache' }, body: '<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules.\n</body></html>\n' };
export const CLOUDFLARE_403: Canned = {
  status: 403, headers: { 'content-type': 'text/html; charset=UTF-8', server: 'cloudflare', 'cf-ray': '8f1e2d3c4b5a6978-YYZ' },
  body: '<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body><h1>Sorry, you have been blocked</h1><p>Cloudflare Ray ID: <strong>8f1e2d3c4b5a6978</strong></p></body></html>',
};

/** A CXF-style WSDL with the operations, and the gender enumeration when given. */
export function wsdl(namespace: string, operations: readonly string[], gender?: readonly string[]): Canned {
  const types = gender
    ? `<xs:simpleType name="gender"><xs:restriction base="xs:string">${gender.map((g) => `<xs:enumeration value="${g}"/>`).join('')}</xs:restriction></xs:simpleType>`
    : '';
  const body = `<?xml version='1.0' encoding='UTF-8'?><wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="${namespace}" targetNamespace="${namespace}">`
    + `<wsdl:types><xs:schema targetNamespace="${namespace}">${types}</xs:schema></wsdl:types>`
    + `<wsdl:portType name="Ws">${operations.map((op) => `<wsdl:operation name="${op}"><wsdl:input message="tns:${op}"/></wsdl:operation>`).join('')}</wsdl:portType>`
    + '</wsdl:definitions>';
  return { status: 200, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body };
}

/** A SOAP 1.1 fault as CXF writes it (contract 4.12). */
export function soapFault(faultstring: string, faultcode = 'soap:Server'): Canned {
  return {
    status: 500, headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>${faultcode}</faultcode><faultstring>${faultstring}</faultstring></soap:Fault></soap:Body></soap:Envelope>`,
  };
}

/** A SOAP answer whose `return` holds `inner`. */
export function soapReturn(operation: string, inner: string, namespace = 'http://ws.oscarehr.org/'): Canned {
  return {
    status: 200, headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:${operation}Response xmlns:ns2="${namespace}"><return>${inner}</return></ns2:${operation}Response></soap:Body></soap:Envelope>`,
  };
}

export const LOGIN_OK = (providerNo = '999998'): Canned => soapReturn('login2', `<provider><providerNo>${providerNo}</providerNo></provider><securityId>1</securityId><securityTokenKey>tok</securityTokenKey>`);

/** A WADL listing `paths` (one resource each, GET). */
export function wadl(paths: readonly string[]): Canned {
  return {
    status: 200, headers: { 'content-type': 'application/xml' },
    body: `<application xmlns="http://wadl.dev.java.net/2009/02"><resources base="http://x/ws/services">${paths.map((p) => `<resource path="${p}"><method name="GET"/></resource>`).join('')}</resources></application>`,
  };
}

function send(res: http.ServerResponse, c: Canned): void {
  res.writeHead(c.status, { 'content-type': 'text/plain', ...c.headers });
  res.end(c.body);
}

/** The fake at `<base>` = http://127.0.0.1:PORT/oscar. */
export function startFakeOscar(spec: FakeOscarSpec): Promise<FakeServer> {
  return startFake((req, res) => {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname.replace(/^\/oscar/, '');
    const service = /^\/ws\/(\w+Service)$/.exec(path)?.[1];
    if (service && req.method === 'GET' && url.searchParams.has('wsdl')) { send(res, spec.wsdl?.(service) ?? TOMCAT_404); return; }
    if (service === 'LoginService' && req.method === 'POST') { send(res, spec.login2 ?? LOGIN_OK()); return; }
    if (service === 'SystemInfoService' && req.method === 'POST') {
      const op = /<tns:(\w+)>/.exec(req.body)?.[1] ?? '';
      send(res, spec.systemInfo?.(op) ?? soapFault('unexpected', 'soap:Client'));
      return;
    }
    send(res, spec.other?.(req.method, `${path}${url.search}`) ?? TOMCAT_404);
  });
}
