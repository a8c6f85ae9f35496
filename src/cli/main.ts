// The `oscar-fhir` command line (bin/oscar-fhir.js): `connect` and `check`. Secrets come from
// the environment or a prompt; a secret given as a flag would show in the process list.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, connectionFromVariables, oscarUrlOf } from '../config.js';
import { proxySettingsFrom } from '../oscar/proxy.js';
import { check, connect, type CliIo } from './connect.js';
import { checkClinics } from './check-clinics.js';
import { readCredentialsFile } from '../config/credentials-file.js';
import { isValidTimeZone } from '../time/zone.js';
import { oscarTrustFrom } from '../oscar/tls-trust.js';

const USAGE = `Usage: oscar-fhir <command> [options]

Commands:
  connect   Connect the facade to an OSCAR: OAuth 1.0a approval in a browser, a credentials
            file only you can read, and a connectivity report (REST, SOAP, clock).
  check     The connectivity report for an existing credentials file, then what this OSCAR
            offers (SOAP, REST, HTTP PUT, server zone), what the facade cannot serve there,
            and what to fix. Exits 1 only when nothing usable is reachable.
  help      This text.

connect options (environment variables in brackets):
  --oscar-url URL        OSCAR web-app URL, e.g. https://emr.example.org/oscar  [OSCAR_URL]
  --consumer-key KEY     REST client key (OSCAR: Administration > Integration > REST Clients)
                                                                             [OSCAR_CONSUMER_KEY]
                         its secret: [OSCAR_CONSUMER_SECRET], or asked for
  --soap-user NAME       OSCAR user name for SOAP (LoginService.login2)      [OSCAR_SOAP_USERNAME]
                         its password: [OSCAR_SOAP_PASSWORD], or asked for
  --out FILE             credentials file to write (default: oscar-credentials.json)
  --oob                  paste the verifier OSCAR shows instead of a local callback listener
                         (when the browser runs on another computer)
  --callback-port N      port of the local callback listener (default: any free port)
  --scope "A B"          scopes shown on OSCAR's consent page (stored, not enforced, by OSCAR)
  --open                 open the consent page in the default browser
  --timeout SECONDS      how long to wait for the approval (default: 600)
  OSCAR's HTTPS certificate, when not publicly trusted (connect and check; docs/oscar-tls.md):
                         CA certificates (PEM) trusted for OSCAR            [OSCAR_CA_FILE]
                         SHA-256 fingerprint(s) of OSCAR's certificate      [OSCAR_TLS_FINGERPRINT]

check options:
  --credentials FILE     credentials file (default: oscar-credentials.json)  [OSCAR_CREDENTIALS_FILE]
                         the clinic's zone, compared with OSCAR's:            [OSCAR_TIMEZONE]
  --clinics FILE         check every clinic of a clinics file instead, as the server reads it
                         (the secrets it names from this environment)                [CLINICS_FILE]
  --clinic ID            with --clinics: only this clinic

Then start the server with OSCAR_CREDENTIALS_FILE=<file> npm start.
`;

class UsageError extends Error {}

/** Asks for a secret without echoing it (only on a terminal). */
async function askSecret(io: CliIo, question: string): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream;
  if (!stdin.isTTY) throw new UsageError(`${question}: not given, and there is no terminal to ask on`);
  const rl = createInterface({ input: stdin, output: io.stdout, terminal: true });
  const muted = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WritableStream };
  let prompted = false;
  muted._writeToOutput = (s: string) => { if (!prompted) { muted.output.write(s); prompted = true; } };
  try {
    return await new Promise<string>((resolve) => rl.question(`${question}: `, resolve));
  } finally {
    rl.close();
    io.stdout.write('\n');
  }
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`${what} is required`);
  return value;
}

