// The HTTP/1.1 requests arriving on a socket of a bare test server, one string each (head and a
// Content-Length body), so the tests' servers see exactly the bytes the transport wrote.
import type net from 'node:net';

export function eachRequest(socket: net.Socket, onRequest: (request: string) => void): void {
  let buf = '';
  socket.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      const request = buf.slice(0, end + 4 + length);
      buf = buf.slice(end + 4 + length);
      onRequest(request);
    }
  });
}
