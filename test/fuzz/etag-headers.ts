// Seeded generators of If-Match / If-None-Match values: well-formed lists in every spelling a
// client may use (weak, strong, bare, odd white space, empty members), each with the version ids
// it names, and hostile members (long white-space runs, stray quotes) that must name nothing.
import type { Rng } from './generators.js';

export interface EtagCase { header: string; /** The version ids a correct parser finds, in order. */ tags: string[] }

const WS = [' ', '\t', '  ', '', '', ''];
const TAG_CHARS = 'abcdef0123456789-._~ABC';

function tagOf(rng: Rng): string {
  return Array.from({ length: 1 + rng.int(20) }, () => rng.pick([...TAG_CHARS])).join('');
}

/** A member that names no version: quotes inside, or nothing at all. */
function hostileMember(rng: Rng): string {
  const run = rng.pick([' ', '\t', ' \t']).repeat(rng.int(4000));
  return rng.pick([`${run}x"y`, `${run}"`, `W/${run}"a"b"`, `"a"b"${run}`, `${run}`, '""', 'W/""', `"${run}"x"`]);
}

export function etagCase(rng: Rng): EtagCase {
  const members: string[] = [];
  const tags: string[] = [];
  for (let i = 0, n = 1 + rng.int(12); i < n; i++) {
    if (rng.chance(0.25)) { members.push(hostileMember(rng)); continue; }
    const tag = tagOf(rng);
    tags.push(tag);
    const spelled = rng.pick([`W/"${tag}"`, `"${tag}"`, tag, `W/${tag}`]);
    members.push(`${rng.pick(WS)}${spelled}${rng.pick(WS)}`);
  }
  return { header: members.join(','), tags };
}
