// Following a searchset's `next` links in tests. A paging bug (a `next` link on the last page, a
// cursor that does not advance) must fail the test, not hang the file: every loop is capped.
import type { Bundle } from 'fhir/r4.js';

/** The path (below `base`) of the Bundle's next page, or undefined on the last page. */
export function nextPath(bundle: Bundle, base: string): string | undefined {
  return bundle.link?.find((l) => l.relation === 'next')?.url?.slice(base.length);
}

/**
 * Counts the pages a loop reads and throws once it reads more than `max`. `max` is what the
 * expected matches and the page size allow, so one page too many already fails.
 */
export function pageCap(max: number, what: string): () => void {
  let pages = 0;
  return () => {
    pages++;
    if (pages > max) throw new Error(`${what}: still a next link after ${max} pages`);
  };
}
