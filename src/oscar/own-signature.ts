// Before a signed-in clinician's token is dropped for OSCAR's `invalid_signature` (contract 2.7),
// the facade's own signature is put to OSCAR once: OSCAR answers `invalid_signature` for a deleted
// token AND for a wrong OSCAR_CONSUMER_SECRET or a proxy that changes the scheme, host or port
// OSCAR sees (the signature base string differs), and in those cases every clinician's call is
// refused — dropping their tokens would end every sign-in for a setting the administrator fixes
// (docs/smart-app-launch.md §7.7). One confirmation at a time, its verdict remembered briefly, so
// a storm of refusals makes one call.

/**
 * 'accepted': OSCAR accepts the facade's own token, so the user's was refused for itself;
 * 'refused': OSCAR refuses the facade's own signature too, the facade's setup is at fault;
 * 'unreachable': OSCAR could not say (down, timed out, its own error);
 * 'no-own-token': the facade has no OAuth token of its own to confirm with.
 */
export type OwnSignatureVerdict = 'accepted' | 'refused' | 'unreachable' | 'no-own-token';

/** How long a verdict stands: long enough for a storm of refusals, short enough for a fix. */
export const OWN_SIGNATURE_TTL_MS = 30_000;
/** 'unreachable' stands as long as the Retry-After the caller is given (5 s). */
export const OWN_SIGNATURE_UNREACHABLE_TTL_MS = 5_000;

/**
 * The cause of the OscarAuthError thrown when OSCAR refuses the facade's own signature as well as
 * the user's (errors.ts AUTH_HINTS names what to check), and when the facade has no token of its
 * own to tell the two apart.
 */
export const OWN_SIGNATURE_REFUSED = 'invalid_signature (the facade\'s own too)';
export const NO_OWN_TOKEN = 'invalid_signature (no facade token to confirm with)';

export class OwnSignatureCheck {
  readonly #ask: () => Promise<OwnSignatureVerdict>;
  readonly #now: () => number;
  #pending: Promise<OwnSignatureVerdict> | undefined;
  #verdict: { value: OwnSignatureVerdict; until: number } | undefined;

  /** `ask` makes the one call signed with the facade's own token (never throws: 'unreachable'). */
  constructor(ask: () => Promise<OwnSignatureVerdict>, now: () => number = Date.now) {
    this.#ask = ask;
    this.#now = now;
  }

  /** The remembered verdict, the one being made, or a new one. */
  confirm(): Promise<OwnSignatureVerdict> {
    const known = this.#verdict;
    if (known && known.until > this.#now()) return Promise.resolve(known.value);
    this.#pending ??= this.#ask().catch((): OwnSignatureVerdict => 'unreachable').then((value) => {
      const ttl = value === 'unreachable' ? OWN_SIGNATURE_UNREACHABLE_TTL_MS : OWN_SIGNATURE_TTL_MS;
      this.#verdict = { value, until: this.#now() + ttl };
      this.#pending = undefined;
      return value;
    });
    return this.#pending;
  }
}
