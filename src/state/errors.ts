// The one failure every shared-state operation can raise: the store cannot answer right now
// (the database is down or unreachable, or an in-process table is full of live entries). Callers
// turn it into a 503 with Retry-After; nothing that needs the store is done half-way.

export class StateUnavailableError extends Error {
  override readonly name = 'StateUnavailableError';
  constructor(readonly reason: string, readonly retryAfterSeconds = 5, options?: ErrorOptions) {
    super(`shared state unavailable: ${reason}`, options);
  }
}
