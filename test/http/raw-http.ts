// Bytes on a socket, for requests no well-behaved client library will send (broken request
// lines, oversized headers, lying Content-Length, raw control characters).
import { connect } from 'node:net';

export interface RawAnswer { status: number; headers: Record<string, string>; body: string; raw: string }

/** Sends `bytes` and reads until the server closes or one complete answer arrived. */
export function rawRequest(port: number, bytes: string | Buffer, timeoutMs = 3_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const raw = Buffer.concat(chunks).toString('latin1');
      const head = raw.split('\r\n\r\n', 1)[0] ?? '';
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
      resolve({ status, headers, body: raw.slice(head.length + 4), raw });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const len = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1];
      if (end >= 0 && len !== undefined && Buffer.byteLength(text, 'latin1') >= end + 4 + Number(len)) finish();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (e) => { if (chunks.length) finish(); else if (!done) { done = true; clearTimeout(timer); reject(e); } });
    socket.write(bytes);
  });
}
