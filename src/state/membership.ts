// Where this instance stands among the live instances serving the same clinic, so that a bound
// meant for the clinic — OSCAR_MAX_IN_FLIGHT, how many calls its OSCAR is given at once (design
// principle 5) — is split between them rather than multiplied by their number.

export interface Place {
  /** This instance's position among them, 0 … count − 1 (a stable order every instance agrees on). */
  rank: number;
  /** Live instances of the clinic, this one included. */
  count: number;
}

export interface Membership {
  /** The place now: { rank 0, count 1 } alone. */
  place(): Place;
  /** Called with the new place whenever an instance of the clinic joins or leaves. */
  onChange(listener: (p: Place) => void): void;
}

export const ALONE: Place = { rank: 0, count: 1 };

/** One process: always alone. */
export const soleMember: Membership = { place: () => ALONE, onChange: () => {} };

/**
 * This instance's share of a bound for the whole clinic: the bound split as evenly as whole slots
 * allow (the first `bound mod count` instances take one more), so the shares add up to the bound.
 * Never below one: an instance without a slot could serve nothing, so with more instances than
 * the bound the sum is the number of instances (README "Deployment").
 */
export function shareOf(bound: number, p: Place): number {
  const count = Math.max(1, p.count);
  return Math.max(1, Math.floor(bound / count) + (p.rank < bound % count ? 1 : 0));
}
