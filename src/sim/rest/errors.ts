import type { Response } from 'express';

/**
 * An unchecked Java exception escaping a resource (contract 1.6): no ExceptionMapper exists, so
 * the container renders /errorpage.jsp as HTML with status 500 (or the sendError status).
 */
export class ContainerError extends Error {
  constructor(message: string, readonly status = 500) { super(message); }
}

/** A JAX-RS WebApplicationException / Response with an explicit status and entity. */
export class WebAppError extends Error {
  constructor(readonly status: number, readonly body = '', readonly contentType: string | null = null) {
    super(`HTTP ${status}`);
  }
}

/** Writes a body byte-exactly (Express's res.send would append '; charset=utf-8' and an ETag). */
export function sendBody(res: Response, status: number, contentType: string | null, body: string | Buffer): void {
  res.status(status);
  if (contentType !== null) res.setHeader('Content-Type', contentType);
  res.end(body);
}

export function sendEmpty(res: Response, status: number): void {
  res.status(status);
  res.end();
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The container's error page (errorpage.jsp) for sendError and unmapped exceptions. */
export function sendContainerErrorPage(res: Response, status: number, message: string): void {
  const html = '<!DOCTYPE html><html><head><meta charset="UTF-8"><title>OSCAR - Error</title></head><body>'
    + '<h2>An error has occurred</h2>'
    + `<p>HTTP Status ${status}</p><p class="error-message">${escapeHtml(message)}</p>`
    + '<p>Please contact your administrator.</p></body></html>';
  sendBody(res, status, 'text/html;charset=UTF-8', html);
}

/**
 * contract 1.6 / samples §10d: an OAuth failure on /ws/services is a CXF XMLFault with HTTP 500,
 * typed as the media type negotiated for the matched resource method plus ';charset=UTF-8'.
 */
export function sendXmlFault(res: Response, negotiatedMediaType: string, oauthErrorCode: string): void {
  const ns = 'http://cxf.apache.org/bindings/xformat';
  const body = `<ns1:XMLFault xmlns:ns1="${ns}"><ns1:faultstring xmlns:ns1="${ns}">`
    + `ca.openosp.openo.webserv.oauth.OAuth1Exception: ${oauthErrorCode}</ns1:faultstring></ns1:XMLFault>`;
  sendBody(res, 500, `${negotiatedMediaType};charset=UTF-8`, body);
}
