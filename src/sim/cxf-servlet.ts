// What CXFServlet (mapped at /ws/*) answers when no endpoint owns the path (contract 1.7): its
// HTML service list when the URI ends in /services or the path is empty or '/' (CXF's default
// service-list path is "/services"), otherwise "No service was found." with a 404. The second is
// what OSCAR answers on /ws/services/* and /ws/oauth/* when `ModuleNames` lacks REST (variants
// §2, B2); the first is what a GET of /ws/services then shows, `?_wadl` or not, since the query
// is not part of the URI CXF looks at.
import type { Request, RequestHandler } from 'express';
import { sendBody } from './rest/errors.js';

export const CXF_NOT_FOUND_BODY = '<html><body>No service was found.</body></html>';

const htmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface ServiceListing {
  /** SOAP endpoint names, e.g. 'DemographicService'. */
  soapServices: readonly string[];
  /** Target namespace of every SOAP endpoint. */
  soapNamespace: string;
  /** JAX-RS server addresses under /ws that the page lists, e.g. 'services'. */
  restAddresses: readonly string[];
}

/** CXF's service list page for the endpoints that exist. */
export function serviceListPage(base: string, listing: ServiceListing): string {
  const ns = htmlEscape(listing.soapNamespace);
  const soap = listing.soapServices.map((name) => {
    const endpoint = htmlEscape(`${base}/ws/${name}`);
    const port = name.replace(/Service$/, 'Ws');
    return `<tr><td><span class="porttypename">${port}</span></td><td><span class="field">Endpoint address:</span> <span class="value">${endpoint}</span>`
      + `<br/><span class="field">WSDL :</span> <a href="${endpoint}?wsdl">{${ns}}${port}Service</a>`
      + `<br/><span class="field">Target namespace:</span> <span class="value">${ns}</span></td></tr>`;
  }).join('');
  const rest = listing.restAddresses.map((address) => {
    const url = htmlEscape(`${base}/ws/${address}`);
    return `<tr><td><span class="field">Endpoint address:</span> <span class="value">${url}</span><br/>`
      + `<span class="field">WADL :</span> <a href="${url}?_wadl">${url}?_wadl</a></td></tr>`;
  }).join('');
  return '<html><head><META http-equiv="content-type" content="text/html; charset=UTF-8"><title>CXF - Service list</title></head><body>'
    + `<span class="heading">Available SOAP services:</span><br/><table cellpadding="1" cellspacing="1" border="1" width="100%">${soap}</table><br/><br/>`
    + (rest ? `<span class="heading">Available RESTful services:</span><br/><table cellpadding="1" cellspacing="1" border="1" width="100%">${rest}</table>` : '')
    + '</body></html>';
}

/** Whether CXF shows its service list for this path below /ws ('' and '/' included). */
function isServiceListPath(pathBelowWs: string): boolean {
  return pathBelowWs === '' || pathBelowWs === '/' || pathBelowWs.endsWith('/services') || pathBelowWs.endsWith('/services/');
}

const baseOf = (req: Request, contextPath: string): string => `${req.protocol}://${req.get('host') ?? 'localhost'}${contextPath}`;

/** The fallback for every /ws path no endpoint took; mount it at `${contextPath}/ws`. */
export function cxfServletFallback(contextPath: string, listing: ServiceListing): RequestHandler {
  return (req, res) => {
    if (isServiceListPath(req.path)) {
      res.locals.simOperation = 'CXF service list';
      sendBody(res, 200, 'text/html;charset=UTF-8', serviceListPage(baseOf(req, contextPath), listing));
      return;
    }
    res.locals.simOperation = 'CXF no service';
    sendBody(res, 404, 'text/html', CXF_NOT_FOUND_BODY);
  };
}
