// The transport's own connections to OSCAR: kept alive and reused, bounded per host, a hard
// deadline, typed failures for a cut or refused connection, and request heads that cannot be
// made to carry anything but what our code wrote. The server here is a bare socket, so the bytes
// on the wire are exactly the test's.
import assert from 'node:assert/strict';
import net from 'node:net';
import zlib from 'node:zlib';
import { test } from 'node:test';
import { OscarProtocolError, OscarTimeoutError, OscarUnavailableError } from '../../src/oscar/errors.js';
import { HttpTransport } from '../../src/oscar/http-transport.js';
import { eachRequest } from './raw-requests.js';

interface RawServer { url: string; connections: number; requests: string[]; close(): Promise<void> }

/** A server answering each request (one per connection at a time) with what `answer` writes. */
async function rawServer(answer: (socket: net.Socket, request: string) => void): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const s: RawServer = { url: '', connections: 0, requests: [], close: async () => {} };
  const server = net.createServer((socket) => {
    s.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    eachRequest(socket, (request) => {
      s.requests.push(request);
      answer(socket, request);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  s.close = () => new Promise<void>((r) => { for (const x of sockets) x.destroy(); server.close(() => r()); });
  return s;
}

const ok = (socket: net.Socket, body = 'ok'): void => { socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`); };
const get = (t: HttpTransport, url: string, timeoutMs = 2_000, headers: Record<string, string> = {}) => t.send({ method: 'GET', url: new URL(url), headers, timeoutMs, operation: 'Test.op' });

test('sequential exchanges reuse one kept-alive connection; the request carries host, length and body', async () => {
  const s = await rawServer((socket) => ok(socket));
  const t = new HttpTransport({ gzip: false });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await get(t, `${s.url}/ws/A?x=${i}`)).body.toString(), 'ok');
    const posted = await t.send({ method: 'POST', url: new URL(`${s.url}/ws/B`), headers: { 'Content-Type': 'text/xml' }, body: '<é/>', timeoutMs: 2_000, operation: 'Test.op' });
    assert.equal(posted.status, 200);
    assert.equal(s.connections, 1);
    assert.match(s.requests[0]!, /^GET \/ws\/A\?x=0 HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\n/);
    assert.match(s.requests[0]!, /\r\nAccept-Encoding: identity\r\n/);
    assert.match(s.requests[3]!, /\r\nContent-Type: text\/xml\r\nAccept-Encoding: identity\r\nContent-Length: 5\r\n\r\n<\u00c3\u00a9\/>$/);
  } finally { t.close(); await s.close(); }
});

test('a response with Connection: close is not reused: the next exchange opens a new connection', async () => {
  const s = await rawServer((socket) => { socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'); });
  const t = new HttpTransport();
  try {
    await get(t, s.url);
    await get(t, s.url);
    assert.equal(s.connections, 2);
  } finally { t.close(); await s.close(); }
});

test('at most maxSockets connections per host: further exchanges wait for a free one', async () => {
  const s = await rawServer((socket) => setTimeout(() => ok(socket), 20));
  const t = new HttpTransport({ maxSockets: 2 });
  try {
    const replies = await Promise.all(Array.from({ length: 6 }, () => get(t, s.url)));
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 200, 200, 200]);
    assert.equal(s.connections, 2);
  } finally { t.close(); await s.close(); }
});

test('a connection cut mid-body is a connection failure (ECONNRESET), and the next exchange still works', async () => {
  let n = 0;
  const s = await rawServer((socket) => {
    if (n++ === 0) { socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'); setTimeout(() => socket.destroy(), 10); } else ok(socket);
  });
  const t = new HttpTransport();
  try {
    await assert.rejects(get(t, s.url), (e: unknown) => e instanceof OscarUnavailableError && e.reason === 'connection' && e.code === 'ECONNRESET');
    assert.equal((await get(t, s.url)).body.toString(), 'ok');
  } finally { t.close(); await s.close(); }
});

test('an answer that never comes hits the deadline, and its connection is closed', async () => {
  let closed = false;
  const s = await rawServer((socket) => { socket.on('close', () => { closed = true; }); });
  const t = new HttpTransport();
  try {
    const started = Date.now();
    await assert.rejects(get(t, s.url, 150), OscarTimeoutError);
    assert.ok(Date.now() - started < 1_000);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(closed, true);
  } finally { t.close(); await s.close(); }
});

test('a refused connection is a connection failure with its code', async () => {
  const s = await rawServer(() => {});
  const url = s.url;
  await s.close();
  const t = new HttpTransport();
  try {
    await assert.rejects(get(t, url), (e: unknown) => e instanceof OscarUnavailableError && e.code === 'ECONNREFUSED');
  } finally { t.close(); }
});

test('an answer larger than maxBodyBytes is refused', async () => {
  const s = await rawServer((socket) => ok(socket, 'x'.repeat(5000)));
  const t = new HttpTransport({ maxBodyBytes: 1000 });
  try {
    await assert.rejects(get(t, s.url), OscarProtocolError);
  } finally { t.close(); await s.close(); }
});

test('a header value with CR or LF is refused before anything is sent', async () => {
  const s = await rawServer((socket) => ok(socket));
  const t = new HttpTransport();
  try {
    await assert.rejects(get(t, s.url, 2_000, { 'X-A': 'v\r\nX-Injected: 1' }));
    await assert.rejects(get(t, s.url, 2_000, { 'Bad Name': 'v' }));
    assert.equal(s.requests.length, 0);
  } finally { t.close(); await s.close(); }
});

test('an exchange right after close() gets a new connection instead of a closed one', async () => {
  const s = await rawServer((socket) => ok(socket));
  const t = new HttpTransport();
  try {
    await get(t, s.url);
    t.close();
    assert.equal((await get(t, s.url, 1_000)).body.toString(), 'ok');
    assert.equal(s.connections, 2);
  } finally { t.close(); await s.close(); }
});

// A gzip stream cut short: the connection's failure when the connection framed the body (the cut
// looks like its end, RFC 9112 §8), an unreadable answer when the body's own framing said it was whole.
test('a gzip body framed by the end of the connection and cut halfway is a connection failure; a corrupt one, or one cut inside a complete Content-Length, is unreadable', async () => {
  const gz = zlib.gzipSync(Buffer.from('<soap:Envelope>'.padEnd(4_000, 'x')));
  const half = gz.subarray(0, gz.length >> 1);
  const corrupt = Buffer.concat([gz.subarray(0, 10), Buffer.alloc(200, 0xff)]);
  const cases: { body: Buffer; framing: 'close' | 'length'; expect: 'connection' | 'protocol'; what: string }[] = [
    { body: half, framing: 'close', expect: 'connection', what: 'cut, framed by close' },
    { body: corrupt, framing: 'close', expect: 'protocol', what: 'corrupt, framed by close' },
    { body: half, framing: 'length', expect: 'protocol', what: 'cut gzip inside a complete Content-Length' },
  ];
  for (const c of cases) {
    const s = await rawServer((socket) => {
      const framing = c.framing === 'close' ? 'Connection: close\r\n' : `Content-Length: ${c.body.length}\r\n`;
      socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Encoding: gzip\r\n${framing}\r\n`), c.body]));
    });
    const t = new HttpTransport();
    try {
      await assert.rejects(get(t, s.url), (e: unknown) => c.expect === 'connection'
        ? e instanceof OscarUnavailableError && e.reason === 'connection' && e.code === 'ECONNRESET'
        : e instanceof OscarProtocolError && /corrupt gzip body/.test(e.message), c.what);
    } finally { t.close(); await s.close(); }
  }
  // The whole stream, framed by close, still reads.
  const s = await rawServer((socket) => { socket.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n'), gz])); });
  const t = new HttpTransport();
  try {
    assert.equal((await get(t, s.url)).body.length, 4_000);
  } finally { t.close(); await s.close(); }
});

test('a Content-Length longer than what arrives, and a chunked body closed before its last chunk, are connection failures', async () => {
  for (const answer of [
    'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf of it',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nhalf of it\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\nhalf of it',
  ]) {
    const s = await rawServer((socket) => { socket.end(answer); });
    const t = new HttpTransport();
    try {
      await assert.rejects(get(t, s.url), (e: unknown) => e instanceof OscarUnavailableError && e.reason === 'connection', JSON.stringify(answer));
    } finally { t.close(); await s.close(); }
  }
});
