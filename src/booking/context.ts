// What booking reads from the resource dependencies, with its defaults in one place.
import type { ResourceDeps } from '../resources/deps.js';
import { InProcessLocks, type KeyedLocks } from '../state/index.js';
import { DEFAULT_BOOKING_RULES, type BookingRules } from './rules.js';

export interface BookingContext {
  rules: BookingRules;
  now: () => number;
  locks: KeyedLocks;
  tz: string;
}

const ownLocks = new WeakMap<ResourceDeps, KeyedLocks>();

export function bookingContext(deps: ResourceDeps): BookingContext {
  let locks = deps.locks ?? ownLocks.get(deps);
  if (!locks) { locks = new InProcessLocks(); ownLocks.set(deps, locks); }
  return { rules: deps.booking ?? DEFAULT_BOOKING_RULES, now: deps.now ?? Date.now, locks, tz: deps.mapping.timezone };
}

/** Active providers offering online booking (BOOKING_PROVIDERS narrows the list), in provider-list order. */
export async function bookableProviders(deps: ResourceDeps): Promise<string[]> {
  const rules = deps.booking ?? DEFAULT_BOOKING_RULES;
  const active = (await deps.providers.all()).filter((p) => p.status === '1' && p.providerNo).map((p) => p.providerNo!);
  return rules.providers ? active.filter((p) => rules.providers!.includes(p)) : active;
}
