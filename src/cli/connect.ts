// `oscar-fhir connect`: gets the facade its OSCAR credentials. Runs OSCAR's 3-legged OAuth 1.0a
// handshake (contract 2.3) with a person approving in a browser, writes everything the server
// needs to a credentials file only its owner can read, and reports whether REST and SOAP work.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { checkConnectivity, formatReport, type ConnectionCredentials } from './connectivity.js';
import { formatCapabilities, probeCapabilities, unexplained } from './capability-report.js';
import { usable } from '../oscar/capabilities/live-checks.js';
import { writeCredentialsFile } from '../config/credentials-file.js';
import { authorizeUrl, exchange, HandshakeError, initiate } from '../oscar/oauth1-handshake.js';
import { proxyRoute, type ProxySettings } from '../oscar/proxy.js';
import { promptVerifier, startCallbackListener, type CallbackListener } from './verifier-input.js';
import { describeRefusal, inspectCertificate, type CertificateOwner, type OscarTrust } from '../oscar/tls-trust.js';

export interface ConnectOptions {
  /** OSCAR web-app base URL, e.g. https://emr.example.org/oscar. */
  oscarUrl: string;
  consumerKey: string;
  consumerSecret: string;
  soapUser?: string;
  soapPassword?: string;
  /** The outbound proxy toward OSCAR (docs/proxy.md); absent = direct. */
  proxy?: ProxySettings;
  /** Where the credentials go (mode 0600). */
  out: string;
  /** OSCAR's own (stored, unenforced) scope list shown on the consent page. */
  scope?: string;
  /** 'callback': a listener on this computer receives the verifier; 'oob': the person pastes it. */
  mode: 'callback' | 'oob';
  /** Port of the callback listener (0 = any free port). */
  callbackPort: number;
  /** Try to open the consent page in the default browser. */
  open: boolean;
  /** How long to wait for the person to approve. */
  timeoutMs: number;
  /** Certificates trusted for OSCAR beyond the public roots (OSCAR_CA_FILE, OSCAR_TLS_FINGERPRINT). */
  tls?: OscarTrust;
}

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

function openInBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => {}); // no browser here: the URL is printed anyway
    child.unref();
  } catch { /* printed anyway */ }
}

/** Runs the whole connect flow; resolves with the process exit code. */
/** ' through the proxy http://host:port' when OSCAR is reached through one (never its credentials). */
function through(oscarUrl: string, proxy: ProxySettings | undefined): string {
  const via = proxy && proxyRoute(proxy, new URL(oscarUrl));
  return via ? ` through the proxy ${via.label}` : '';
}

