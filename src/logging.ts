// Structured logs (pino). Never log PHI: log ids, operations, statuses and timings only.
// Credentials in headers are redacted in case a request object is ever logged by mistake.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** `destination` defaults to stdout; tests pass a stream to read the lines back. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'oscar-fhir' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'authorization', 'password', 'secret', 'token'],
      censor: '[redacted]',
    },
  }, destination);
}
