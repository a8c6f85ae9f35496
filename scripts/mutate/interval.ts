// How far the score of a random sample of mutants can be from the score of the whole set: the
// Wilson score interval at 95 %, which stays inside 0–100 % and behaves for small samples and for
// scores near 100 % (where the plain normal approximation claims too much).
const Z95 = 1.959964;

/** The 95 % interval, in per cent with one decimal, for `detected` of `n` sampled mutants. */
export function wilson95(detected: number, n: number): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 100 };
  const p = detected / n;
  const z2 = Z95 * Z95;
  const d = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / d;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / d;
  const pct = (x: number): number => Math.round(Math.min(1, Math.max(0, x)) * 1000) / 10;
  return { low: pct(centre - half), high: pct(centre + half) };
}
