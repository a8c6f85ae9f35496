// Mutants judged equivalent by a person: they cannot change what the program does, so no test can
// kill them. They are listed in equivalent/*.json (one file per area of src, so people working on
// different areas do not edit one file) with the reason, are not run, and do not count in the score. An entry names the file, the text of the mutated line (trimmed) and the mutant as the
// report prints it ('arithmetic - → +'), so it survives edits elsewhere in the file and lapses when
// that line changes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mutant } from './mutants.js';

export interface EquivalentEntry { file: string; code: string; mutant: string; why: string }

/** Every entry of the .json files in `dir`. */
export function loadEquivalents(dir: string): EquivalentEntry[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as EquivalentEntry[]);
}

/** The reason a mutant is equivalent, or undefined. */
export function equivalentReason(entries: EquivalentEntry[], m: Mutant, source: string): string | undefined {
  const code = source.split('\n')[m.line - 1]?.trim();
  return entries.find((e) => e.file === m.file && e.code === code && e.mutant === `${m.operator} ${m.description}`)?.why;
}
