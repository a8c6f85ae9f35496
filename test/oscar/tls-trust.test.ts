// An OSCAR whose HTTPS certificate is not publicly trusted (docs/oscar-tls.md): refused by
// default with a typed error and nothing sent; accepted when its SHA-256 fingerprint is pinned
// (OSCAR_TLS_FINGERPRINT) or its CA given (OSCAR_CA_FILE) — for OSCAR's connections only, on
// every path to OSCAR (the transport, the user's REST calls, the OAuth handshake); the settings
// checked at start-up; and `oscar-fhir check` showing the certificate to the operator. The
// certificates are fixtures made with openssl (tls-fixtures/README.md); the fingerprints below
// are openssl's, not this code's.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { OscarUnreachable, oscarUserRest } from '../../src/auth/oscar/user-rest.js';
import { main } from '../../src/cli/main.js';
import { loadClinics } from '../../src/clinics/clinic-config.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { writeCredentialsFile } from '../../src/config/credentials-file.js';
import { toOperationOutcome } from '../../src/fhir/outcome.js';
import { OscarUnavailableError } from '../../src/oscar/errors.js';
import { HttpTransport } from '../../src/oscar/http-transport.js';
import { HandshakeError, initiate } from '../../src/oscar/oauth1-handshake.js';
import { oscarTrustFrom, type OscarTrust } from '../../src/oscar/tls-trust.js';
import { startStack } from '../helpers/stack.js';
import { eachRequest } from './raw-requests.js';

const FIXTURES = new URL('./tls-fixtures/', import.meta.url);
const fixture = (name: string): string => new URL(name, FIXTURES).pathname;
const SELF_SIGNED = 'B8:61:F9:24:45:A6:F1:E3:79:E2:60:17:04:51:25:C6:42:DA:B9:B3:E6:23:15:2B:33:B6:27:E2:BB:58:83:AC';
const SIGNED_OTHER = '0D:D6:D1:70:1A:A0:4F:54:98:F3:40:7A:09:3B:7B:29:56:EA:61:DF:F3:FC:A0:E9:56:8E:EB:14:74:2F:08:89';

type Cert = 'self-signed' | 'signed-ip' | 'signed-other';

interface TlsServer {
  url: string;
  /** Request bytes received, over every connection. */
  bytes: number;
  close(): Promise<void>;
}

/** An HTTPS server presenting `cert`, answering every request with `body` (raw HTTP/1.1, kept alive). */
async function httpsServer(cert: Cert, body = 'ok', contentType = 'text/plain'): Promise<TlsServer> {
  const sockets = new Set<net.Socket>();
  const s: TlsServer = { url: '', bytes: 0, close: async () => {} };
  const server = tls.createServer({ key: readFileSync(fixture(`${cert}.key`)), cert: readFileSync(fixture(`${cert}.pem`)) }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => { s.bytes += d.length; });
    eachRequest(socket, () => socket.write(`HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`));
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s.url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  s.close = () => new Promise<void>((r) => { for (const x of sockets) x.destroy(); server.close(() => r()); });
  return s;
}

/** The trust of these settings, as the server reads them (their parsing is under test too). */
function trustOf(env: Record<string, string>, url = 'https://127.0.0.1/oscar'): OscarTrust {
  const problems: string[] = [];
  const trust = oscarTrustFrom(env, url, problems);
  assert.deepEqual(problems, []);
  return trust!;
}

const get = (t: HttpTransport, url: string) => t.send({ method: 'GET', url: new URL(`${url}/oscar/ws/x`), headers: {}, timeoutMs: 3_000, operation: 'Test.op' });

/** The transport's answer, or its typed failure as reason:code. */
async function outcome(trust: OscarTrust | undefined, server: TlsServer): Promise<string> {
  const t = new HttpTransport({ gzip: false, ...(trust && { tls: trust }) });
  try {
    return (await get(t, server.url)).body.toString();
  } catch (e) {
    assert.ok(e instanceof OscarUnavailableError, `typed error, got ${String(e)}`);
    return `${e.reason}:${e.code}`;
  } finally { t.close(); }
}

