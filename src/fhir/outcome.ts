// The one place where anything thrown becomes an HTTP status + OperationOutcome (design
// principle 4). OSCAR client errors are recognised by `name` (duck typing) so this file does not
// depend on src/oscar/; their messages are never copied out (they name upstream operations).
// The status of each OSCAR error class (and of each reason OSCAR is unavailable) is decided here
// and nowhere else: oscar/errors.ts carries none.
import type { OperationOutcome } from 'fhir/r4.js';
import { isFhirError, type Issue } from './errors.js';

export interface MappedError {
  status: number;
  /** Lower-case header names (retry-after, www-authenticate, allow, …). */
  headers: Record<string, string>;
  outcome: OperationOutcome;
  /** True when the error is a bug of ours (status 500): log it with its stack. */
  bug: boolean;
}

/** The realm of this server's `WWW-Authenticate: Bearer` challenges (RFC 6750 §3). */
export const BEARER_REALM = 'oscar-fhir';

/** The app's token stands, but the user's sign-in to OSCAR behind it has ended (contract 2.7). */
const SIGNED_OUT = 'the user\'s sign-in to the EMR has ended; sign in to the app again';

/** Default Retry-After when OSCAR is unavailable and the client error does not say. */
export const DEFAULT_RETRY_AFTER_SECONDS = 10;

/** An OperationOutcome holding these issues (an `information` "ok" issue when there are none). */
export function operationOutcome(issues: readonly Issue[]): OperationOutcome {
  const list = issues.length > 0 ? issues : [{ severity: 'information', code: 'informational', diagnostics: 'All OK' } satisfies Issue];
  return { resourceType: 'OperationOutcome', issue: list.map((i) => ({ ...i })) };
}

function simple(status: number, code: Issue['code'], diagnostics: string, headers: Record<string, string> = {}): MappedError {
  return { status, headers, outcome: operationOutcome([{ severity: 'error', code, diagnostics }]), bug: status === 500 };
}

function prop(err: object, key: string): unknown {
  return (err as Record<string, unknown>)[key];
}

/** The error's own retryAfterSeconds, else the default (whole seconds). */
function retryAfter(err: object): string {
  const ra = prop(err, 'retryAfterSeconds');
  return String(typeof ra === 'number' && Number.isFinite(ra) && ra >= 0 ? Math.ceil(ra) : DEFAULT_RETRY_AFTER_SECONDS);
}

export function toOperationOutcome(err: unknown): MappedError {
  if (isFhirError(err)) {
    return { status: err.status, headers: { ...err.headers }, outcome: operationOutcome(err.issues), bug: err.status === 500 };
  }
  if (typeof err === 'object' && err !== null) {
    switch (prop(err, 'name')) {
      case 'OscarTimeoutError':
      case 'TimeoutError': // AbortSignal.timeout()
        return simple(504, 'timeout', 'The EMR did not answer in time. Retry later.');
      case 'OscarUnavailableError':
        // A refused OSCAR certificate (docs/oscar-tls.md): the facade's configuration, not a passing state.
        if (prop(err, 'reason') === 'tls') return simple(502, 'exception', 'The facade could not establish a trusted connection to the EMR.');
        return simple(503, 'transient', 'The EMR is temporarily unavailable. Retry later.', { 'retry-after': retryAfter(err) });
      case 'StateUnavailableError':
        // src/state: the shared state (STATE_DATABASE_URL) cannot answer; nothing was done.
        return simple(503, 'transient', 'The facade\'s shared state is temporarily unavailable. Retry later.', { 'retry-after': retryAfter(err) });
      case 'OscarRedirectError':
        // OSCAR (or its host) redirected the call, which is never followed (docs/oscar-redirects.md).
        return simple(502, 'exception', 'The EMR redirected the facade\'s request to another address; the facade\'s EMR address needs correcting.');
      case 'OscarSignInEndedError':
        // OSCAR no longer accepts the signed-in user's own token: the app's token is as good as
        // invalid, and only a new sign-in helps (RFC 6750 §3.1; smart §1.10, §5.2 D).
        return simple(401, 'login', `Invalid access token: ${SIGNED_OUT}`, { 'www-authenticate': `Bearer realm="${BEARER_REALM}", error="invalid_token", error_description="${SIGNED_OUT}"` });
      case 'OscarProtocolError':
      case 'OscarAuthError':
      case 'OscarFaultError':
        return simple(502, 'exception', 'The EMR could not serve this request.');
      case 'OscarUnsupportedRequestError':
        // A value OSCAR cannot be asked about (e.g. non-ASCII in a signed REST query, contract 2.4).
        return simple(400, 'not-supported', 'This search value cannot be sent to the EMR.');
      case 'UnsendableTextError':
        // Refused before the call: no escape exists for these characters in XML 1.0 (oscar/soap-envelope.ts).
        return simple(400, 'invalid', 'The request holds control characters or invalid Unicode, which the EMR cannot store.');
      case 'AbortError':
        // The request was cancelled (client went away or shutdown): nobody reads this answer.
        return simple(503, 'transient', 'The request was cancelled.');
      default:
        break;
    }
    // Body-parser failures raised by the HTTP adapter before the router runs.
    switch (prop(err, 'type')) {
      case 'entity.parse.failed':
        return simple(400, 'structure', 'The request body is not valid JSON.');
      case 'entity.too.large':
        return simple(413, 'too-long', 'The request body is too large.');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return simple(415, 'not-supported', 'The request body encoding or charset is not supported.');
      case 'request.aborted':
        return simple(400, 'incomplete', 'The request body was not received completely.');
      default:
        break;
    }
  }
  return simple(500, 'exception', 'internal error');
}
