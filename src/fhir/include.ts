// `_include` resolution when the search handler leaves it to the router: through the target type's
// read handler, each distinct reference read once. Results are de-duplicated against the matches
// and each other (R4: a resource appears once, as a match if it is one).
import type { Resource } from 'fhir/r4.js';
import { isValidId } from './ids.js';
import type { FhirContext, Registry } from './registry.js';
import { resourceKey } from './bundle.js';
import type { IncludeDef } from './search/types.js';

/** Reads at most this many referenced resources at once, to spare OSCAR. */
const READ_CONCURRENCY = 4;

/** `fn` over `items` with at most `limit` calls pending at once; results in input order. */
export async function mapLimited<T, U>(items: readonly T[], limit: number, fn: (t: T) => Promise<U>): Promise<U[]> {
  const out: U[] = new Array<U>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export interface IncludeRequest {
  ctx: FhirContext;
  registry: Registry;
  matches: readonly Resource[];
  include: readonly IncludeDef[];
}

export async function resolveIncludes(req: IncludeRequest): Promise<Resource[]> {
  const seen = new Set(req.matches.map(resourceKey));
  const resources: Resource[] = [];
  const add = (r: Resource): void => {
    const key = resourceKey(r);
    if (!seen.has(key)) { seen.add(key); resources.push(r); }
  };

  const wanted = new Set<string>();
  for (const inc of req.include) {
    if (!inc.references) continue;
    for (const m of req.matches) {
      for (const ref of inc.references(m)) {
        const [t, id, ...rest] = ref.split('/');
        if (t === inc.targetType && id !== undefined && rest.length === 0 && !seen.has(ref)) wanted.add(ref);
      }
    }
  }
  const reads = [...wanted].map((ref) => ref.split('/') as [string, string]);
  const found = await mapLimited(reads, READ_CONCURRENCY, async ([t, id]) => {
    const def = req.registry.get(t);
    if (!def?.interactions.read || !isValidId(id, def.idPattern)) return undefined;
    return def.interactions.read(req.ctx, id);
  });
  for (const r of found) if (r) add(r);

  return resources;
}
