// Who may read the operational detail (/metrics, the checks of /readyz): the holder of OPS_TOKEN
// as a bearer token. Without OPS_TOKEN it is open only with the embedded simulator (a demo holds no
// real patients); with a real OSCAR it is then closed.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface OpsAccess {
  /** OPS_TOKEN; undefined = not configured. */
  token?: string;
  /** Open to anyone when no token is configured (embedded simulator only). */
  openWithoutToken: boolean;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Whether an Authorization header grants the operational detail. */
export function opsAllowed(access: OpsAccess, authorization: string | undefined): boolean {
  if (access.token === undefined) return access.openWithoutToken;
  const m = /^Bearer +(\S+)$/i.exec(authorization?.trim() ?? '');
  // Digests of equal length, compared in constant time: the answer says nothing about the token.
  return m !== null && timingSafeEqual(digest(m[1]!), digest(access.token));
}

export interface OpsRefusal { status: number; headers: Record<string, string>; body: object }

const outcome = (code: string, diagnostics: string): object => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] });

/** The 401/403 for a caller without access, or undefined when allowed. */
export function opsRefusal(access: OpsAccess, authorization: string | undefined): OpsRefusal | undefined {
  if (opsAllowed(access, authorization)) return undefined;
  if (access.token === undefined) {
    return { status: 403, headers: {}, body: outcome('forbidden', 'Metrics are available only with OPS_TOKEN configured on this server') };
  }
  return { status: 401, headers: { 'www-authenticate': 'Bearer realm="oscar-fhir-ops"' }, body: outcome('login', 'This endpoint needs the operator token (OPS_TOKEN) as a bearer token') };
}
