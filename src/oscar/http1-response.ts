// Reads one HTTP/1.1 response from the bytes of a connection, as they arrive (RFC 9112): the
// status line, the header fields, then a body framed by Content-Length, by chunked transfer coding,
// or by the end of the connection. Interim 1xx responses are passed over. Kept apart from the
// connection handling (http-transport.ts) so that every framing rule is testable on plain bytes.

/** Header field names in lower case; a repeated field's values joined with ", " (RFC 9110 §5.3). */
export type ResponseHeaders = Record<string, string>;

export class MalformedResponseError extends Error {
  override readonly name = 'MalformedResponseError';
}

/** Longest status line plus header section accepted (Node's own limit is 16 KiB). */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF2 = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/;
/** A field name (RFC 9110 §5.1: a token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** A bare CR or LF: no field value may hold one (RFC 9112 §5; a line ends with CRLF only). */
const BARE_CR_LF = /[\r\n]/;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,15})[ \t]*(?:;.*)?$/;

type Stage = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'until-close' | 'done';

export class ResponseReader {
  status = 0;
  headers: ResponseHeaders = {};
  /** Whether the connection may carry another request once this response is complete. */
  keepAlive = false;
  private stage: Stage = 'head';
  private pending: Buffer | undefined;
  private left = 0;
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private byClose = false;

  /** @param noBody the request was HEAD: a response to it has no body, whatever its fields say. */
  constructor(private readonly noBody = false) {}

