// Who is calling (AuthContext, handed to handlers as ctx.auth) and what the security layer learns
// about one request on its way through (AuditFacts, for the audit record).
import type { FhirRequest } from '../fhir/index.js';
import { privateSlot } from '../private-slot.js';
import type { Access, ResourceScope } from './scopes.js';

/** The caller as the handlers see it in `ctx.auth`. */
export interface AuthContext {
  /** 'anonymous' only with AUTH_MODE=none (and for the public CapabilityStatement). */
  kind: 'anonymous' | 'token';
  clientId?: string;
  /** Patient compartment of a patient/ token (the SMART `patient` launch context). */
  patient?: string;
  /** The token's `sub` (a user or a backend client). */
  subject?: string;
  /** The SMART `fhirUser` claim, when the authorization server sends one. */
  fhirUser?: string;
  /** Granted resource scopes (granular query scopes are never granted). */
  scopes?: readonly ResourceScope[];
  /**
   * The OSCAR provider a SMART app's user signed in as (this server's authorization code flow):
   * that provider's own OSCAR token signs the request's REST calls, so OSCAR's privileges apply.
   */
  oscarProvider?: string;
  /** Which issuer signed the token: this server's token endpoint or the configured external one. */
  issuer?: 'local' | 'external';
}

/** What one request touched and why it was refused, collected for its audit record. */
export interface AuditFacts {
  remoteAddress?: string;
  interaction?: string;
  type?: string;
  id?: string;
  operation?: string;
  /** 'Type/id' of every resource returned, but a Patient's: its id is among the patients. */
  resources: Set<string>;
  /** Ids of every patient the request concerned (context, returned, searched for). */
  patients: Set<string>;
  /** Why a request was refused (no PHI: scope names, token problems). */
  denial?: string;
  /** Access granted per resource type during this request. */
  access: Map<string, Access>;
  /** 'Binary/id' whose owning patient was already checked through its DocumentReference. */
  verified: Set<string>;
}

export function newFacts(): AuditFacts {
  return { resources: new Set(), patients: new Set(), access: new Map(), verified: new Set() };
}

/**
 * A request's facts, stamped onto the request and its context object (both are per request) as a
 * private class field (src/private-slot.ts): nothing internal shows in ctx.auth (keys, JSON, spread,
 * deep equality) and nothing outlives the request.
 */
const FACTS = privateSlot<AuditFacts>();

export class AuditFactsRegistry {
  forRequest(req: FhirRequest): AuditFacts {
    return FACTS.of(req) ?? FACTS.put(req, newFacts());
  }

  attach(auth: AuthContext, facts: AuditFacts): void {
    FACTS.put(auth, facts);
  }

  forAuth(auth: unknown): AuditFacts | undefined {
    return typeof auth === 'object' && auth !== null ? FACTS.of(auth) : undefined;
  }

  peekRequest(req: FhirRequest): AuditFacts | undefined {
    return FACTS.of(req);
  }
}
