// The security layer seam: who is calling, what they may do, and the audit trail.
// app.ts wires whatever createAuth returns into the HTTP handler, the router hooks and the
// Express app, so the rest of the server does not change when this layer grows.
import type { IncomingMessage } from 'node:http';
import express, { type Express } from 'express';
import type { CapabilityStatementRestSecurity } from 'fhir/r4.js';
import type { Registry as MetricsRegistry } from 'prom-client';
import type { Config } from '../config.js';
import type { FhirRequest, FinishedRequest, Registry, RouterHooks } from '../fhir/index.js';
import type { Logger } from '../logging.js';
import type { Attempt } from '../http/body-admission.js';
import { AccessTokenVerifier } from './access-token.js';
import { refuseWithoutScope } from './attempt.js';
import { auditEventFor, tokenAuditEventFor } from './audit.js';
import { createAuditSink, type AuditSink } from './audit-sink.js';
import { AuditFactsRegistry, type AuthContext } from './context.js';
import { authEndpoints, capabilitySecurity, openSecurity, smartConfiguration, type AuthEndpoints } from './discovery.js';
import { createEnforcement } from './enforce.js';
import { generateSigningKey, sharedSigningKey, type SigningKey } from './signing-key.js';
import type { FacadeState } from '../state/index.js';
import { createTokenEndpoint } from './token-endpoint.js';

export type { AuthContext } from './context.js';
export type { ResourceScope, ScopeContext, Permission, Access } from './scopes.js';
export { parseScopes, formatScope, accessFor } from './scopes.js';

export interface AuthLayer {
  /** Identifies the caller; throws a 401 FhirError for a missing or bad token. */
  authenticate(req: IncomingMessage, fhirReq: FhirRequest): Promise<AuthContext>;
  /** Scope and compartment enforcement inside the router. */
  hooks: Pick<RouterHooks, 'beforeInteraction' | 'checkResource'>;
  /** The scope check before a body is read (src/http/body-admission.ts); absent without SMART. */
  refuseAttempt?: (auth: unknown, type: string, attempt: Attempt) => void;
  /** Routes outside the FHIR base (token endpoint, discovery). */
  mount(app: Express): void;
  /** CapabilityStatement rest.security. */
  capabilitySecurity?: CapabilityStatementRestSecurity;
  /** Every finished FHIR request (the audit trail). */
  audit(info: FinishedRequest): void;
  /** The audit destination (counts of written and failed records). */
  auditSink: AuditSink;
  /**
   * Before serving: without SMART_SIGNING_KEY_FILE, adopts the signing key kept in the shared
   * state (the first instance's), so every instance issues and accepts the same tokens.
   */
  start(): Promise<void>;
  /** Flushes and closes the audit destination. */
  close(): Promise<void>;
}

export interface AuthOptions {
  /** The resource types: compartment narrowing and ownership checks go through their handlers. */
  registry: Registry;
  /** Path of the FHIR base on this server, e.g. '/fhir'. */
  basePath: string;
  /** Audit counters are registered here (served at /metrics). */
  metrics?: MetricsRegistry;
  /** Used client assertions and the shared signing key live here. */
  state: Pick<FacadeState, 'once' | 'documents' | 'shared'>;
}

