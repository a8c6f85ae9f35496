// Calendar-day arithmetic on 'YYYY-MM-DD' (no zone: a clinic day is a label, its instants come
// from time/zone.ts).

export function addDays(date: string, n: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

/** The days from `from` up to, not including, `toExclusive`. */
export function daysFrom(from: string, toExclusive: string): string[] {
  const out: string[] = [];
  for (let d = from; d < toExclusive; d = addDays(d, 1)) out.push(d);
  return out;
}