async function runConnect(argv: string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: argv, allowPositionals: false, strict: true,
    options: {
      'oscar-url': { type: 'string' }, 'consumer-key': { type: 'string' }, 'soap-user': { type: 'string' },
      out: { type: 'string' }, oob: { type: 'boolean' }, 'callback-port': { type: 'string' }, scope: { type: 'string' },
      open: { type: 'boolean' }, timeout: { type: 'string' },
    },
  });
  // Checked as the server checks OSCAR_URL (no user:password@), before anything is printed.
  const problems: string[] = [];
  const oscarUrl = oscarUrlOf('--oscar-url (or OSCAR_URL)', required(values['oscar-url'] ?? env.OSCAR_URL, '--oscar-url (or OSCAR_URL)'), problems);
  if (oscarUrl === undefined) throw new ConfigError(problems);
  const consumerKey = required(values['consumer-key'] ?? env.OSCAR_CONSUMER_KEY, '--consumer-key (or OSCAR_CONSUMER_KEY)');
  const soapUser = required(values['soap-user'] ?? env.OSCAR_SOAP_USERNAME, '--soap-user (or OSCAR_SOAP_USERNAME): the server needs SOAP too');
  const port = Number(values['callback-port'] ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--callback-port must be a port number');
  const timeout = Number(values.timeout ?? 600);
  if (!(timeout > 0)) throw new UsageError('--timeout must be a number of seconds');
  // The outbound proxy (OSCAR_PROXY, HTTP(S)_PROXY, NO_PROXY; docs/proxy.md) and the certificate
  // trust (OSCAR_CA_FILE, OSCAR_TLS_FINGERPRINT; docs/oscar-tls.md) the server would use.
  const proxy = proxySettingsFrom(env, oscarUrl, problems);
  const tls = oscarTrustFrom(env, oscarUrl, problems);
  if (problems.length) throw new ConfigError(problems);
  const consumerSecret = env.OSCAR_CONSUMER_SECRET || await askSecret(io, 'OSCAR consumer secret');
  const soapPassword = env.OSCAR_SOAP_PASSWORD || await askSecret(io, `OSCAR password of ${soapUser}`);
  return connect({
    oscarUrl, consumerKey, consumerSecret, soapUser, soapPassword, ...(proxy && { proxy }),
    out: values.out ?? 'oscar-credentials.json', ...(values.scope && { scope: values.scope }),
    mode: values.oob ? 'oob' : 'callback', callbackPort: port, open: values.open === true, timeoutMs: timeout * 1000, ...(tls && { tls }),
  }, io);
}

async function runCheck(argv: string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({ args: argv, strict: true, options: { credentials: { type: 'string' }, clinics: { type: 'string' }, clinic: { type: 'string' } } });
  // A clinics file unless a credentials file is asked for: what the server would read.
  const clinicsFile = values.clinics ?? (values.credentials === undefined ? env.CLINICS_FILE : undefined);
  if (clinicsFile) return checkClinics(clinicsFile, values.clinic, io, env);
  if (values.clinic !== undefined) throw new UsageError('--clinic needs a clinics file (--clinics or CLINICS_FILE)');
  const file = values.credentials ?? env.OSCAR_CREDENTIALS_FILE ?? 'oscar-credentials.json';
  const problems: string[] = [];
  const c = readCredentialsFile(file, problems);
  if (problems.length) throw new ConfigError(problems);
  const need = ['OSCAR_URL', 'OSCAR_CONSUMER_KEY', 'OSCAR_CONSUMER_SECRET', 'OSCAR_ACCESS_TOKEN', 'OSCAR_ACCESS_TOKEN_SECRET'] as const;
  const missing = need.filter((k) => !c[k]);
  if (missing.length) throw new UsageError(`${file} lacks ${missing.join(', ')}: run "oscar-fhir connect" again`);
  const clinicZone = env.OSCAR_TIMEZONE || 'America/Toronto';
  if (!isValidTimeZone(clinicZone)) throw new UsageError(`OSCAR_TIMEZONE must be an IANA zone name such as America/Toronto (got "${clinicZone}")`);
  // The file's OSCAR_URL as the server reads it (no user:password@), before it is printed.
  const url = oscarUrlOf('OSCAR_URL', c.OSCAR_URL!, problems);
  if (url === undefined) throw new ConfigError(problems);
  const proxy = proxySettingsFrom(env, url, problems);
  // OSCAR_CA_FILE and OSCAR_TLS_FINGERPRINT of the environment, as the server reads them.
  const tls = oscarTrustFrom(env, url, problems);
  if (problems.length) throw new ConfigError(problems);
  // The connection the server would build from this file and environment (a SOAP login left out is '' and reported).
  return check({ ...connectionFromVariables(url, c), ...(proxy && { proxy }), ...(tls && { tls }) }, clinicZone, io);
}

export async function main(argv: string[], io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }, env = process.env): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'connect': return await runConnect(rest, io, env);
      case 'check': return await runCheck(rest, io, env);
      case 'help': case '--help': case '-h':
        io.stdout.write(`${USAGE}\nRunning on Node ${process.version}.\n`);
        return 0;
      default:
        io.stderr.write(`${command === undefined ? 'oscar-fhir: a command is needed' : `oscar-fhir: unknown command "${command}"`}\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`oscar-fhir ${command}: ${(e as Error).message}\n(see "oscar-fhir help")\n`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.stderr.write(`oscar-fhir ${command}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

// Run when executed directly (node --import tsx src/cli/main.ts, or through bin/oscar-fhir.js).
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
