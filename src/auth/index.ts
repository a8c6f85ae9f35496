// The security layer seam: who is calling, what they may do, and the audit trail.
// app.ts wires whatever createAuth returns into the HTTP handler, the router hooks and the
// Express app, so the rest of the server does not change when this layer grows.
import { egressFetch } from './egress-fetch.js';
import { OscarAuthError } from '../oscar/errors.js';
import type { IncomingMessage } from 'node:http';
import type { Express, Router } from 'express';
import type { CapabilityStatementRestSecurity } from 'fhir/r4.js';
import type { Registry as MetricsRegistry } from 'prom-client';
import type { Config, OscarConnection } from '../config.js';
import type { FhirRequest, FhirResponse, FinishedRequest, Registry, RouterHooks } from '../fhir/index.js';
import type { Logger } from '../logging.js';
import type { Attempt } from '../http/body-admission.js';
import { ANY_ORIGIN, isPreflight } from '../http/cors.js';
import { AccessTokenVerifier } from './access-token.js';
import { refuseWithoutScope } from './attempt.js';
import { auditLineFor, tokenAuditEventFor } from './audit.js';
import { createAuditSink, type AuditSink } from './audit-sink.js';
import { AuditFactsRegistry, type AuditFacts, type AuthContext } from './context.js';
import { authEndpoints, capabilitySecurity, openSecurity, smartConfiguration, type AuthEndpoints } from './discovery.js';
import { createEnforcement } from './enforce.js';
import type { FacadeState } from '../state/index.js';
import { serviceUnavailable } from '../fhir/index.js';
import { CONTEXT_KIND, createAuthorizationServer, type AuthorizationServer, type GrantContext } from './server/provider.js';
import { interactionRoutes } from './server/interactions.js';
import { oscarIdentity } from './oscar/identity.js';
import { ehrLaunch } from './server/ehr-launch.js';
import { managementRoutes } from './server/management.js';
import { cookieKeys, serverKeys } from './server/keys.js';
import { tokenLookup } from './server/token-lookup.js';
import { tokenAuditOf } from './server/token-audit.js';

export type { AuthContext } from './context.js';
export type { ResourceScope, ScopeContext, Permission, Access } from './scopes.js';
export { parseScopes, formatScope, accessFor } from './scopes.js';

export interface AuthLayer {
  /** Identifies the caller; throws a 401 FhirError for a missing or bad token. */
  authenticate(req: IncomingMessage, fhirReq: FhirRequest): AuthContext | Promise<AuthContext>;
  /** Scope and compartment enforcement inside the router. */
  hooks: Pick<RouterHooks, 'beforeInteraction' | 'checkResource'>;
  /** The scope check before a body is read (src/http/body-admission.ts); absent without SMART. */
  refuseAttempt?: (auth: unknown, type: string, attempt: Attempt) => void;
  /** Routes outside the FHIR base (token endpoint, discovery). */
  mount(app: Express): void;
  /** True when SMART apps are registered and OSCAR signs their users in (this needs OSCAR's REST module). */
  signsPeopleIn: boolean;
  /** Runs a request of a SMART app user as that user at OSCAR (their own OSCAR token signs its REST calls). */
  actAs(auth: unknown, fn: () => FhirResponse | Promise<FhirResponse>): FhirResponse | Promise<FhirResponse>;
  /** CapabilityStatement rest.security. */
  capabilitySecurity?: CapabilityStatementRestSecurity;
  /** Every finished FHIR request (the audit trail). */
  audit(info: FinishedRequest): void;
  /** The audit destination (counts of written and failed records). */
  auditSink: AuditSink;
  /**
   * Before serving: builds the authorization server with the keys kept in the state (the first
   * instance's when it is shared), so every instance issues and accepts the same tokens.
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
  /** Grants, tokens and the shared keys of the authorization server live here; users' OSCAR tokens in the vault. */
  state: Pick<FacadeState, 'clinic' | 'documents' | 'shared' | 'vault'>;
  /** The OSCAR whose own sign-in identifies the people using SMART apps (its consumer key signs the handshake). */
  oscar?: OscarConnection;
  /** An audit destination shared with other clinics (not closed here); default: one of its own from AUDIT_LOG. */
  auditSink?: AuditSink;
}

/** A refused token: the reason goes to the request's audit record (no PHI: token problems only). */
function refused(f: AuditFacts, e: unknown): never {
  f.denial = (e as Error).message;
  throw e;
}

