// Juno's IPInWSS4JInterceptor (variants §3 card H, B8): a caller whose address is not on the
// web-service allow-list gets a SOAP fault before WS-Security runs, on every endpoint. The code is
// a SOAP 1.2 `Server` QName, which CXF writes into the SOAP 1.1 fault with its own prefix.
import type { Request } from 'express';
import { SoapFault } from './faults.js';

/** HttpServletRequest.getRemoteAddr(): the peer address, IPv4-mapped IPv6 shown as IPv4. */
export function callerIp(req: Request): string {
  const a = req.socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

export const ipNotAllowedFault = (ip: string): SoapFault => new SoapFault(
  '<faultcode xmlns:ns1="http://www.w3.org/2003/05/soap-envelope">ns1:Server</faultcode>', `Unauthorized IP Address (${ip})`,
);
