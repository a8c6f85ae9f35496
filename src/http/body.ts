// Reading request bodies for the FHIR endpoint with a hard size limit (413 beyond it) and the
// parse errors that must become 400/415 OperationOutcomes rather than 500s.
import type { IncomingMessage } from 'node:http';
import { FhirError, invalidStructure, payloadTooLarge, unsupportedMediaType } from '../fhir/index.js';
import { checkJsonBody, checkParams, INPUT_LIMITS, jsonTooDeep } from './input-guard.js';

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

const OPEN = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Refuses JSON nested deeper than INPUT_LIMITS.maxJsonDepth by one pass over the raw bytes, before
 * JSON.parse builds anything: a body of millions of '[' then costs one short scan instead of a
 * parse and hundreds of megabytes of heap. Brackets inside strings do not count. Not a validator:
 * JSON.parse still judges the syntax.
 */
export function checkJsonDepth(raw: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN || c === OPEN_ARRAY) {
      if (++depth > INPUT_LIMITS.maxJsonDepth) throw jsonTooDeep();
    } else if (c === CLOSE || c === CLOSE_ARRAY) {
      depth--;
    }
  }
}

/**
 * The body as the router wants it: parsed JSON for FHIR JSON media types, the raw string for a
 * form `_search`, nothing for an empty body. Other media types are left for the router to refuse
 * with 415 (it knows whether the interaction takes a body at all). A form's parameters count
 * together with the query's against INPUT_LIMITS.maxParams: `_search` merges them.
 */
export function parseBody(raw: Buffer, contentType: string | undefined, query: readonly (readonly [string, string])[] = []): unknown {
  if (raw.length === 0) return undefined;
  const type = mediaTypeOf(contentType);
  const charset = /charset=([^;]+)/i.exec(contentType ?? '')?.[1]?.trim().toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') throw unsupportedMediaType(`charset ${charset} is not supported: send UTF-8`);
  if (type === 'application/x-www-form-urlencoded') {
    const form = raw.toString('utf8');
    checkParams([...query, ...new URLSearchParams(form)], 'search (query and form body)');
    return form;
  }
  if (type === 'application/fhir+json' || type === 'application/json' || type.endsWith('+json')) {
    checkJsonDepth(raw);
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
