// Several clinics in one deployment for integration tests: one simulator per clinic (each its own
// seed, zone and OSCAR credentials), a clinics file read through loadClinics exactly as `npm start`
// reads CLINICS_FILE (secrets from environment variables and from a credentials file), and the
// one server of createDeployment. Every clinic registers the same Backend Services client with
// the same key: isolation must not depend on clients being told apart by name. With
// `stateDatabaseUrl` every clinic keeps its state on that PostgreSQL; with `instances` > 1 that
// many deployments serve behind a round-robin balancer (the public URL is the balancer's).
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { AuditEvent } from 'fhir/r4.js';
import { loadClinics } from '../../src/clinics/clinic-config.js';
import { createDeployment, type Deployment } from '../../src/clinics/deployment.js';
import { createLogger } from '../../src/logging.js';
import { openPostgresHost, type PostgresHost } from '../../src/state/postgres/index.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { keyPair, type KeyPair } from '../auth/fixture.js';
import type { FhirAnswer } from './stack.js';
import { freePort } from './stack.js';
import { startRoundRobin } from './round-robin.js';

export interface ClinicSpec {
  id: string;
  seed: number;
  timezone: string;
  patients?: number;
  /** More keys of the clinic's entry in the clinics file (opsToken, externalIssuer…). */
  entry?: Record<string, unknown>;
}

export interface TestClinic {
  id: string;
  sim: Simulator;
  /** Public FHIR base, e.g. http://127.0.0.1:PORT/clinics/north/fhir */
  base: string;
  /** A Backend Services token of this clinic's authorization server. */
  token(scope?: string): Promise<string>;
  /** GET/POST… a path below the base (or an absolute URL) with a bearer token. */
  as(token: string, path: string, init?: RequestInit): Promise<FhirAnswer>;
}

export interface ClinicsOptions {
  /** Extra environment for loadClinics (READY_CACHE_MS, OSCAR_RETRIES…). */
  env?: Record<string, string>;
  /** Each clinic's state on this PostgreSQL (openPostgresState with the clinic's id). */
  stateDatabaseUrl?: string;
  /** Deployments behind a round-robin balancer (default 1, no balancer). */
  instances?: number;
  /** SMART apps registered at every clinic, beside the Backend Services client (clients-file entries). */
  apps?: Record<string, unknown>[];
}

/** A clinic's OSCAR login at its simulator's sign-in page (its SOAP user, as the simulator makes it). */
export function oscarLoginOf(id: string): { name: string; password: string } {
  const c = credentialsOf(id);
  return { name: c.soapUserName, password: c.soapPassword };
}

export interface ClinicsStack {
  /** The first instance. */
  deployment: Deployment;
  deployments: Deployment[];
  origin: string;
  clinics: Record<string, TestClinic>;
  /** The OPS_TOKEN of the deployment. */
  opsToken: string;
  /** Audit records written so far (every clinic's, in one file). */
  audit(): AuditEvent[];
  close(): Promise<void>;
}

export const CLIENT_ID = 'booking';
const OPS_TOKEN = 'ops-token-for-the-clinics-tests';

/** What a clinic's OSCAR credentials are: distinct per clinic, so a mixed-up connection fails. */
function credentialsOf(id: string): ReturnType<typeof demoCredentials> {
  return demoCredentials({
    SIM_CONSUMER_KEY: `${id}-consumer`, SIM_CONSUMER_SECRET: `${id}-consumer-secret`,
    SIM_ACCESS_TOKEN: `${id}-access-token`, SIM_ACCESS_TOKEN_SECRET: `${id}-access-secret`,
    SIM_SOAP_USERNAME: `${id}doc`, SIM_SOAP_PASSWORD: `${id}-soap-password`,
  });
}

async function fetchAnswer(url: string, init?: RequestInit): Promise<FhirAnswer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try { body = text ? JSON.parse(text) : undefined; } catch { body = undefined; }
  return { status: res.status, headers: res.headers, body, text };
}

