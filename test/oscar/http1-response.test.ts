// The HTTP/1.1 response reader: every framing OSCAR's Tomcat (or a proxy in front of it) can use,
// fed in pieces as a socket delivers them. Expected bodies are the literal bytes the server sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MalformedResponseError, ResponseReader } from '../../src/oscar/http1-response.js';

/** Feeds `wire` in pieces of `size` bytes; returns the reader and whether it completed. */
function read(wire: string, size = wire.length, noBody = false): { r: ResponseReader; done: boolean } {
  const r = new ResponseReader(noBody);
  const bytes = Buffer.from(wire, 'latin1');
  let done = false;
  for (let i = 0; i < bytes.length; i += size) done = r.push(bytes.subarray(i, i + size));
  return { r, done };
}

test('a Content-Length body, whole or one byte at a time, with its status and lower-cased fields', () => {
  const wire = 'HTTP/1.1 200 OK\r\nContent-Type: text/xml;charset=UTF-8\r\nContent-Length: 11\r\n\r\n<return/>\r\n';
  for (const size of [wire.length, 1, 7]) {
    const { r, done } = read(wire, size);
    assert.equal(done, true);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/xml;charset=UTF-8');
    assert.equal(r.body().toString('latin1'), '<return/>\r\n');
    assert.equal(r.keepAlive, true);
  }
});

test('a chunked body (extensions and trailers ignored), split anywhere', () => {
  const wire = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\n<retu\r\nA\r\nrn>ok</ret\r\n6\r\nurn>\r\n\r\n0\r\nX-Trailer: 1\r\n\r\n';
  for (const size of [wire.length, 1, 3, 10]) {
    const { r, done } = read(wire, size);
    assert.equal(done, true, `pieces of ${size}`);
    assert.equal(r.body().toString('latin1'), '<return>ok</return>\r\n');
  }
});

test('without a length the body runs to the end of the connection, which is then not reused', () => {
  const { r, done } = read('HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n<html>proxy</html>');
  assert.equal(done, false);
  assert.equal(r.keepAlive, false);
  assert.equal(r.end(), true);
  assert.equal(r.status, 502);
  assert.equal(r.body().toString('latin1'), '<html>proxy</html>');
});

test('a Content-Length body cut short by the end of the connection is not complete', () => {
  const { r, done } = read('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc');
  assert.equal(done, false);
  assert.equal(r.end(), false);
});

test('Connection: close and HTTP/1.0 without keep-alive end the connection after the response', () => {
  assert.equal(read('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').r.keepAlive, false);
  assert.equal(read('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').r.keepAlive, false);
  assert.equal(read('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n').r.keepAlive, true);
});

test('an interim 100 Continue is passed over; 204 and a HEAD answer have no body', () => {
  const { r, done } = read('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  assert.equal(done, true);
  assert.equal(r.status, 200);
  assert.equal(r.body().toString(), 'ok');
  assert.equal(read('HTTP/1.1 204 No Content\r\n\r\n').done, true);
  assert.equal(read('HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n', undefined, true).done, true);
});

test('a repeated field keeps every value, joined with a comma', () => {
  const { r } = read('HTTP/1.1 200 OK\r\nVary: Accept\r\nvary: Origin\r\nContent-Length: 0\r\n\r\n');
  assert.equal(r.headers.vary, 'Accept, Origin');
});

test('malformed responses are refused, not guessed at', () => {
  for (const wire of [
    'HTTP/2 200 OK\r\n\r\n',
    'HTTP/1.1 200 OK\r\nBad Header\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX',
  ]) assert.throws(() => read(wire), MalformedResponseError, JSON.stringify(wire));
});

test('a field value loses the spaces and tabs around it, and keeps those inside', () => {
  const { r } = read('HTTP/1.1 200 OK\r\nX-A: \t a b \t\r\nX-B:c\r\nX-C:   \r\nX-D: d:e\r\nContent-Length: 0\r\n\r\n');
  assert.equal(r.headers['x-a'], 'a b');
  assert.equal(r.headers['x-b'], 'c');
  assert.equal(r.headers['x-c'], '');
  assert.equal(r.headers['x-d'], 'd:e');
});

test('field names are read in lower case whatever their spelling, the same name each time', () => {
  for (let k = 0; k < 3; k++) {
    const { r } = read('HTTP/1.1 200 OK\r\nCONTENT-TYPE: a\r\ncontent-Type: b\r\nContent-Length: 0\r\n\r\n');
    assert.deepEqual(Object.keys(r.headers).sort(), ['content-length', 'content-type']);
    assert.equal(r.headers['content-type'], 'a, b');
  }
});

test('fields named like members of Object.prototype are fields like any other', () => {
  const { r } = read('HTTP/1.1 200 OK\r\nConstructor: a\r\n__proto__: b\r\ntoString: c\r\ntostring: d\r\nContent-Length: 0\r\n\r\n');
  assert.equal(r.headers.constructor, 'a');
  assert.equal(r.headers['__proto__'], 'b');
  assert.equal(r.headers.tostring, 'c, d');
  assert.deepEqual(Object.keys(r.headers).sort(), ['__proto__', 'constructor', 'content-length', 'tostring']);
  assert.equal(r.headers['hasownproperty'], undefined);
});

test('a field line that is not `token: value` is refused (no smuggled line, no folded value)', () => {
  for (const field of [
    'X-A : v', // whitespace before the colon (RFC 9112 §5.1)
    ': v', // no name
    'X A: v', // a space in the name
    'X-A: a\nX-B: b', // a bare LF inside the value
    'X-A: a\rb', // a bare CR
    'X-A: a\r\n continued', // an obsolete line folding (RFC 9112 §5.2)
    'X-A', // no colon
    'X-\u00e9: v', // a name byte outside the token characters
  ]) assert.throws(() => read(`HTTP/1.1 200 OK\r\n${field}\r\nContent-Length: 0\r\n\r\n`), MalformedResponseError, JSON.stringify(field));
});

test('a response head that never ends is refused once past 64 KiB', () => {
  const r = new ResponseReader();
  assert.throws(() => { for (let i = 0; i < 100; i++) r.push(Buffer.from(`HTTP/1.1 200 OK\r\nX-${i}: ${'a'.repeat(1000)}`)); }, MalformedResponseError);
});
