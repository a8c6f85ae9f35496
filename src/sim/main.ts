// `npm run sim`: the simulated OSCAR on its own, for trying the facade against it, for benchmarks
// and for poking at OSCAR's wire formats with curl or SoapUI. Configured by SIM_* variables;
// prints the URLs and the documented demo credentials (they open nothing but the simulator).
import type { EdgeRedirect } from './edge/redirect.js';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_PATIENTS } from './clinic/generate.js';
import { demoCredentials, type SimDemoCredentials, type SimDeployment } from './options.js';
import { isSimVariant, SIM_VARIANTS, type SimVariant, variantProfile } from './variants.js';
import { normaliseContextPath } from './app.js';
import type { Simulator } from './server.js';
import { isKnownZone } from './wall-clock.js';

type Env = Record<string, string | undefined>;

export interface SimCliSettings extends SimDeployment {
  variant: SimVariant;
  port: number;
  host: string;
  seed: number;
  patients: number;
  timezone: string;
  serverTimezone: string;
  contextPath: string;
  credentials: SimDemoCredentials;
}

export class SimSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid simulator settings:\n  - ${problems.join('\n  - ')}`);
  }
}

function int(env: Env, name: string, dflt: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!/^-?\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return dflt;
  }
  return Number(raw);
}

/** A switch spelled one of two ways; anything else is a problem. */
function choice(env: Env, name: string, on: string, off: string, dflt: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (raw === on) return true;
  if (raw === off) return false;
  problems.push(`${name} must be ${on} or ${off} (got "${raw}")`);
  return dflt;
}

/** Reads and checks the SIM_* settings; every problem is reported at once. */
export function readSimSettings(env: Env = process.env): SimCliSettings {
  const problems: string[] = [];
  const port = int(env, 'SIM_PORT', 8081, 0, 65535, problems);
  const host = env.SIM_HOST || '127.0.0.1';
  const seed = int(env, 'SIM_SEED', 1, -2147483648, 2147483647, problems);
  const patients = int(env, 'SIM_PATIENTS', DEFAULT_PATIENTS, 1, 100_000, problems);
  const timezone = env.SIM_TIMEZONE || 'America/Toronto';
  if (!isKnownZone(timezone)) problems.push(`SIM_TIMEZONE must be an IANA zone name such as America/Toronto (got "${timezone}")`);
  const serverTimezone = env.SIM_SERVER_TIMEZONE || timezone;
  if (!isKnownZone(serverTimezone)) problems.push(`SIM_SERVER_TIMEZONE must be an IANA zone name such as America/Vancouver (got "${serverTimezone}")`);
  const restModule = choice(env, 'SIM_REST_MODULE', 'on', 'off', true, problems);
  const edgeDenyPut = choice(env, 'SIM_EDGE_DENY_PUT', '1', '0', false, problems);
  const soapWaf = choice(env, 'SIM_SOAP_WAF', '1', '0', false, problems);
  const rawVariant = env.SIM_VARIANT || 'openo';
  let variant: SimVariant = 'openo';
  if (isSimVariant(rawVariant)) variant = rawVariant;
  else problems.push(`SIM_VARIANT must be one of ${SIM_VARIANTS.join(', ')} (got "${rawVariant}")`);
  const rawAllowlist = env.SIM_IP_ALLOWLIST || 'allow';
  let ipAllowlist: 'allow' | 'deny' = 'allow';
  if (rawAllowlist === 'allow' || rawAllowlist === 'deny') ipAllowlist = rawAllowlist;
  else problems.push(`SIM_IP_ALLOWLIST must be allow or deny (got "${rawAllowlist}")`);
  const rawRedirect = env.SIM_EDGE_REDIRECT || 'none';
  let edgeRedirect: EdgeRedirect = 'none';
  if (rawRedirect === 'none' || rawRedirect === 'https' || rawRedirect === 'front-page') edgeRedirect = rawRedirect;
  else problems.push(`SIM_EDGE_REDIRECT must be none, https or front-page (got "${rawRedirect}")`);
  if (ipAllowlist === 'deny' && variant !== 'juno') {
    problems.push('SIM_IP_ALLOWLIST=deny needs SIM_VARIANT=juno: only Juno has the web-service IP allow-list');
  }
  let contextPath = '/oscar';
  try { contextPath = normaliseContextPath(env.SIM_CONTEXT ?? '/oscar'); } catch {
    problems.push(`SIM_CONTEXT must be a path such as /oscar, or empty for the root (got "${env.SIM_CONTEXT}")`);
  }
  const credentials = demoCredentials(env);
  if (!/^\d{1,6}$/.test(credentials.providerNo)) problems.push(`SIM_PROVIDER_NO must be 1 to 6 digits, as OSCAR provider numbers are (got "${credentials.providerNo}")`);
  if (!Number.isSafeInteger(credentials.securityNo) || credentials.securityNo < 1 || credentials.securityNo > 999_999) {
    problems.push(`SIM_SECURITY_NO must be a whole number from 1 to 999999 (got "${env.SIM_SECURITY_NO}")`);
  }
  const textual: [keyof SimDemoCredentials, string][] = [
    ['consumerKey', 'SIM_CONSUMER_KEY'], ['consumerSecret', 'SIM_CONSUMER_SECRET'], ['accessToken', 'SIM_ACCESS_TOKEN'],
    ['accessTokenSecret', 'SIM_ACCESS_TOKEN_SECRET'], ['soapUserName', 'SIM_SOAP_USERNAME'], ['soapPassword', 'SIM_SOAP_PASSWORD'],
  ];
  for (const [key, name] of textual) {
    const v = String(credentials[key]);
    if (v === '' || /[\s"%+,]/.test(v)) problems.push(`${name} must be non-empty, without spaces, quotes, commas, % or + (they break OAuth headers)`);
  }
  if (problems.length) throw new SimSettingsError(problems);
  return { port, host, seed, patients, timezone, serverTimezone, contextPath, credentials, variant, restModule, edgeDenyPut, soapWaf, ipAllowlist, edgeRedirect };
}

/** The deployment switches in one line, e.g. "JVM zone America/Vancouver, REST module on, HAProxy denies PUT". */
function deploymentLine(s: SimCliSettings): string {
  return [
    s.serverTimezone === s.timezone ? `JVM zone ${s.serverTimezone} (= clinic)` : `JVM zone ${s.serverTimezone} (clinic ${s.timezone})`,
    `REST module ${s.restModule ? 'on' : 'off'}`,
    ...(s.edgeDenyPut ? ['HAProxy denies PUT'] : []),
    ...(s.soapWaf ? ['Cloudflare WAF blocks SOAP'] : []),
    ...(s.ipAllowlist === 'deny' ? ['caller not on the IP allow-list'] : []),
    ...(s.edgeRedirect === 'https' ? ['nginx redirects every request to https://'] : s.edgeRedirect === 'front-page' ? ['nginx redirects paths outside the context to its front page'] : []),
  ].join(', ');
}

/** What the CLI prints once the simulator listens. */
export function banner(sim: Simulator, s: SimCliSettings): string {
  const c = s.credentials;
  return [
    `Simulated OSCAR listening at ${sim.url}  (${sim.store.data.demographics.length} synthetic patients, seed ${s.seed}, ${s.timezone}, Node ${process.version})`,
    `  Variant:            ${s.variant} = line ${variantProfile(s.variant).line}`,
    `  Deployment:         ${deploymentLine(s)}`,
    s.restModule ? `  REST (OAuth 1.0a):  ${sim.url}/ws/${s.variant === 'juno' ? 'services/v1' : 'services'}` : '  REST (OAuth 1.0a):  absent (SIM_REST_MODULE=off: ModuleNames without REST)',
    `  SOAP services:      ${sim.url}/ws/   (e.g. ${sim.url}/ws/DemographicService?wsdl)`,
    `  OAuth provider:     ${sim.url}/ws/oauth/initiate | authorize | token`,
    '',
    'Demo credentials (simulator only):',
    `  OAuth consumer key / secret:  ${c.consumerKey} / ${c.consumerSecret}`,
    `  OAuth access token / secret:  ${c.accessToken} / ${c.accessTokenSecret}   (acts as provider ${c.providerNo})`,
    `  SOAP user name / password:    ${c.soapUserName} / ${c.soapPassword}   (WS-Security username = securityNo ${c.securityNo})`,
    '',
    'For the facade:',
    `  OSCAR_URL=${sim.url}`,
    `  OSCAR_CONSUMER_KEY=${c.consumerKey}`,
    `  OSCAR_CONSUMER_SECRET=${c.consumerSecret}`,
    `  OSCAR_ACCESS_TOKEN=${c.accessToken}`,
    `  OSCAR_ACCESS_TOKEN_SECRET=${c.accessTokenSecret}`,
    `  OSCAR_SOAP_USERNAME=${c.soapUserName}`,
    `  OSCAR_SOAP_PASSWORD=${c.soapPassword}`,
    `  OSCAR_TIMEZONE=${s.timezone}`,
    '',
    `Test/dev admin API: http://${sim.url.split('/')[2]}/__sim/faults | /__sim/stats | /__sim/restart`,
  ].join('\n');
}

async function main(): Promise<void> {
  let settings: SimCliSettings;
  try {
    settings = readSimSettings();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
  let sim: Simulator;
  try {
    // Loaded here so the settings and banner can be tested without the protocol routers.
    const { startSimulator } = await import('./server.js');
    sim = await startSimulator({ ...settings, admin: true });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    console.error(err.code === 'EADDRINUSE' ? `SIM_PORT ${settings.port} is already in use on ${settings.host}` : `cannot start the simulator: ${err.message}`);
    process.exit(1);
  }
  process.stdout.write(`${banner(sim, settings)}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) { process.exit(1); } // a second Ctrl-C: give up waiting
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the simulator…\n`);
    sim.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

// Run only as the entry point (tests import readSimSettings/banner).
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  void main();
}