export async function startClinics(specs: readonly ClinicSpec[], opts: ClinicsOptions = {}): Promise<ClinicsStack> {
  const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-clinics-'));
  const key: KeyPair = await keyPair('ES384');
  const sims = new Map<string, Simulator>();
  for (const s of specs) {
    sims.set(s.id, await startSimulator({ port: 0, seed: s.seed, timezone: s.timezone, patients: s.patients ?? 25, credentials: credentialsOf(s.id) }));
  }
  const env: Record<string, string> = {};
  const entries = specs.map((s, i) => {
    const sim = sims.get(s.id)!;
    const c = credentialsOf(s.id);
    const clientsFile = join(dir, `${s.id}-clients.json`);
    writeFileSync(clientsFile, JSON.stringify({ clients: [{ client_id: CLIENT_ID, scope: 'system/*.cruds', jwks: { keys: [key.publicJwk] } }, ...opts.apps ?? []] }));
    const entry = { id: s.id, timezone: s.timezone, smartClientsFile: clientsFile, ...s.entry };
    // The first clinic's secrets come from environment variables, the others' from a credentials file.
    if (i === 0) {
      const prefix = s.id.toUpperCase().replace(/-/g, '_');
      Object.assign(env, {
        [`${prefix}_CK`]: c.consumerKey, [`${prefix}_CS`]: c.consumerSecret, [`${prefix}_AT`]: c.accessToken,
        [`${prefix}_ATS`]: c.accessTokenSecret, [`${prefix}_SU`]: c.soapUserName,
      });
      const soapPasswordFile = join(dir, `${s.id}-soap-password`);
      writeFileSync(soapPasswordFile, `${c.soapPassword}\n`, { mode: 0o600 });
      return {
        ...entry,
        oscar: {
          url: sim.url, consumerKey: { env: `${prefix}_CK` }, consumerSecret: { env: `${prefix}_CS` }, accessToken: { env: `${prefix}_AT` },
          accessTokenSecret: { env: `${prefix}_ATS` }, soapUserName: { env: `${prefix}_SU` }, soapPassword: { file: soapPasswordFile },
        },
      };
    }
    const credentialsFile = join(dir, `${s.id}-credentials.json`);
    writeFileSync(credentialsFile, JSON.stringify({
      OSCAR_CONSUMER_KEY: c.consumerKey, OSCAR_CONSUMER_SECRET: c.consumerSecret, OSCAR_ACCESS_TOKEN: c.accessToken,
      OSCAR_ACCESS_TOKEN_SECRET: c.accessTokenSecret, OSCAR_SOAP_USERNAME: c.soapUserName, OSCAR_SOAP_PASSWORD: c.soapPassword,
    }));
    chmodSync(credentialsFile, 0o600);
    return { ...entry, oscar: { url: sim.url, credentialsFile } };
  });
  const clinicsFile = join(dir, 'clinics.json');
  writeFileSync(clinicsFile, JSON.stringify({ clinics: entries }));
  const instances = opts.instances ?? 1;
  const lb = instances > 1 ? await startRoundRobin() : undefined;
  const port = lb ? 0 : await freePort();
  const origin = `http://127.0.0.1:${lb?.port ?? port}`;
  const auditFile = join(dir, 'audit.jsonl');
  // Instances that share their state read each other's export files: one spool key for all.
  const bulkKeyFile = join(dir, 'bulk.key');
  writeFileSync(bulkKeyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  const deployments: Deployment[] = [];
  const hosts: PostgresHost[] = [];
  const ports: number[] = [];
  for (let i = 0; i < instances; i++) {
    const configs = loadClinics({
      ...env, CLINICS_FILE: clinicsFile, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: origin,
      VALIDATION_MODE: 'strict', LOG_LEVEL: 'silent', CHANGE_POLL_SECONDS: '0', CAPABILITY_DISCOVERY: 'false',
      AUDIT_LOG: auditFile, BULK_DIR: join(dir, `bulk-${i}`), BULK_KEY_FILE: bulkKeyFile, OPS_TOKEN, ...opts.env,
    });
    // As `npm start` does: one host on the state database per instance, one state per clinic on it.
    const host = opts.stateDatabaseUrl ? await openPostgresHost({ url: opts.stateDatabaseUrl }) : undefined;
    if (host) hosts.push(host);
    const parts = [];
    for (const c of configs) {
      const state = await host?.state(c.id);
      parts.push({ id: c.id, config: c.config, oscar: c.config.oscar!, ...(c.opsToken && { opsToken: c.opsToken }), ...(state && { options: { state } }) });
    }
    const deployment = createDeployment(parts, createLogger('silent'));
    ports.push(await deployment.listen());
    deployments.push(deployment);
  }
  lb?.setTargets(ports);

  const clinics: Record<string, TestClinic> = {};
  for (const s of specs) {
    const base = `${origin}/clinics/${s.id}/fhir`;
    clinics[s.id] = {
      id: s.id, sim: sims.get(s.id)!, base,
      async token(scope = 'system/*.rs') {
        const tokenUrl = `${base}/auth/token`;
        const now = Math.floor(Date.now() / 1000);
        const assertion = await new SignJWT({})
          .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
          .setIssuer(CLIENT_ID).setSubject(CLIENT_ID).setAudience(tokenUrl)
          .setExpirationTime(now + 240).setIssuedAt(now).setJti(randomUUID())
          .sign(key.privateKey);
        const res = await fetchAnswer(tokenUrl, {
          method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials', scope, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }).toString(),
        });
        if (res.status !== 200) throw new Error(`token request at ${s.id} failed: ${res.status} ${res.text}`);
        return String(res.body.access_token);
      },
      as(token, path, init = {}) {
        const url = path.startsWith('http') ? path : `${base}${path}`;
        return fetchAnswer(url, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` } });
      },
    };
  }
  return {
    deployment: deployments[0]!, deployments, origin, clinics, opsToken: OPS_TOKEN,
    audit: () => readFileSync(auditFile, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as AuditEvent),
    async close() {
      for (const d of deployments) await d.close();
      for (const h of hosts) await h.close();
      await lb?.close();
      for (const sim of sims.values()) await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
