// Seeded generators of JSON texts with a known nesting depth: objects and arrays mixed, and
// strings full of the characters a depth scanner could miscount ('[', '{', escaped quotes,
// backslashes before quotes, unicode escapes).
import type { Rng } from './generators.js';

export interface DepthCase { text: string; depth: number }

const TRICKY = ['[', ']', '{', '}', '\\"', '\\\\', '\\\\\\"', '\\u005b', '\\u0022', 'x', ' ', ':', ',', '\\n', 'é', '😀'];

function str(rng: Rng, prefix = ''): string {
  return `"${prefix}${Array.from({ length: rng.int(8) }, () => rng.pick(TRICKY)).join('')}"`;
}

function scalar(rng: Rng): string {
  return rng.pick([str(rng), str(rng), '1', '-0.5e3', 'true', 'false', 'null']);
}

/** A value nested exactly `depth` containers deep (0 = a scalar), with shallower siblings. */
function value(rng: Rng, depth: number): string {
  if (depth === 0) return scalar(rng);
  const siblings = Array.from({ length: rng.int(3) }, () => value(rng, rng.int(Math.min(depth, 3))));
  const members = [...siblings];
  members.splice(rng.int(members.length + 1), 0, value(rng, depth - 1));
  if (rng.chance(0.5)) return `[${members.join(rng.pick([',', ', ', ' ,\n']))}]`;
  // Distinct keys: a repeated key would drop the deep member from the parsed value.
  return `{${members.map((m, i) => `${str(rng, `k${i}`)}:${m}`).join(',')}}`;
}

export function depthCase(rng: Rng, around: number): DepthCase {
  const depth = Math.max(0, around - 6 + rng.int(13));
  return { text: value(rng, depth), depth };
}
