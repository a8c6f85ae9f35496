// Which HTTPS certificates the facade accepts from OSCAR, and only from OSCAR (docs/oscar-tls.md):
// Node's public roots plus the CA certificates of OSCAR_CA_FILE, and a certificate whose SHA-256
// fingerprint is one of OSCAR_TLS_FINGERPRINT's whatever its chain and name. Nothing here is
// process-wide: the options go to the sockets of the OSCAR transport alone, so a SMART issuer or
// a token endpoint is verified exactly as before. The same readers and plans serve an https://
// outbound proxy's own certificate under its own settings (OSCAR_PROXY_CA_FILE,
// OSCAR_PROXY_TLS_FINGERPRINT: proxy.ts, docs/proxy.md §2), applied to the sockets to the proxy alone.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

/** What a deployment trusts for its OSCAR's certificate beyond the public roots (validated settings). */
export interface OscarTrust {
  /** PEM of each CA certificate of OSCAR_CA_FILE. */
  ca?: string[];
  /** SHA-256 fingerprints of OSCAR's own certificate: 64 upper-case hex digits, no colons. */
  fingerprints?: string[];
}

/** How the transport connects to one origin: computed once per origin, used for every socket. */
export interface TlsPlan {
  options: tls.ConnectionOptions;
  /**
   * With fingerprints: Node's verdict is only advice (rejectUnauthorized is off), and this runs
   * on 'secureConnect', before any request byte leaves: the refusal's code, or undefined to accept.
   */
  check?: (socket: tls.TLSSocket) => string | undefined;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The settings a trust is read from, as named in messages (OSCAR's, or the proxy's: proxy.ts). */
export interface TrustSettings {
  caFile: string;
  fingerprint: string;
}

const OSCAR_SETTINGS: TrustSettings = { caFile: 'OSCAR_CA_FILE', fingerprint: 'OSCAR_TLS_FINGERPRINT' };

/**
 * OSCAR_CA_FILE and OSCAR_TLS_FINGERPRINT as `loadConfig` reads them; problems are appended.
 * undefined when neither is set.
 */
export function oscarTrustFrom(env: Record<string, string | undefined>, oscarUrl: string | undefined, problems: string[]): OscarTrust | undefined {
  const caFile = env.OSCAR_CA_FILE;
  const fingerprintList = env.OSCAR_TLS_FINGERPRINT;
  if (!caFile && !fingerprintList) return undefined;
  const given = [caFile && 'OSCAR_CA_FILE', fingerprintList && 'OSCAR_TLS_FINGERPRINT'].filter(Boolean).join(' and ');
  if (oscarUrl === undefined) {
    problems.push(`${given}: only for a real OSCAR (OSCAR_URL); the embedded simulator needs no certificate settings`);
    return undefined;
  }
  if (new URL(oscarUrl).protocol !== 'https:') {
    problems.push(`${given}: OSCAR_URL is http://, so there is no certificate to verify; use OSCAR's https:// address`);
    return undefined;
  }
  return trustFrom(OSCAR_SETTINGS, caFile, fingerprintList, problems);
}

/**
 * A CA file and a fingerprint list (either may be unset), read and checked, with problems named
 * by `names`: OSCAR's settings above, or an https:// proxy's (proxy.ts, docs/proxy.md §2).
 */
export function trustFrom(names: TrustSettings, caFile: string | undefined, fingerprintList: string | undefined, problems: string[]): OscarTrust {
  const trust: OscarTrust = {};
  if (caFile) {
    const ca = readCaFile(names.caFile, caFile, problems);
    if (ca) trust.ca = ca;
  }
  if (fingerprintList) {
    const fingerprints = parseFingerprints(names.fingerprint, fingerprintList, problems);
    if (fingerprints) trust.fingerprints = fingerprints;
  }
  return trust;
}

function readCaFile(setting: string, file: string, problems: string[]): string[] | undefined {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) {
    problems.push(`${setting}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  const pems = text.match(PEM_CERT) ?? [];
  if (pems.length === 0) {
    problems.push(`${setting}: ${file} holds no certificate (expected one or more PEM blocks "-----BEGIN CERTIFICATE-----")`);
    return undefined;
  }
  for (const [i, pem] of pems.entries()) {
    try { new X509Certificate(pem); } catch {
      problems.push(`${setting}: certificate ${i + 1} of ${file} cannot be read`);
      return undefined;
    }
  }
  return pems;
}

/**
 * A fingerprint setting (OSCAR_TLS_FINGERPRINT…): comma-separated SHA-256 fingerprints as `openssl
 * x509 -noout -fingerprint -sha256` prints them (its "sha256 Fingerprint=" prefix, colons and case optional).
 */
function parseFingerprints(setting: string, raw: string, problems: string[]): string[] | undefined {
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const hex = part.trim().replace(/^sha-?256 fingerprint=/i, '').replace(/:/g, '').toUpperCase();
    if (!/^[0-9A-F]{64}$/.test(hex)) {
      problems.push(`${setting}: "${part.trim()}" is not a SHA-256 fingerprint (64 hex digits, colons optional, as "openssl x509 -noout -fingerprint -sha256" prints)`);
      return undefined;
    }
    out.push(hex);
  }
  return out;
}

/**
 * The connection options of an https origin of OSCAR under `trust`, beside its host, port and
 * server name; undefined without trust settings: Node's defaults, unchanged. Called once per
 * origin: the secure context (Node's roots + the CA file) is built here, not per connection.
 */
export function tlsPlanFor(trust: OscarTrust | undefined): TlsPlan | undefined {
  if (!trust || (!trust.ca && !trust.fingerprints)) return undefined;
  const options: tls.ConnectionOptions = {
    // tls.getCACertificates('default'): the roots Node would use anyway (NODE_EXTRA_CA_CERTS included).
    ...(trust.ca && { secureContext: tls.createSecureContext({ ca: [...tls.getCACertificates('default'), ...trust.ca] }) }),
  };
  if (!trust.fingerprints) return { options };
  const pinned = new Set(trust.fingerprints);
  return { options: { ...options, rejectUnauthorized: false }, check: (socket) => verdict(socket, pinned) };
}

/** Accepted (undefined) when Node verified chain and name, or the certificate is a pinned one; else why not. */
function verdict(socket: tls.TLSSocket, pinned: ReadonlySet<string>): string | undefined {
  if (socket.authorized) return undefined;
  const fp = socket.getPeerCertificate().fingerprint256;
  if (fp && pinned.has(fp.replace(/:/g, ''))) return undefined;
  return String(socket.authorizationError ?? 'CERT_REJECTED');
}

/** The refusal as a socket error, with Node's code (DEPTH_ZERO_SELF_SIGNED_CERT…). */
export function refusal(code: string, whose = "OSCAR's"): Error {
  return Object.assign(new Error(`${whose} certificate was refused (${code})`), { code });
}

// OpenSSL's verification results as Node names them (X509_V_ERR_* without the prefix), and
// Node's own TLS errors (name mismatch, handshake failures).
const VERIFY_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_CRL', 'UNABLE_TO_DECRYPT_CERT_SIGNATURE', 'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY', 'CERT_SIGNATURE_FAILURE', 'CRL_SIGNATURE_FAILURE', 'CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID', 'CRL_HAS_EXPIRED', 'ERROR_IN_CERT_NOT_BEFORE_FIELD', 'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG', 'CERT_REVOKED', 'INVALID_CA', 'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

/**
 * Whether a socket error's code is a TLS failure (a refused certificate, a failed handshake).
 * EPROTO is OpenSSL's failure surfacing through a write made before the handshake ended (an
 * https:// URL to a plain-HTTP port: "wrong version number").
 */
export function isTlsFailure(code: string | undefined): boolean {
  return code !== undefined && (VERIFY_CODES.has(code) || code === 'EPROTO' || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'));
}

/** What an operator needs to recognise a certificate (none of it is secret). */
export interface PresentedCertificate {
  /** As openssl prints it: AB:CD:… */
  fingerprint256: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  subjectAltName?: string;
}

export interface HandshakeVerdict {
  /** undefined: the certificate is accepted under these settings. */
  refused?: string;
  certificate?: PresentedCertificate;
}

/**
 * One TLS handshake with OSCAR at `url` under `trust`, for `oscar-fhir check`: accepted or
 * refused as the transport would decide, and the certificate OSCAR presented. Nothing is sent
 * on the connection: it is closed as soon as the handshake ends.
 */
export function inspectCertificate(url: URL, trust: OscarTrust | undefined, timeoutMs: number): Promise<HandshakeVerdict> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || 443;
  const plan = tlsPlanFor(trust);
  const pinned = new Set(trust?.fingerprints ?? []);
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, ...(net.isIP(host) === 0 && { servername: host }), ...plan?.options, rejectUnauthorized: false });
    socket.setTimeout(timeoutMs, () => socket.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    socket.once('secureConnect', () => {
      const c = socket.getPeerCertificate();
      const refused = verdict(socket, pinned);
      socket.destroy();
      resolve({
        ...(refused !== undefined && { refused }),
        certificate: {
          fingerprint256: c.fingerprint256, subject: dn(c.subject), issuer: dn(c.issuer), validFrom: c.valid_from, validTo: c.valid_to,
          ...(c.subjectaltname && { subjectAltName: c.subjectaltname }),
        },
      });
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve({ refused: e.code ?? 'ERR_CONNECTION' }));
  });
}

function dn(name: tls.Certificate | undefined): string {
  if (!name) return '';
  return Object.entries(name).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`).join(', ');
}

/**
 * Whose certificate `oscar-fhir check` speaks of: OSCAR's, or an https:// proxy's (docs/proxy.md
 * §2), in the words of its lines.
 */
export interface CertificateOwner {
  /** Who presented it: 'OSCAR', 'the proxy https://proxy.example.org:8443'. */
  who: string;
  /** Whose certificate the operator compares: "your OSCAR's", "your proxy's". */
  yours: string;
  /** Where its certificate file is. */
  server: string;
  /** What the settings trust it for. */
  scope: string;
  /** Where its address is set (a certificate made out to another name). */
  address: string;
  docs: string;
}

export const OSCAR_CERTIFICATE: CertificateOwner = {
  who: 'OSCAR', yours: "your OSCAR's", server: 'the OSCAR server', scope: 'OSCAR connections', address: 'OSCAR_URL', docs: 'docs/oscar-tls.md',
};

/** What each refusal means, in an operator's words. */
const MEANING: Record<string, (o: CertificateOwner) => string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: () => 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: () => 'the certificate chain ends at a CA that is not trusted (a private CA)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: (o) => `the certificate was issued by a CA that is not trusted (a private CA), or ${o.who} does not send its intermediate certificates`,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: () => 'the certificate was issued by a CA that is not trusted (a private CA)',
  ERR_TLS_CERT_ALTNAME_INVALID: (o) => `the certificate is not made out to the host name or address in ${o.address}`,
  CERT_HAS_EXPIRED: () => 'the certificate has expired',
  CERT_NOT_YET_VALID: () => 'the certificate is not valid yet (check the clocks)',
};