export async function connect(o: ConnectOptions, io: CliIo): Promise<number> {
  const say = (s = ''): void => { io.stdout.write(`${s}\n`); };
  const consumer = { key: o.consumerKey, secret: o.consumerSecret };
  const out = resolve(o.out);
  let listener: CallbackListener | undefined;
  try {
    if (o.mode === 'callback') listener = await startCallbackListener(o.callbackPort);
    const callback = listener?.url ?? 'oob';
    say(`Connecting to OSCAR at ${o.oscarUrl}${through(o.oscarUrl, o.proxy)}`);
    if (await refusedCertificate(o.oscarUrl, o.tls, o.proxy, io, ENV_SETTINGS)) return 1;
    const reach = { proxy: o.proxy, ...(o.tls && { tls: o.tls }) };
    const request = await initiate(o.oscarUrl, consumer, callback, o.scope, reach);
    const url = authorizeUrl(o.oscarUrl, request.token);
    say('');
    say('Open this page, log in to OSCAR as the user the facade should act as, and click Authorize:');
    say('');
    say(`  ${url}`);
    say('');
    if (o.open) openInBrowser(url);
    let verifier: string;
    if (listener) {
      say(`Waiting for OSCAR to send the browser back to ${listener.url} …`);
      verifier = await listener.verifier(request.token, o.timeoutMs);
    } else {
      verifier = await promptVerifier(io.stdin, io.stdout, o.timeoutMs);
    }
    const access = await exchange(o.oscarUrl, consumer, request, verifier, reach);
    say('Access token received.');

    const report = await checkConnectivity({
      url: o.oscarUrl, consumerKey: o.consumerKey, consumerSecret: o.consumerSecret,
      accessToken: access.token, accessTokenSecret: access.secret,
      ...(o.soapUser && { soapUserName: o.soapUser }), ...(o.soapPassword && { soapPassword: o.soapPassword }),
      ...(o.proxy && { proxy: o.proxy }), ...(o.tls && { tls: o.tls }),
    });
    // The OAuth token took a person's approval: keep it even when a SOAP check failed.
    writeCredentialsFile(out, {
      OSCAR_URL: o.oscarUrl, OSCAR_CONSUMER_KEY: o.consumerKey, OSCAR_CONSUMER_SECRET: o.consumerSecret,
      OSCAR_ACCESS_TOKEN: access.token, OSCAR_ACCESS_TOKEN_SECRET: access.secret,
      ...(o.soapUser && { OSCAR_SOAP_USERNAME: o.soapUser }), ...(o.soapPassword && { OSCAR_SOAP_PASSWORD: o.soapPassword }),
      ...(report.providerNo && { providerNo: report.providerNo }),
      connectedAt: new Date().toISOString(),
    });
    say(`Credentials written to ${out} (readable only by you, mode 600).`);
    say('');
    say('Connectivity:');
    say(formatReport(report));
    say('');
    if (report.ok) {
      say(`Start the server with: OSCAR_CREDENTIALS_FILE=${out} npm start`);
      return 0;
    }
    say('Some checks failed (see above). Fix them, then run "oscar-fhir check" to try again.');
    return 1;
  } catch (e) {
    io.stderr.write(`oscar-fhir connect: ${e instanceof HandshakeError || e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    await listener?.close();
  }
}

/** How the settings that trust OSCAR's certificate are written where `check` reads them. */
export interface TrustSettingNames {
  /** The line that trusts this fingerprint. */
  fingerprint: (fp: string) => string;
  /** Where a CA certificate file is named. */
  caFile: string;
  /** The same for an https:// proxy's own certificate (docs/proxy.md §2). */
  proxy: { fingerprint: (fp: string) => string; caFile: string };
}

const ENV_SETTINGS: TrustSettingNames = {
  fingerprint: (fp) => `OSCAR_TLS_FINGERPRINT=${fp}`, caFile: 'OSCAR_CA_FILE',
  proxy: { fingerprint: (fp) => `OSCAR_PROXY_TLS_FINGERPRINT=${fp}`, caFile: 'OSCAR_PROXY_CA_FILE' },
};

/** An https:// proxy as the owner of the certificate `check` describes. */
const proxyCertificate = (label: string): CertificateOwner => ({
  who: `the proxy ${label}`, yours: "your proxy's", server: 'the proxy', scope: 'the connections to the proxy',
  address: 'the proxy URL (OSCAR_PROXY, HTTPS_PROXY or HTTP_PROXY)', docs: 'docs/proxy.md §2',
});

/**
 * Whether OSCAR presents a certificate these settings refuse; if so, what the operator needs to
 * decide whether to trust it is printed: every later step would only fail with it.
 */
async function refusedCertificate(oscarUrl: string, trust: OscarTrust | undefined, proxy: ProxySettings | undefined, io: CliIo, settings: TrustSettingNames): Promise<boolean> {
  const url = new URL(oscarUrl);
  const route = proxy && proxyRoute(proxy, url);
  if (route) {
    // Through a proxy, OSCAR may not be reachable directly (a firewall would hold the handshake for
    // the whole timeout): its certificate is not inspected here, and a refusal still shows as the
    // transport's TLS failure, with its code, in the connectivity report. An https:// proxy's own
    // certificate is, the same way as OSCAR's, on one handshake with the proxy alone.
    if (!route.tls) return false;
    const seen = await inspectCertificate(new URL(route.label), proxy.trust, 15_000);
    if (seen.refused === undefined || !seen.certificate) return false;
    io.stdout.write(`${describeRefusal(seen, settings.proxy, proxyCertificate(route.label)).join('\n')}\n`);
    return true;
  }
  if (url.protocol !== 'https:') return false;
  const seen = await inspectCertificate(url, trust, 15_000);
  if (seen.refused === undefined || !seen.certificate) return false;
  io.stdout.write(`${describeRefusal(seen, settings).join('\n')}\n`);
  return true;
}

/**
 * `oscar-fhir check`: the connectivity report for an existing credentials file, then what this
 * OSCAR offers and what to fix. Fails (1) only when nothing usable is reachable: a SOAP-only
 * clinic is a normal clinic.
 */
export async function check(creds: ConnectionCredentials, clinicZone: string, io: CliIo, settings: TrustSettingNames = ENV_SETTINGS): Promise<number> {
  io.stdout.write(`Checking OSCAR at ${creds.url}${through(creds.url, creds.proxy)}\n`);
  if (await refusedCertificate(creds.url, creds.tls, creds.proxy, io, settings)) return 1;
  const found = await probeCapabilities(creds, clinicZone, 15_000);
  const report = unexplained(await checkConnectivity(creds), found.map);
  if (report.checks.length) io.stdout.write(`${formatReport(report)}\n\n`);
  io.stdout.write(`${formatCapabilities(found)}\n`);
  return usable(found.map) ? 0 : 1;
}
