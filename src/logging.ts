// Structured logs (pino). Never log PHI: log ids, operations, statuses and timings only.
// Credentials in headers are redacted in case a request object is ever logged by mistake.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'oscar-fhir' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'authorization', 'password', 'secret', 'token'],
      censor: '[redacted]',
    },
  });
}