/** The lines `oscar-fhir check` prints about a refused certificate of `owner` (OSCAR's unless said). */
export function describeRefusal(v: HandshakeVerdict, settings: { caFile: string; fingerprint: (fp: string) => string }, owner = OSCAR_CERTIFICATE): string[] {
  const code = v.refused ?? '';
  const who = owner.who[0]!.toUpperCase() + owner.who.slice(1);
  const lines = [`${who}'s HTTPS certificate is refused (${code}): ${MEANING[code]?.(owner) ?? 'the TLS connection failed'}.`];
  const c = v.certificate;
  if (!c) return lines;
  lines.push(
    `The certificate ${owner.who} presented:`,
    `  SHA-256 fingerprint  ${c.fingerprint256}`,
    `  subject              ${c.subject}`,
    ...(c.subjectAltName ? [`  names                ${c.subjectAltName}`] : []),
    `  issuer               ${c.issuer}`,
    `  valid                ${c.validFrom} to ${c.validTo}`,
    `If this is ${owner.yours} certificate (compare the fingerprint with \`openssl x509 -noout -fingerprint -sha256 -in <its certificate file>\` on ${owner.server}), trust it for ${owner.scope} only with:`,
    `  ${settings.fingerprint(c.fingerprint256)}`,
    `or give the certificate of the CA that issued it in ${settings.caFile} (${owner.docs}). Never set NODE_TLS_REJECT_UNAUTHORIZED=0.`,
  );
  return lines;
}
