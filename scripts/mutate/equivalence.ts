// Which generated mutants can run at all, and which change the running program. The tests run the
// sources through tsx, and tsx transpiles them with esbuild; so the same esbuild transform tells
// (a) a mutant that is not valid TypeScript (`Map<=string, …>`): it is dropped as invalid, and
// (b) a mutant whose JavaScript is identical to the original's (a `<` or a string in a type): it
// cannot change any test's outcome, so it is dropped as type-only instead of counted as a survivor.
import { transformSync } from 'esbuild';

export type Validity = 'runs' | 'invalid' | 'type-only';

function transpile(source: string): string | undefined {
  try {
    return transformSync(source, { loader: 'ts', format: 'esm', target: 'es2022' }).code;
  } catch {
    return undefined;
  }
}

export function validityChecker(original: string): (mutated: string) => Validity {
  const baseline = transpile(original);
  if (baseline === undefined) throw new Error('the original source does not transpile');
  return (mutated) => {
    const js = transpile(mutated);
    if (js === undefined) return 'invalid';
    return js === baseline ? 'type-only' : 'runs';
  };
}
