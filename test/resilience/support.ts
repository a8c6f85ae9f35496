// Shared by the resilience, HTTP and fuzz tests: a logger whose lines the test can read, and the
// assertion every upstream-failure answer must pass (a clean OperationOutcome, no internals).
import assert from 'node:assert/strict';
import { createLogger, type Logger } from '../../src/logging.js';
import type { FhirAnswer } from '../helpers/stack.js';

export interface LogLine { level: number; msg: string; requestId?: string; [k: string]: unknown }

/** A real pino logger (same redaction as production) writing JSON lines into `lines`. */
export function captureLogger(level = 'info'): { logger: Logger; lines: LogLine[]; text: () => string } {
  const raw: string[] = [];
  const lines: LogLine[] = [];
  const logger = createLogger(level, {
    write(s: string) { raw.push(s); lines.push(JSON.parse(s) as LogLine); },
  });
  return { logger, lines, text: () => raw.join('') };
}

/** Upstream trouble must never leak how the facade talks to OSCAR. */
const INTERNALS = /\/ws\/|Service\.|rest:|127\.0\.0\.1|localhost|ECONN|[A-Za-z]Error\b|\bat [\w.]+ \(|[Ss]oap|OAuth1Exception|[Oo]scar|OSCAR/;

export function assertOutcome(r: FhirAnswer, status: number, code: string): void {
  assert.equal(r.status, status, `status (body: ${r.text.slice(0, 300)})`);
  assert.match(r.headers.get('content-type') ?? '', /^application\/fhir\+json/);
  assert.equal(r.body?.resourceType, 'OperationOutcome');
  assert.equal(r.body.issue?.[0]?.code, code);
  assert.equal(r.body.issue[0].severity, 'error');
  assert.doesNotMatch(r.text, INTERNALS, 'no internal details in the answer');
  assert.ok(r.headers.get('x-request-id'), 'every answer carries X-Request-Id');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true or `ms` pass. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 3_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