describe('the transport and OSCAR\'s certificate', () => {
  const servers = {} as Record<Cert, TlsServer>;
  before(async () => {
    for (const c of ['self-signed', 'signed-ip', 'signed-other'] as const) servers[c] = await httpsServer(c);
  });
  after(async () => { for (const s of Object.values(servers)) await s.close(); });

  it('a self-signed certificate is refused by default: typed error naming TLS and Node\'s code, 502 OperationOutcome, nothing sent', async () => {
    const before = servers['self-signed'].bytes;
    const t = new HttpTransport({ gzip: false });
    const e = await get(t, servers['self-signed'].url).catch((x: unknown) => x);
    t.close();
    assert.ok(e instanceof OscarUnavailableError);
    assert.equal(e.reason, 'tls');
    assert.equal(e.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(toOperationOutcome(e).status, 502);
    const mapped = toOperationOutcome(e);
    assert.equal(mapped.status, 502);
    assert.equal(mapped.outcome.resourceType, 'OperationOutcome');
    assert.equal(servers['self-signed'].bytes, before, 'no request byte reached the server');
  });

  it('the pinned fingerprint is accepted whatever the chain and name; a wrong one is refused and nothing is sent', async () => {
    // openssl's own output, prefix and all; and the bare lower-case hex.
    assert.equal(await outcome(trustOf({ OSCAR_TLS_FINGERPRINT: `sha256 Fingerprint=${SELF_SIGNED}` }), servers['self-signed']), 'ok');
    assert.equal(await outcome(trustOf({ OSCAR_TLS_FINGERPRINT: SELF_SIGNED.replace(/:/g, '').toLowerCase() }), servers['self-signed']), 'ok');
    const before = servers['self-signed'].bytes;
    assert.equal(await outcome(trustOf({ OSCAR_TLS_FINGERPRINT: SIGNED_OTHER }), servers['self-signed']), 'tls:DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(servers['self-signed'].bytes, before, 'a refused certificate gets no request');
    // The pin is for that certificate only: another untrusted one stays refused.
    const otherBefore = servers['signed-other'].bytes;
    assert.equal(await outcome(trustOf({ OSCAR_TLS_FINGERPRINT: SELF_SIGNED }), servers['signed-other']), 'tls:UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.equal(servers['signed-other'].bytes, otherBefore);
  });

  it('during a rotation either of several fingerprints is accepted', async () => {
    assert.equal(await outcome(trustOf({ OSCAR_TLS_FINGERPRINT: `${SIGNED_OTHER}, ${SELF_SIGNED}` }), servers['self-signed']), 'ok');
    assert.equal(await outcome(trustOf({ OSCAR_TLS_FINGERPRINT: `${SIGNED_OTHER}, ${SELF_SIGNED}` }), servers['signed-other']), 'ok');
  });

  it('a CA file trusts the certificates its CA signed for the right name, and still refuses a wrong name', async () => {
    assert.equal(await outcome(undefined, servers['signed-ip']), 'tls:UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    const ca = trustOf({ OSCAR_CA_FILE: fixture('ca.pem') });
    assert.equal(await outcome(ca, servers['signed-ip']), 'ok');
    assert.equal(await outcome(ca, servers['signed-other']), 'tls:ERR_TLS_CERT_ALTNAME_INVALID');
    assert.equal(await outcome(ca, servers['self-signed']), 'tls:DEPTH_ZERO_SELF_SIGNED_CERT');
    // With a fingerprint beside it (rejectUnauthorized off for the check): the name is still checked.
    const both = trustOf({ OSCAR_CA_FILE: fixture('ca.pem'), OSCAR_TLS_FINGERPRINT: SELF_SIGNED });
    assert.equal(await outcome(both, servers['signed-ip']), 'ok');
    assert.equal(await outcome(both, servers['self-signed']), 'ok');
    assert.equal(await outcome(both, servers['signed-other']), 'tls:ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('the trust is OSCAR\'s only: fetch, a plain TLS socket and another transport still refuse the same server', async () => {
    assert.equal(await outcome(trustOf({ OSCAR_TLS_FINGERPRINT: SELF_SIGNED, OSCAR_CA_FILE: fixture('ca.pem') }), servers['self-signed']), 'ok');
    await assert.rejects(fetch(`${servers['self-signed'].url}/x`));
    await assert.rejects(fetch(`${servers['signed-ip'].url}/x`));
    const code = await new Promise<string>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: Number(new URL(servers['signed-ip'].url).port) });
      s.once('secureConnect', () => { s.destroy(); resolve('accepted'); });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    assert.equal(code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.equal(await outcome(undefined, servers['self-signed']), 'tls:DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});

describe('what counts as a TLS failure', () => {
  it('https:// to a plain-HTTP port is one (502, not retried); a refused connection is not', async () => {
    const plain = net.createServer((s) => s.on('data', () => s.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    const port = (plain.address() as net.AddressInfo).port;
    const t = new HttpTransport({ gzip: false });
    try {
      const e = await get(t, `https://127.0.0.1:${port}`).catch((x: unknown) => x);
      assert.ok(e instanceof OscarUnavailableError);
      // Which of the two codes depends on whether the request was already written when OpenSSL failed.
      assert.match(`${e.reason} ${e.code} ${toOperationOutcome(e).status}`, /^tls (EPROTO|ERR_SSL_WRONG_VERSION_NUMBER) 502$/);
    } finally { await new Promise<void>((r) => plain.close(() => r())); }
    const refused = await get(t, `https://127.0.0.1:${port}`).catch((x: unknown) => x);
    t.close();
    assert.ok(refused instanceof OscarUnavailableError);
    assert.deepEqual([refused.reason, refused.code, toOperationOutcome(refused).status], ['connection', 'ECONNREFUSED', 503]);
  });

  it('a TLS stream mangled mid-answer, its certificate accepted, is not one: the connection failed (503)', async () => {
    // Half an answer over TLS, then a record the client cannot decrypt written on the TCP socket
    // underneath (a middlebox or a dying host mangling the stream).
    const server = net.createServer((raw) => {
      const s = new tls.TLSSocket(raw, { isServer: true, key: readFileSync(fixture('self-signed.key')), cert: readFileSync(fixture('self-signed.pem')) });
      s.on('error', () => {});
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf', () => setTimeout(() => raw.write(Buffer.from([23, 3, 3, 0, 40, ...Array<number>(40).fill(7)])), 20));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const t = new HttpTransport({ gzip: false, tls: trustOf({ OSCAR_TLS_FINGERPRINT: SELF_SIGNED }) });
    try {
      const e = await get(t, `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`).catch((x: unknown) => x);
      assert.ok(e instanceof OscarUnavailableError, String(e));
      assert.match(`${e.reason} ${e.code} ${toOperationOutcome(e).status}`, /^connection ERR_SSL_\w+ 503$/);
    } finally { t.close(); await new Promise<void>((r) => server.close(() => r())); }
  });
});

describe('the fetch-free paths to OSCAR get the same trust', () => {
  let server: TlsServer;
  before(async () => { server = await httpsServer('self-signed', '{"login":"999998"}', 'application/json'); });
  after(async () => { await server.close(); });
  const USER = { token: 't', secret: 's' };

  it('the user\'s REST calls (sign-in, patient picker)', async () => {
    const pinned = oscarUserRest({ baseUrl: `${server.url}/oscar`, consumerKey: 'k', consumerSecret: 's', tls: trustOf({ OSCAR_TLS_FINGERPRINT: SELF_SIGNED }) });
    assert.equal(await pinned.providerOf(USER), '999998');
    const before = server.bytes;
    const plain = oscarUserRest({ baseUrl: `${server.url}/oscar`, consumerKey: 'k', consumerSecret: 's' });
    const e = await plain.providerOf(USER).catch((x: unknown) => x);
    assert.ok(e instanceof OscarUnreachable);
    assert.match(e.message, /DEPTH_ZERO_SELF_SIGNED_CERT/);
    assert.equal(server.bytes, before, 'the user\'s token never went to an unverified server');
    const wrong = oscarUserRest({ baseUrl: `${server.url}/oscar`, consumerKey: 'k', consumerSecret: 's', tls: trustOf({ OSCAR_TLS_FINGERPRINT: SIGNED_OTHER }) });
    assert.ok(await wrong.providerOf(USER).catch((x: unknown) => x) instanceof OscarUnreachable);
  });

  it('the OAuth 1.0a handshake (oscar-fhir connect, SMART sign-in)', async () => {
    const tokens = await httpsServer('self-signed', 'oauth_token=rt&oauth_token_secret=rs', 'application/x-www-form-urlencoded');
    try {
      const consumer = { key: 'k', secret: 's' };
      assert.deepEqual(await initiate(`${tokens.url}/oscar`, consumer, 'oob', undefined, { tls: trustOf({ OSCAR_TLS_FINGERPRINT: SELF_SIGNED }) }), { token: 'rt', secret: 'rs' });
      const e = await initiate(`${tokens.url}/oscar`, consumer, 'oob', undefined).catch((x: unknown) => x);
      assert.ok(e instanceof HandshakeError);
      assert.match(e.message, /certificate was refused \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
      assert.match(e.message, /OSCAR_TLS_FINGERPRINT/);
    } finally { await tokens.close(); }
  });
});

describe('a FHIR read through an OSCAR behind a self-signed certificate', () => {
  /** TCP connections the front accepted. */
  let connections = 0;
  /** A TLS front for the simulator, presenting the self-signed certificate. */
  const front = async (simUrl: string): Promise<{ url: string; close(): Promise<void> }> => {
    const sim = new URL(simUrl);
    const sockets = new Set<net.Socket>();
    const server = tls.createServer({ key: readFileSync(fixture('self-signed.key')), cert: readFileSync(fixture('self-signed.pem')) }, (client) => {
      const upstream = net.connect(Number(sim.port), sim.hostname);
      for (const s of [client, upstream]) { sockets.add(s); s.on('error', () => {}); s.on('close', () => sockets.delete(s)); }
      client.pipe(upstream).pipe(client);
    });
    server.on('tlsClientError', () => {});
    server.on('connection', () => { connections++; });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      url: `https://127.0.0.1:${(server.address() as net.AddressInfo).port}${sim.pathname.replace(/\/+$/, '')}`,
      close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
    };
  };

  it('is refused by default: 502 with an OperationOutcome, not retried', async () => {
    const stack = await startStack({ via: front });
    try {
      connections = 0;
      const r = await stack.fhir('/Patient/1001');
      assert.equal(r.status, 502);
      assert.equal(r.body.resourceType, 'OperationOutcome');
      assert.match(r.body.issue[0].diagnostics, /trusted connection/);
      // A connection failure would be tried 3 times (OSCAR_RETRIES 2); a refused certificate will not change.
      assert.equal(connections, 1);
    } finally { await stack.close(); }
  });

  it('is served once the certificate\'s fingerprint is pinned', async () => {
    const stack = await startStack({ via: front, oscarTls: trustOf({ OSCAR_TLS_FINGERPRINT: SELF_SIGNED }) });
    try {
      const r = await stack.fhir('/Patient/1001');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.id, '1001');
    } finally { await stack.close(); }
  });
});

describe('the settings, checked at start-up', () => {
  const CREDENTIALS = {
    OSCAR_CONSUMER_KEY: 'k', OSCAR_CONSUMER_SECRET: 's', OSCAR_ACCESS_TOKEN: 't', OSCAR_ACCESS_TOKEN_SECRET: 'ts',
    OSCAR_SOAP_USERNAME: 'u', OSCAR_SOAP_PASSWORD: 'p', LOG_LEVEL: 'silent',
    SMART_ISSUER: 'https://idp.example.org', SMART_JWKS_URL: 'https://idp.example.org/jwks', SMART_TOKEN_URL: 'https://idp.example.org/token',
  };
  const dir = mkdtempSync(join(tmpdir(), 'oscar-tls-'));
  const problemsOf = (env: Record<string, string>): string => {
    try { loadConfig({ ...CREDENTIALS, OSCAR_URL: 'https://192.168.1.10:8443/oscar', ...env }); return 'accepted'; } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.problems.join('\n');
    }
  };

  it('the values reach the OSCAR connection', () => {
    const c = loadConfig({ ...CREDENTIALS, OSCAR_URL: 'https://192.168.1.10:8443/oscar', OSCAR_CA_FILE: fixture('ca.pem'), OSCAR_TLS_FINGERPRINT: SELF_SIGNED.toLowerCase() });
    assert.deepEqual(c.oscar?.tls?.fingerprints, [SELF_SIGNED.replace(/:/g, '')]);
    assert.equal(c.oscar?.tls?.ca?.length, 1);
    assert.equal(loadConfig({ ...CREDENTIALS, OSCAR_URL: 'https://192.168.1.10:8443/oscar' }).oscar?.tls, undefined);
  });

  it('an unreadable CA file, one without a certificate, or a broken certificate is a start-up problem', () => {
    assert.match(problemsOf({ OSCAR_CA_FILE: join(dir, 'missing.pem') }), /OSCAR_CA_FILE: cannot read .*missing\.pem \(ENOENT\)/);
    assert.match(problemsOf({ OSCAR_CA_FILE: fixture('ca.pem').replace(/ca\.pem$/, 'self-signed.key') }), /OSCAR_CA_FILE: .*self-signed\.key holds no certificate/);
    const broken = join(dir, 'broken.pem');
    writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    assert.match(problemsOf({ OSCAR_CA_FILE: broken }), /OSCAR_CA_FILE: certificate 1 of .*broken\.pem cannot be read/);
  });

  it('a fingerprint that is not SHA-256 is refused', () => {
    assert.match(problemsOf({ OSCAR_TLS_FINGERPRINT: 'AB:CD:EF' }), /^OSCAR_TLS_FINGERPRINT: "AB:CD:EF" is not a SHA-256 fingerprint/m);
    // A SHA-1 fingerprint (openssl's default without -sha256) is 40 digits.
    assert.match(problemsOf({ OSCAR_TLS_FINGERPRINT: `${SELF_SIGNED}, ${'A1:'.repeat(19)}A1` }), /is not a SHA-256 fingerprint/);
  });

  it('both are refused for an http:// OSCAR and without OSCAR_URL', () => {
    const settings: Record<string, string>[] = [{ OSCAR_CA_FILE: fixture('ca.pem') }, { OSCAR_TLS_FINGERPRINT: SELF_SIGNED }];
    for (const env of settings) {
      const name = Object.keys(env)[0]!;
      assert.match(problemsOf({ ...env, OSCAR_URL: 'http://192.168.1.10:8080/oscar' }), new RegExp(`^${name}: OSCAR_URL is http://, so there is no certificate to verify`, 'm'));
      assert.throws(() => loadConfig({ LOG_LEVEL: 'silent', ...env }), (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.startsWith(`${name}: only for a real OSCAR (OSCAR_URL)`)));
    }
    assert.match(problemsOf({ ...settings[0], ...settings[1], OSCAR_URL: 'http://192.168.1.10:8080/oscar' }), /^OSCAR_CA_FILE and OSCAR_TLS_FINGERPRINT: OSCAR_URL is http:\/\//m);
  });

  it('a clinics file gives them per clinic (caFile, tlsFingerprint), and refuses them beside CLINICS_FILE', () => {
    const file = join(dir, 'clinics.json');
    const oscar = (extra: object) => ({
      url: 'https://192.168.1.10:8443/oscar', consumerKey: { env: 'K' }, consumerSecret: { env: 'S' }, accessToken: { env: 'T' },
      accessTokenSecret: { env: 'TS' }, soapUserName: { env: 'U' }, soapPassword: { env: 'P' }, ...extra,
    });
    writeFileSync(file, JSON.stringify({ clinics: [
      { id: 'north', timezone: 'America/Toronto', oscar: oscar({ caFile: fixture('ca.pem') }) },
      { id: 'south', timezone: 'America/Toronto', oscar: oscar({ tlsFingerprint: [SIGNED_OTHER, SELF_SIGNED] }) },
    ] }));
    const env = { CLINICS_FILE: file, K: 'k', S: 's', T: 't', TS: 'ts', U: 'u', P: 'p', LOG_LEVEL: 'silent', SMART_ISSUER: CREDENTIALS.SMART_ISSUER, SMART_JWKS_URL: CREDENTIALS.SMART_JWKS_URL, SMART_TOKEN_URL: CREDENTIALS.SMART_TOKEN_URL };
    const [north, south] = loadClinics(env);
    assert.equal(north!.config.oscar?.tls?.ca?.length, 1);
    assert.equal(north!.config.oscar?.tls?.fingerprints, undefined);
    assert.deepEqual(south!.config.oscar?.tls?.fingerprints, [SIGNED_OTHER.replace(/:/g, ''), SELF_SIGNED.replace(/:/g, '')]);
    assert.throws(() => loadClinics({ ...env, OSCAR_CA_FILE: fixture('ca.pem') }), /OSCAR_CA_FILE is one clinic's setting: .*\(oscar\.caFile\)/);
    writeFileSync(file, JSON.stringify({ clinics: [{ id: 'north', timezone: 'America/Toronto', oscar: oscar({ caFile: join(dir, 'missing.pem') }) }] }));
    assert.throws(() => loadClinics(env), /clinic "north": oscar\.caFile: cannot read/);
    writeFileSync(file, JSON.stringify({ clinics: [{ id: 'north', timezone: 'America/Toronto', oscar: oscar({ tlsFingerprint: [SELF_SIGNED, 7] }) }] }));
    assert.throws(() => loadClinics(env), /clinic "north": oscar: tlsFingerprint must be a SHA-256 fingerprint or an array of them/);
    writeFileSync(file, JSON.stringify({ clinics: [{ id: 'north', timezone: 'America/Toronto', oscar: oscar({ tlsFingerprint: 'AB:CD' }) }] }));
    assert.throws(() => loadClinics(env), /clinic "north": oscar\.tlsFingerprint: "AB:CD" is not a SHA-256 fingerprint/);
  });
});

describe('oscar-fhir check and a refused certificate', () => {
  let server: TlsServer;
  before(async () => { server = await httpsServer('self-signed'); });
  after(async () => { await server.close(); });

  const run = async (env: Record<string, string>): Promise<{ code: number; out: string }> => {
    const file = join(mkdtempSync(join(tmpdir(), 'check-tls-')), 'oscar-credentials.json');
    writeCredentialsFile(file, {
      OSCAR_URL: `${server.url}/oscar`, OSCAR_CONSUMER_KEY: 'k', OSCAR_CONSUMER_SECRET: 's', OSCAR_ACCESS_TOKEN: 't', OSCAR_ACCESS_TOKEN_SECRET: 'ts',
    });
    let out = '';
    const sink = new Writable({ write(chunk: Buffer, _e, cb) { out += chunk.toString(); cb(); } });
    const code = await main(['check', '--credentials', file], { stdin: new PassThrough(), stdout: sink, stderr: sink }, env);
    return { code, out };
  };

  it('says what is wrong and shows the certificate, its fingerprint and the setting to add', async () => {
    const before = server.bytes;
    const { code, out } = await run({});
    assert.equal(code, 1);
    assert.match(out, /certificate is refused \(DEPTH_ZERO_SELF_SIGNED_CERT\): the certificate is self-signed/);
    assert.ok(out.includes(`SHA-256 fingerprint  ${SELF_SIGNED}`), out);
    assert.match(out, /subject +O=oscar-fhir tests, CN=localhost/);
    assert.match(out, /issuer +O=oscar-fhir tests, CN=localhost/);
    assert.match(out, /valid +.*2026 GMT to .*2126 GMT/);
    assert.ok(out.includes(`OSCAR_TLS_FINGERPRINT=${SELF_SIGNED}`), out);
    assert.match(out, /Never set NODE_TLS_REJECT_UNAUTHORIZED=0/);
    assert.match(out, /\nThe certificate OSCAR presented:\n/);
    assert.match(out, /\nIf this is your OSCAR's certificate \(compare the fingerprint with `openssl x509 -noout -fingerprint -sha256/);
    assert.match(out, /names +DNS:localhost/);
    assert.equal(server.bytes, before, 'the check sent nothing to the unverified server');
  });

  it('a certificate of a private CA is explained as such, and OSCAR_CA_FILE then accepts it', async () => {
    const signed = await httpsServer('signed-ip');
    try {
      const out = async (env: Record<string, string>): Promise<string> => {
        const file = join(mkdtempSync(join(tmpdir(), 'check-tls-')), 'oscar-credentials.json');
        writeCredentialsFile(file, { OSCAR_URL: `${signed.url}/oscar`, OSCAR_CONSUMER_KEY: 'k', OSCAR_CONSUMER_SECRET: 's', OSCAR_ACCESS_TOKEN: 't', OSCAR_ACCESS_TOKEN_SECRET: 'ts' });
        let text = '';
        const sink = new Writable({ write(chunk: Buffer, _e, cb) { text += chunk.toString(); cb(); } });
        await main(['check', '--credentials', file], { stdin: new PassThrough(), stdout: sink, stderr: sink }, env);
        return text;
      };
      const refused = await out({});
      assert.match(refused, /refused \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): the certificate was issued by a CA that is not trusted/);
      assert.match(refused, /issuer +O=oscar-fhir tests, CN=Test Clinic CA/);
      assert.doesNotMatch(await out({ OSCAR_CA_FILE: fixture('ca.pem') }), /certificate is refused/);
    } finally { await signed.close(); }
  });

  it('oscar-fhir connect shows the same before the handshake, and sends nothing', async () => {
    const before = server.bytes;
    let out = '';
    const sink = new Writable({ write(chunk: Buffer, _e, cb) { out += chunk.toString(); cb(); } });
    const code = await main(['connect', '--oscar-url', `${server.url}/oscar`, '--consumer-key', 'k', '--soap-user', 'u', '--oob'],
      { stdin: new PassThrough(), stdout: sink, stderr: sink }, { OSCAR_CONSUMER_SECRET: 's', OSCAR_SOAP_PASSWORD: 'p' });
    assert.equal(code, 1);
    assert.ok(out.includes(`OSCAR_TLS_FINGERPRINT=${SELF_SIGNED}`), out);
    assert.equal(server.bytes, before, 'the consumer key went nowhere');
  });

  it('with a clinics file, the line to add is the clinic\'s tlsFingerprint', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'check-tls-')), 'clinics.json');
    const secret = (n: string) => ({ env: n });
    writeFileSync(file, JSON.stringify({ clinics: [{ id: 'north', timezone: 'America/Toronto', oscar: {
      url: `${server.url}/oscar`, consumerKey: secret('K'), consumerSecret: secret('K'), accessToken: secret('K'), accessTokenSecret: secret('K'), soapUserName: secret('K'), soapPassword: secret('K'),
    } }] }));
    let out = '';
    const sink = new Writable({ write(chunk: Buffer, _e, cb) { out += chunk.toString(); cb(); } });
    const code = await main(['check', '--clinics', file], { stdin: new PassThrough(), stdout: sink, stderr: sink }, {
      K: 'k', LOG_LEVEL: 'silent', PUBLIC_URL: 'https://fhir.example.org',
      SMART_ISSUER: 'https://idp.example.org', SMART_JWKS_URL: 'https://idp.example.org/jwks', SMART_TOKEN_URL: 'https://idp.example.org/token',
    });
    assert.equal(code, 1, out);
    assert.ok(out.includes(`"tlsFingerprint": "${SELF_SIGNED}" in clinic "north"'s "oscar"`), out);
    assert.match(out, /north: NOT usable/);
  });

  it('with the fingerprint set, the certificate passes and the checks go on (this server is no OSCAR)', async () => {
    const { out } = await run({ OSCAR_TLS_FINGERPRINT: SELF_SIGNED });
    assert.doesNotMatch(out, /certificate is refused/);
    assert.match(out, /What this OSCAR offers/);
  });
});
