// Reading request bodies for the FHIR endpoint with a hard size limit (413 beyond it) and the
// parse errors that must become 400/415 OperationOutcomes rather than 500s.
import type { IncomingMessage } from 'node:http';
import { invalidStructure, payloadTooLarge, unsupportedMediaType } from '../fhir/index.js';

export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    throw payloadTooLarge(`request body is larger than the limit of ${limitBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) {
      req.resume();
      throw payloadTooLarge(`request body is larger than the limit of ${limitBytes} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}

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
  if (type === 'application/x-www-form-urlencoded') return raw.toString('utf8');
  if (type === 'application/fhir+json' || type === 'application/json' || type.endsWith('+json')) {
    const text = raw.toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // The parser's message quotes the body; say only what is wrong, never echo content.
      throw invalidStructure('request body is not valid JSON');
    }
  }
  return raw;
}
