// Keys that may be used once within a lifetime: the `jti` of a client assertion (smart §1.3), an
// export's status poll within BULK_MIN_POLL_MS (bulk/http.ts), and
// anything else whose second use must be refused, across every instance that shares the state.

export interface OnceKeys {
  /**
   * Claims `key` for `ttlMs`: true the first time, false while an earlier claim is alive.
   * Throws StateUnavailableError when the claim cannot be recorded (never says true then).
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
}