  get complete(): boolean { return this.stage === 'done'; }
  /**
   * The body is framed by the end of the connection (neither Content-Length nor chunked): a cut
   * connection looks like its end, so only the body's own framing (a gzip stream's end) can tell
   * a complete answer from one cut short (RFC 9112 §8).
   */
  get closeDelimited(): boolean { return this.byClose; }
  /** Body bytes read so far. */
  get bodyBytes(): number { return this.bytes; }
  /** The body as one buffer (once complete). */
  body(): Buffer { return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes); }

  /**
   * Takes the next bytes of the connection; returns true once the response is complete. Bytes after
   * the end of the response mean the peer sent more than it was asked for: malformed.
   */
  push(data: Buffer): boolean {
    let buf = this.pending ? Buffer.concat([this.pending, data]) : data;
    this.pending = undefined;
    while (buf.length > 0) {
      const used = this.step(buf);
      if (used < 0) { this.pending = buf; break; } // needs more bytes
      buf = buf.subarray(used);
      if (this.stage === 'done' && buf.length > 0) throw new MalformedResponseError('bytes after the end of the response');
    }
    if (this.stage === 'head' && (this.pending?.length ?? 0) > MAX_HEAD_BYTES) throw new MalformedResponseError('response head too large');
    return this.stage === 'done';
  }

  /** The connection ended: completes a body read to the end of the connection; false if the response was cut short. */
  end(): boolean {
    if (this.stage === 'until-close') this.stage = 'done';
    return this.stage === 'done';
  }

  /** Consumes what it can from `buf`: the byte count used, or -1 when more bytes are needed first. */
  private step(buf: Buffer): number {
    switch (this.stage) {
      case 'head': {
        const end = buf.indexOf(CRLF2);
        if (end < 0) return -1;
        this.readHead(buf.toString('latin1', 0, end));
        return end + 4;
      }
      case 'length':
        return this.counted(buf, 'done');
      case 'chunk-size': {
        const line = lineOf(buf);
        if (line === undefined) return -1;
        const m = CHUNK_SIZE.exec(line.text);
        if (!m) throw new MalformedResponseError('bad chunk size');
        this.left = parseInt(m[1]!, 16);
        this.stage = this.left === 0 ? 'trailers' : 'chunk-data';
        return line.used;
      }
      case 'chunk-data':
        return this.counted(buf, 'chunk-end');
      case 'chunk-end': {
        if (buf.length < 2) return -1;
        if (buf[0] !== 13 || buf[1] !== 10) throw new MalformedResponseError('chunk not followed by CRLF');
        this.stage = 'chunk-size';
        return 2;
      }
      case 'trailers': {
        const line = lineOf(buf);
        if (line === undefined) return -1;
        if (line.text === '') this.stage = 'done'; // trailer fields themselves are not used
        return line.used;
      }
      case 'until-close':
        this.take(buf);
        return buf.length;
      case 'done':
        return buf.length === 0 ? 0 : -1;
    }
  }

  /** Up to `left` body bytes of `buf`; once they are all read, the reader moves on to `then`. */
  private counted(buf: Buffer, then: Stage): number {
    const n = Math.min(this.left, buf.length);
    this.take(buf.subarray(0, n));
    this.left -= n;
    if (this.left === 0) this.stage = then;
    return n;
  }

  private take(b: Buffer): void {
    if (b.length === 0) return;
    this.chunks.push(b);
    this.bytes += b.length;
  }

  private readHead(head: string): void {
    let lineEnd = head.indexOf('\r\n');
    if (lineEnd < 0) lineEnd = head.length;
    const m = STATUS_LINE.exec(head.slice(0, lineEnd));
    if (!m) throw new MalformedResponseError('bad status line');
    const status = Number(m[2]);
    // No prototype: a field is named by the server, and `constructor` or `__proto__` is a name
    // like any other (on a plain object the first was joined to Object's and the second was lost).
    const headers: ResponseHeaders = Object.create(null) as ResponseHeaders;
    // Field by field, `name: value` with the value's surrounding spaces and tabs dropped; walked
    // with indexOf rather than split and a regex per line, which cost some µs per OSCAR answer.
    for (let at = lineEnd + 2; at < head.length; at = lineEnd + 2) {
      lineEnd = head.indexOf('\r\n', at);
      if (lineEnd < 0) lineEnd = head.length;
      const colon = head.indexOf(':', at);
      if (colon <= at || colon >= lineEnd) throw new MalformedResponseError('bad header field');
      const raw = head.slice(at, colon);
      if (!TOKEN.test(raw)) throw new MalformedResponseError('bad header field');
      let from = colon + 1;
      let to = lineEnd;
      while (from < to && isBlank(head.charCodeAt(from))) from++;
      while (to > from && isBlank(head.charCodeAt(to - 1))) to--;
      const value = head.slice(from, to);
      if (BARE_CR_LF.test(value)) throw new MalformedResponseError('bad header field');
      const name = lowerName(raw);
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    // RFC 9110 §15.2: an interim response; the final one follows on the same connection.
    if (status >= 100 && status < 200 && status !== 101) return;
    this.status = status;
    this.headers = headers;
    const connection = (headers.connection ?? '').toLowerCase();
    this.keepAlive = m[1] === '1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    if (this.noBody || status === 204 || status === 304 || status === 101) { this.stage = 'done'; return; }
    const coding = headers['transfer-encoding'];
    if (coding !== undefined) {
      // RFC 9112 §6.3: chunked must be the final coding; anything else is read to the end of the connection.
      if (/(?:^|,)\s*chunked\s*$/i.test(coding)) this.stage = 'chunk-size';
      else { this.stage = 'until-close'; this.keepAlive = false; this.byClose = true; }
      return;
    }
    const length = headers['content-length'];
    if (length !== undefined) {
      if (!/^\d{1,15}$/.test(length)) throw new MalformedResponseError('bad content-length');
      this.left = Number(length);
      this.stage = this.left === 0 ? 'done' : 'length';
      return;
    }
    this.stage = 'until-close';
    this.keepAlive = false;
    this.byClose = true;
  }
}

/**
 * A field name in lower case, kept per spelling: an OSCAR sends the same few names in every answer,
 * and a name V8 has seen as a key before makes a cheaper one (a fresh lower-cased string per field
 * was a third of the head's time). Bounded in count and length: a server sending ever new or long
 * names gets them lower-cased each time.
 */
const lowerNames = new Map<string, string>();
function lowerName(raw: string): string {
  let name = lowerNames.get(raw);
  if (name === undefined) {
    name = raw.toLowerCase();
    if (lowerNames.size < 256 && raw.length <= 64) lowerNames.set(raw, name);
  }
  return name;
}

/** A space or a horizontal tab (the optional whitespace around a field value, RFC 9110 §5.6.3). */
const isBlank = (c: number): boolean => c === 32 || c === 9;

/** The first CRLF-terminated line of `buf`, or undefined when it has not fully arrived. */
function lineOf(buf: Buffer): { text: string; used: number } | undefined {
  const i = buf.indexOf(10);
  if (i < 0) {
    if (buf.length > MAX_HEAD_BYTES) throw new MalformedResponseError('line too long');
    return undefined;
  }
  if (i === 0 || buf[i - 1] !== 13) throw new MalformedResponseError('line not ended by CRLF');
  return { text: buf.toString('latin1', 0, i - 1), used: i + 1 };
}
