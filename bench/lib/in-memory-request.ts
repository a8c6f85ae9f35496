// A request handed to a server's handler without a network: an IncomingMessage and its
// ServerResponse over a socket that takes every write at once and sends nothing anywhere, so the
// kernel, node's HTTP parser and a load generator are left out of what a benchmark times
// (bench/hit-cpu.ts, bench/miss-cpu.ts).
import { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';

/** A socket that takes every write at once and sends nothing anywhere. */
export class NullSocket extends Duplex {
  readonly remoteAddress = '127.0.0.1';
  override _read(): void {}
  override _write(_c: unknown, _e: BufferEncoding, cb: () => void): void { cb(); }
  override _writev(_c: unknown, cb: () => void): void { cb(); }
}

/**
 * A complete GET of `url` with `rawHeaders` (name, value, name, value…) as node's parser would
 * make it, and its response, on `socket` (detach the response when it is done).
 */
export function inMemoryGet(socket: NullSocket, url: string, rawHeaders: string[], headers: Record<string, string>): { req: IncomingMessage; res: ServerResponse } {
  const req = new IncomingMessage(socket as never);
  req.method = 'GET';
  req.url = url;
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.httpVersion = '1.1';
  req.rawHeaders = rawHeaders;
  // As node's parser: a fresh object of lower-case names per request.
  req.headers = { ...headers };
  req.complete = true;
  const res = new ServerResponse(req);
  res.assignSocket(socket as never);
  return { req, res };
}
