// Answers given while the request body is still arriving (a 401 before the body, a 413, a method
// the type does not offer): the connection cannot be reused, and it must not stay open while a
// slow or hostile client keeps trickling a body nobody will read.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Whether the request declared a body that has not been received in full. */
export function leavesBodyUnread(req: IncomingMessage): boolean {
  const declared = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  return declared && !req.complete;
}

/**
 * Lingering close (RFC 9112 §9.6) after an answer sent with `Connection: close` over an unread
 * body. node would destroy the socket as soon as the answer is flushed; the client, still
 * uploading, would then get a reset and often lose the answer it has not read yet. Instead our
 * side is half-closed, the rest of the body is read and dropped, and the socket is destroyed
 * `graceMs` after the answer, however much the client still wants to send.
 */
export function closeUnreadBody(req: IncomingMessage, res: ServerResponse, graceMs: number): void {
  const socket = req.socket;
  socket.destroySoon = function halfClose(): void { if (this.writable) this.end(); };
  const cut = (): void => { if (!socket.destroyed) socket.destroy(); };
  res.once('finish', () => {
    req.resume();
    setTimeout(cut, graceMs).unref();
  });
  res.once('close', () => { if (!res.writableFinished) cut(); });
}
