// The security layer seam (issue 6): who is calling, what they may do, and the audit trail.
// app.ts wires whatever createAuth returns into the HTTP handler, the router hooks and the
// Express app, so the rest of the server does not change when this layer grows.
import type { IncomingMessage } from 'node:http';
import type { Express } from 'express';
import type { CapabilityStatementRestSecurity } from 'fhir/r4.js';
import type { Config } from '../config.js';
import type { FhirRequest, RouterHooks } from '../fhir/index.js';
import type { FinishedRequest } from '../http/fhir-handler.js';
import type { Logger } from '../logging.js';

/** The caller as the handlers see it in `ctx.auth`. */
export interface AuthContext {
  /** 'anonymous' only with AUTH_MODE=none. */
  kind: 'anonymous' | 'token';
  clientId?: string;
  /** Patient compartment of a patient/ token. */
  patient?: string;
}

export interface AuthLayer {
  /** Identifies the caller; throws a 401 FhirError for a missing or bad token. */
  authenticate(req: IncomingMessage, fhirReq: FhirRequest): Promise<AuthContext>;
  /** Scope and compartment enforcement inside the router. */
  hooks: Pick<RouterHooks, 'beforeInteraction' | 'checkResource'>;
  /** Routes outside the FHIR base (token endpoint, discovery). */
  mount(app: Express): void;
  /** CapabilityStatement rest.security. */
  capabilitySecurity?: CapabilityStatementRestSecurity;
  /** Every finished FHIR request (the audit trail). */
  audit(info: FinishedRequest): void;
}

export function createAuth(config: Config, _logger: Logger): AuthLayer {
  if (config.authMode !== 'none') {
    throw new Error('AUTH_MODE=smart is not available yet');
  }
  const anonymous: AuthContext = { kind: 'anonymous' };
  return {
    authenticate: async () => anonymous,
    hooks: {},
    mount: () => {},
    audit: () => {},
  };
}
