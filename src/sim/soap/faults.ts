// SOAP 1.1 faults as CXF writes them (contract 4.12, samples §8, §9). Every fault is HTTP 500.

import { envelope, escapeText } from './render.js';

export class SoapFault extends Error {
  constructor(
    /** The complete `<faultcode>` element (its namespace declaration differs per fault). */
    readonly faultcodeXml: string,
    readonly faultstring: string,
    readonly detailXml = '',
  ) {
    super(faultstring);
  }

  toXml(): string {
    const detail = this.detailXml ? `<detail>${this.detailXml}</detail>` : '';
    return envelope(`<soap:Fault>${this.faultcodeXml}<faultstring>${escapeText(this.faultstring)}</faultstring>${detail}</soap:Fault>`);
  }
}

/** A RuntimeException escaping the service method: `soap:Server` with the exception's message. */
export const serverFault = (message: string): SoapFault =>
  new SoapFault('<faultcode>soap:Server</faultcode>', message);

/** A problem with what the client sent (`soap:Client`). */
export const clientFault = (message: string): SoapFault =>
  new SoapFault('<faultcode>soap:Client</faultcode>', message);

/** JAXB could not bind the body (CXF's UNMARSHAL_ERROR message ends with a space). */
export const unmarshallingFault = (message: string): SoapFault => clientFault(`Unmarshalling Error: ${message} `);

/** Anything WS-Security rejects, with WSS4J's deliberately vague "safe" message (contract 4.2, samples §9). */
export const securityFault = (): SoapFault =>
  new SoapFault(
    '<faultcode xmlns:ns1="http://ws.apache.org/wss4j">ns1:SecurityError</faultcode>',
    'A security error was encountered when verifying the message',
  );

/** contract 7.27: CXF's MustUnderstandInterceptor on an endpoint that does not process the header. */
export const mustUnderstandFault = (qnames: readonly string[]): SoapFault =>
  new SoapFault('<faultcode>soap:MustUnderstand</faultcode>', `MustUnderstand headers: [${qnames.join(', ')}] are not understood.`);

/** contract 4.3: LoginWs throws NotAuthorisedException; CXF marshals its `message` as the detail. */
export const notAuthorisedFault = (ns: string): SoapFault => {
  const msg = 'Invalid Username/Password';
  return new SoapFault(
    '<faultcode>soap:Server</faultcode>',
    msg,
    `<ns1:NotAuthorisedException xmlns:ns1="${ns}"><message>${msg}</message></ns1:NotAuthorisedException>`,
  );
};

/** contract 4.4/7.13: AbstractDaoImpl.setLimit. */
export const tooLargeFault = (n: number): SoapFault => serverFault(`Requested too large of a result list size : ${n}`);

/**
 * A JVM NullPointerException: JDK 21 "helpful" messages name the null variable (OSCAR is
 * compiled with debug info, so parameters keep their names) (contract 4.12).
 */
export const npeFault = (what: string, variable: string): SoapFault =>
  serverFault(`Cannot invoke "${what}" because "${variable}" is null`);
