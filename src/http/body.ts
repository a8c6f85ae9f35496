// Reading request bodies for the FHIR endpoint with a hard size limit (413 beyond it) and the
// parse errors that must become 400/415 OperationOutcomes rather than 500s.
import type { IncomingMessage } from 'node:http';
import { FhirError, invalidStructure, payloadTooLarge, unsupportedMediaType } from '../fhir/index.js';
import { checkJsonBody, checkParams } from './input-guard.js';

/**
 * The whole body, or a 413 as soon as it is known to exceed `limitBytes` (from Content-Length, or
 * while streaming). The rest of an oversized body is not read: the answer closes the connection.
 * A client that disconnects mid-body gets a 400 nobody will read (not a 500: it is not our bug).
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const tooLarge = (): FhirError => payloadTooLarge(`request body is larger than the limit of ${limitBytes} bytes`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData); req.off('end', onEnd); req.off('error', onError); req.off('aborted', onAborted);
    };
    const onData = (buf: Buffer): void => {
      size += buf.length;
      if (size > limitBytes) { cleanup(); req.pause(); reject(tooLarge()); return; }
      chunks.push(buf);
    };
    const onEnd = (): void => { cleanup(); resolve(Buffer.concat(chunks, size)); };
    const onError = (): void => { cleanup(); reject(incomplete()); };
    const onAborted = onError;
    req.on('data', onData); req.once('end', onEnd); req.once('error', onError); req.once('aborted', onAborted);
  });
}

const incomplete = (): FhirError => new FhirError(400, { severity: 'error', code: 'incomplete', diagnostics: 'The request body was not received completely.' });

function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * The body as the router wants it: parsed JSON for FHIR JSON media types, the raw string for a
 * form `_search`, nothing for an empty body. Other media types are left for the router to refuse
 * with 415 (it knows whether the interaction takes a body at all).
 */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = mediaTypeOf(contentType);
  const charset = /charset=([^;]+)/i.exec(contentType ?? '')?.[1]?.trim().toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') throw unsupportedMediaType(`charset ${charset} is not supported: send UTF-8`);
  if (type === 'application/x-www-form-urlencoded') {
    const form = raw.toString('utf8');
    checkParams([...new URLSearchParams(form)], 'form body');
    return form;
  }
  if (type === 'application/fhir+json' || type === 'application/json' || type.endsWith('+json')) {
    const text = raw.toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      // The parser's message quotes the body; say only what is wrong, never echo content.
      throw invalidStructure('request body is not valid JSON');
    }
    checkJsonBody(parsed);
    return parsed;
  }
  return raw;
}
