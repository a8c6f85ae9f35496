// Who may read the operational detail (/metrics, the checks of /readyz): the holder of OPS_TOKEN
// as a bearer token, and at one clinic's own endpoints also the holder of that clinic's token
// (opsToken in the clinics file). Without any token it is open only with the embedded simulator (a
// demo holds no real patients); with a real OSCAR it is then closed.
import { createHash, timingSafeEqual } from 'node:crypto';

export interface OpsAccess {
  /** OPS_TOKEN; undefined = not configured. */
  token?: string;
  /** A clinic's own operator token, accepted too at that clinic's endpoints. */
  clinicToken?: string;
  /** Open to anyone when no token is configured (embedded simulator only). */
  openWithoutToken: boolean;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Whether an Authorization header grants the operational detail. */
export function opsAllowed(access: OpsAccess, authorization: string | undefined): boolean {
  const tokens = [access.token, access.clinicToken].filter((t) => t !== undefined);
  if (tokens.length === 0) return access.openWithoutToken;
  const m = /^Bearer +(\S+)$/i.exec(authorization?.trim() ?? '');
  if (m === null) return false;
  // Digests of equal length, compared in constant time: the answer says nothing about the token.
  const given = digest(m[1]!);
  return tokens.map((t) => timingSafeEqual(given, digest(t))).includes(true);
}

export interface OpsRefusal { status: number; headers: Record<string, string>; body: object }

const outcome = (code: string, diagnostics: string): object => ({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] });

/** The 401/403 for a caller without access, or undefined when allowed. */
export function opsRefusal(access: OpsAccess, authorization: string | undefined): OpsRefusal | undefined {
  if (opsAllowed(access, authorization)) return undefined;
  if (access.token === undefined && access.clinicToken === undefined) {
    return { status: 403, headers: {}, body: outcome('forbidden', 'Metrics are available only with OPS_TOKEN configured on this server') };
  }
  return { status: 401, headers: { 'www-authenticate': 'Bearer realm="oscar-fhir-ops"' }, body: outcome('login', 'This endpoint needs the operator token (OPS_TOKEN) as a bearer token') };
}