export function createAuth(config: Config, logger: Logger, opts: AuthOptions): AuthLayer {
  const smart = config.authMode === 'smart';
  const facts = new AuditFactsRegistry();
  const ownSink = opts.auditSink === undefined;
  const sink = opts.auditSink ?? createAuditSink({ destination: config.auditLog, logger, ...(opts.metrics && { metrics: opts.metrics }) });
  const site = config.fhirBaseUrl;
  const clinic = opts.state.clinic;

  const write = (line: () => string): void => {
    try { sink.write(line()); } catch (e) {
      logger.error({ error: (e as Error).name }, 'audit record could not be built');
    }
  };

  const urls = authEndpoints(config.fhirBaseUrl);
  const own: AuthEndpoints = smart && config.smart.clients.length > 0 ? urls : {};
  // Built by start(): its keys may come from the shared state.
  let server: AuthorizationServer | undefined;
  let interactions: Router | undefined;
  let findToken: ((token: string) => Promise<AuthContext | undefined>) | undefined;
  const https = config.fhirBaseUrl.startsWith('https:');
  const apps = config.smart.clients.some((c) => c.kind === 'app');
  const people = own.tokenUrl && apps && opts.oscar
    ? oscarIdentity({ oscar: opts.oscar, vault: opts.state.vault, keys: config.smart.vaultKeys, maxAgeSeconds: config.smart.oscarTokenMaxAgeSeconds })
    : undefined;
  if (people) {
    own.authorizeUrl = `${config.fhirBaseUrl}/auth/authorize`;
    own.managementUrl = `${config.fhirBaseUrl}/auth/apps`;
  }
  // Keys fetched from a client's jwks_uri or SMART_JWKS_URL honour HTTPS_PROXY / HTTP_PROXY / NO_PROXY,
  // and their failures are logged whether or not they went through the proxy (docs/proxy.md §5).
  const outbound = egressFetch(config.smart.egressProxy, globalThis.fetch, (fields, message) => logger.warn(fields, message));
  let launchRoutes: Router | undefined;
  let appsRoutes: Router | undefined;
  async function startServer(): Promise<void> {
    const launches = people ? ehrLaunch({ issuer: config.fhirBaseUrl, clients: new Map(config.smart.clients.map((c) => [c.clientId, c])), documents: opts.state.documents }) : undefined;
    const s = createAuthorizationServer({
      ...(launches && { checkLaunch: (ctx, launch, clientId) => launches.check(ctx, launch, clientId) }),
      ...(people && {
        stillSignedIn: (providerNo: string) => people.identity.stillSignedIn(providerNo).catch((e: unknown) => {
          // contract 2.7: OSCAR refused the facade's own consumer or clock on a refresh; the app is
          // told 502 (state-outage.ts), the administrator why. No provider number, no token.
          if (e instanceof OscarAuthError) logger.warn({ error: e.name, operation: e.operation, cause: e.cause, hint: e.hint }, `OSCAR refused the facade's credentials: ${e.hint}`);
          throw e;
        }),
      }),
      issuer: config.fhirBaseUrl, clients: config.smart.clients, documents: opts.state.documents,
      keys: await serverKeys(config.smart.signingKey, opts.state.documents), accessTokenSeconds: config.smart.tokenLifetimeSeconds,
      cookieKeys: await cookieKeys(opts.state.documents), https,
      ...(outbound && { fetch: outbound }),
      grantContext: async (grantId) => (await opts.state.documents.get<GrantContext>(CONTEXT_KIND, grantId))?.value,
    });
    if (people && launches) {
      launchRoutes = launches.routes();
      appsRoutes = managementRoutes({ provider: s.provider, issuer: config.fhirBaseUrl, clients: s.clients, documents: opts.state.documents });
      interactions = interactionRoutes({
        provider: s.provider, issuer: config.fhirBaseUrl, clients: s.clients, documents: opts.state.documents,
        vault: people.identity.vault, userRest: people.identity.userRest, https, ...(launches && { launches }), log: logger,
        oscar: { url: people.identity.url, consumer: people.identity.consumer, ...(people.identity.proxy && { proxy: people.identity.proxy }), ...(people.identity.tls && { tls: people.identity.tls }) },
      });
    }
    s.provider.on('grant.success', (ctx) => write(() => JSON.stringify(tokenAuditEventFor({ ...tokenAuditOf(ctx), site, clinic }))));
    s.provider.on('grant.error', (ctx, err) => write(() => JSON.stringify(tokenAuditEventFor({ ...tokenAuditOf(ctx, err), site, clinic }))));
    findToken = tokenLookup(s.provider, config.fhirBaseUrl, (id) => s.clients.has(id));
    server = s;
  }
  const verifier = smart
    ? new AccessTokenVerifier({
      audience: config.fhirBaseUrl,
      ...(own.tokenUrl && {
        local: {
          find: (token: string) => {
            if (!findToken) throw serviceUnavailable('the authorization server is starting', 1);
            return findToken(token);
          },
        },
      }),
      ...(config.smart.external && { external: config.smart.external }),
      ...(outbound && { fetch: outbound }),
    })
    : undefined;

  if (smart) {
    logger.info({
      clients: config.smart.clients.length, tokenEndpoint: own.tokenUrl,
      externalIssuer: config.smart.external?.issuer, audit: config.auditLog === 'stdout' || config.auditLog === 'stderr' ? config.auditLog : 'file',
    }, 'SMART on FHIR authorization is on');
    if (apps && !people) logger.warn('SMART apps are registered but there is no OSCAR to sign people in with: their launches cannot work');
    if (people?.generatedKey) logger.warn('SMART_VAULT_KEYS is not set: users\' OSCAR tokens are encrypted with a key made at start-up, so users sign in at OSCAR again after a restart');
    if (own.tokenUrl && !config.smart.signingKey && !opts.state.shared) {
      logger.warn('SMART_SIGNING_KEY_FILE is not set: id_tokens are signed with a key made at start-up, so apps holding one from before a restart cannot verify it');
    }
  }

  const attached = (ctx: AuthContext, f: AuditFacts): AuthContext => {
    facts.attach(ctx, f);
    return ctx;
  };
  const isKnownType = (t: string): boolean => opts.registry.get(t) !== undefined;
  const isPublic = (r: FhirRequest): boolean =>
    // The CapabilityStatement is public (SMART discovery starts there); so is a CORS preflight.
    (r.path === '/metadata' && (r.method === 'GET' || r.method === 'HEAD')) || r.method === 'OPTIONS';

  return {
    authenticate(req, fhirReq) {
      const f = facts.forRequest(fhirReq);
      if (req.socket.remoteAddress) f.remoteAddress = req.socket.remoteAddress;
      if (!verifier || isPublic(fhirReq)) return attached({ kind: 'anonymous' }, f);
      // A token verified just before answers at once: a cache hit then waits for nothing (src/http/fhir-handler.ts).
      const now = verifier.verifiedNow(fhirReq.headers.authorization);
      if (now !== undefined) return attached(now, f);
      return verifier.verify(fhirReq.headers.authorization).then((c) => attached(c, f), (e: unknown) => refused(f, e));
    },
    hooks: createEnforcement({ registry: opts.registry, baseUrl: config.fhirBaseUrl, enforce: smart, facts, ...(people && { sees: (a, p, type) => people.identity.sees(a, p, type) }) }),
    // Its refusal is audited with its reason like one from the router's hooks.
    ...(smart && { refuseAttempt: (a: unknown, type: string, attempt: Attempt) => refuseWithoutScope(a, type, attempt, facts.forAuth(a)) }),
    mount(app) {
      if (!smart) return;
      app.get(`${opts.basePath}/.well-known/smart-configuration`, (_req, res) => {
        // smart §1.1: readable from any origin, JSON whatever the Accept header says.
        res.set({ 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' }).json(smartConfiguration(config, own));
      });
      app.options(`${opts.basePath}/.well-known/smart-configuration`, (req, res) => {
        const pre = isPreflight(req.method, req.headers) ? ANY_ORIGIN.preflight(req.headers.origin!) : { status: 204, headers: { allow: 'GET, HEAD, OPTIONS' } };
        res.status(pre.status).set(pre.headers).end();
      });
      if (!own.tokenUrl) return;
      app.use(opts.basePath, (req, res, next) => {
        if (!server) {
          if (req.path.startsWith('/auth/') || req.path === '/.well-known/openid-configuration') res.status(503).set('retry-after', '1').json({ error: 'temporarily_unavailable', error_description: 'the authorization server is starting' });
          else next();
          return;
        }
        if (server.handles(req.path)) server.callback(req, res);
        else if (launchRoutes && req.path.startsWith('/auth/launch/')) launchRoutes(req, res, next);
        else if (appsRoutes && req.path === '/auth/apps') appsRoutes(req, res, next);
        else if (interactions && req.path.startsWith('/auth/')) interactions(req, res, next);
        else next();
      });
    },
    capabilitySecurity: smart ? capabilitySecurity(config, own) : openSecurity(config),
    audit(info) {
      if (config.auditLog === 'off') return;
      const auth = info.auth as AuthContext | undefined;
      write(() => auditLineFor({ req: info.req, status: info.status, auth, site, clinic, isKnownType, facts: facts.forAuth(auth) ?? facts.peekRequest(info.req) }));
    },
    auditSink: sink,
    signsPeopleIn: people !== undefined,
    actAs: (auth, fn) => (people && typeof auth === 'object' && auth !== null && (auth as AuthContext).oscarProvider !== undefined
      ? people.identity.actAs(auth as AuthContext, async () => fn()) : fn()),
    start: async () => { if (own.tokenUrl && !server) await startServer(); },
    close: () => (ownSink ? sink.close() : Promise.resolve()),
  };
}