export function createAuth(config: Config, logger: Logger, opts: AuthOptions): AuthLayer {
  const smart = config.authMode === 'smart';
  const facts = new AuditFactsRegistry();
  const sink = createAuditSink({ destination: config.auditLog, logger, ...(opts.metrics && { metrics: opts.metrics }) });
  const site = config.fhirBaseUrl;

  const write = (event: object): void => {
    try { sink.write(JSON.stringify(event)); } catch (e) {
      logger.error({ error: (e as Error).name }, 'audit record could not be built');
    }
  };

  const urls = authEndpoints(config.fhirBaseUrl, opts.basePath);
  const backend = smart && config.smart.clients.length > 0;
  // Read through `signing` at each use: start() may replace a generated key with the shared one.
  let key: SigningKey | undefined = backend ? config.smart.signingKey ?? generateSigningKey() : undefined;
  const signing = { get key(): SigningKey { return key!; } };
  const own: AuthEndpoints = backend ? urls : {};
  const clientIds = new Set(config.smart.clients.map((c) => c.clientId));
  const verifier = smart
    ? new AccessTokenVerifier({
      audience: config.fhirBaseUrl,
      ...(key && { local: { issuer: urls.issuer, get key() { return signing.key; }, isClient: (id: string) => clientIds.has(id) } }),
      ...(config.smart.external && { external: config.smart.external }),
    })
    : undefined;

  if (smart) {
    logger.info({
      backendServicesClients: config.smart.clients.length, tokenEndpoint: key ? urls.tokenUrl : undefined,
      externalIssuer: config.smart.external?.issuer, audit: config.auditLog === 'stdout' || config.auditLog === 'stderr' ? config.auditLog : 'file',
    }, 'SMART on FHIR authorization is on');
    if (key && !config.smart.signingKey && !opts.state.shared) {
      logger.warn('SMART_SIGNING_KEY_FILE is not set: access tokens are signed with a key made at start-up, so they stop working on restart and are not valid on other instances');
    }
  }

  const isPublic = (r: FhirRequest): boolean =>
    // The CapabilityStatement is public (SMART discovery starts there); so is a CORS preflight.
    (r.path === '/metadata' && (r.method === 'GET' || r.method === 'HEAD')) || r.method === 'OPTIONS';

  return {
    async authenticate(req, fhirReq) {
      const f = facts.forRequest(fhirReq);
      if (req.socket.remoteAddress) f.remoteAddress = req.socket.remoteAddress;
      let ctx: AuthContext;
      if (!verifier || isPublic(fhirReq)) {
        ctx = { kind: 'anonymous' };
      } else {
        try {
          ctx = await verifier.verify(fhirReq.headers.authorization);
        } catch (e) {
          f.denial = (e as Error).message;
          throw e;
        }
      }
      facts.attach(ctx, f);
      return ctx;
    },
    hooks: createEnforcement({ registry: opts.registry, baseUrl: config.fhirBaseUrl, enforce: smart, facts }),
    // Its refusal is audited with its reason like one from the router's hooks.
    ...(smart && { refuseAttempt: (a: unknown, type: string, attempt: Attempt) => refuseWithoutScope(a, type, attempt, facts.forAuth(a)) }),
    mount(app) {
      if (!smart) return;
      app.get(`${opts.basePath}/.well-known/smart-configuration`, (_req, res) => {
        res.set('cache-control', 'public, max-age=300').json(smartConfiguration(config, own));
      });
      if (!key) return;
      app.get('/auth/jwks', (_req, res) => {
        res.set('cache-control', 'public, max-age=300').json({ keys: [signing.key.publicJwk] });
      });
      const token = createTokenEndpoint({
        tokenUrl: urls.tokenUrl, issuer: urls.issuer, audience: config.fhirBaseUrl, clients: config.smart.clients,
        get key() { return signing.key; }, usedAssertions: opts.state.once, lifetimeSeconds: config.smart.tokenLifetimeSeconds,
        onResult: (r) => write(tokenAuditEventFor({ ...r, site })),
      });
      app.post('/auth/token', express.urlencoded({ extended: false, limit: '64kb' }), (req, res) => { void token(req, res); });
    },
    capabilitySecurity: smart ? capabilitySecurity(config, own) : openSecurity(config),
    audit(info) {
      if (config.auditLog === 'off') return;
      const auth = info.auth as AuthContext | undefined;
      write(auditEventFor({
        req: info.req, status: info.status, auth, site, isKnownType: (t) => opts.registry.get(t) !== undefined,
        facts: facts.forAuth(auth) ?? facts.peekRequest(info.req),
      }));
    },
    auditSink: sink,
    start: async () => {
      if (key && !config.smart.signingKey) key = await sharedSigningKey(opts.state.documents, key);
    },
    close: () => sink.close(),
  };
}
