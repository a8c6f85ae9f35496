// Helpers of the conformance walk (walk.test.ts): validate what the facade serves with both
// validators, remember every resource by type and id, and follow searchset `next` links.
import type { Bundle, Resource } from 'fhir/r4.js';
import { validateResource } from '../../src/validation/index.js';
import { medplumValidate } from '../helpers/independent-validator.js';
import type { Stack } from '../helpers/stack.js';

/** `Bundle.entry[3].resource.x` → 3 (the entry a nested finding belongs to). */
const ENTRY = /^Bundle\.entry\[(\d+)\]\.resource/;

export class Conformance {
  /** One line per problem: `<Type>/<id> <expression>: <message> [validator] (where)`. */
  readonly failures: string[] = [];
  /** Every resource seen, by type and id. */
  readonly seen = new Map<string, Map<string, Resource>>();
  /** How many resources (nested ones included) each validator checked. */
  validated = 0;
  /** Searches answered in more than one page. */
  pagedSearches = 0;

  constructor(private readonly stack: Stack) {}

  ids(type: string): Set<string> {
    return new Set(this.seen.get(type)?.keys() ?? []);
  }

  private remember(r: Resource): void {
    if (r.id === undefined) return;
    let byId = this.seen.get(r.resourceType);
    if (!byId) this.seen.set(r.resourceType, (byId = new Map()));
    byId.set(r.id, r);
  }

  /** The type/id a finding's expression belongs to: the Bundle entry's resource, or the resource itself. */
  private owner(r: Resource, expression: string): string {
    const m = ENTRY.exec(expression);
    const entry = m && r.resourceType === 'Bundle' ? (r as Bundle).entry?.[Number(m[1])]?.resource : undefined;
    const who = entry ?? r;
    return `${who.resourceType}/${who.id ?? '(no id)'}`;
  }

  /**
   * Validates a resource (a Bundle with its entries: both validators descend into them) with our
   * validator and @medplum/core's, and remembers it and its entries.
   */
  check(r: Resource, where: string): void {
    this.remember(r);
    this.validated += 1;
    const entries = r.resourceType === 'Bundle' ? ((r as Bundle).entry ?? []).flatMap((e) => (e.resource ? [e.resource] : [])) : [];
    for (const e of entries) this.remember(e);
    this.validated += entries.length;
    for (const i of validateResource(r)) {
      if (i.severity !== 'error') continue;
      this.failures.push(`${this.owner(r, i.expression)} ${i.expression}: ${i.message}${i.rule ? ` (${i.rule})` : ''} [ours] (${where})`);
    }
    for (const m of medplumValidate(r)) {
      this.failures.push(`${this.owner(r, m.split(':')[0] ?? '')} ${m} [medplum] (${where})`);
    }
  }

  /** GET a FHIR path or absolute URL as FHIR JSON; any status but `expect` is recorded as a failure. */
  async get(pathOrUrl: string, expect = 200): Promise<{ status: number; body: Resource | undefined }> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.stack.base}${pathOrUrl}`;
    const res = await fetch(url, { headers: { accept: 'application/fhir+json' } });
    const text = await res.text();
    let body: Resource | undefined;
    try { body = text ? (JSON.parse(text) as Resource) : undefined; } catch { body = undefined; }
    if (res.status !== expect) this.failures.push(`GET ${url.slice(this.stack.base.length)}: HTTP ${res.status}, expected ${expect}: ${text.slice(0, 300)}`);
    if (body === undefined || typeof body.resourceType !== 'string') this.failures.push(`GET ${url}: the body is not a FHIR resource`);
    return { status: res.status, body };
  }

  /** GET and check one resource. */
  async read(path: string, expect = 200): Promise<Resource | undefined> {
    const { status, body } = await this.get(path, expect);
    if (body) this.check(body, path);
    return status === 200 ? body : undefined;
  }

  /**
   * A search followed through its `next` links: every page validated; the match entries of all
   * pages returned. Checks the pages agree with each other (no entry twice, total = entries).
   */
  async search(path: string): Promise<Resource[]> {
    const matches: Resource[] = [];
    const keys = new Set<string>();
    let next: string | undefined = path;
    let pages = 0;
    let total: number | undefined;
    while (next !== undefined) {
      const { status, body } = await this.get(next);
      if (status !== 200 || body?.resourceType !== 'Bundle') break;
      const bundle = body as Bundle;
      pages += 1;
      this.check(bundle, next);
      if (bundle.type !== 'searchset') this.failures.push(`${path}: Bundle.type ${bundle.type}, expected searchset`);
      total ??= bundle.total;
      for (const e of bundle.entry ?? []) {
        if (!e.resource || e.search?.mode !== 'match') continue;
        const key = `${e.resource.resourceType}/${e.resource.id ?? ''}`;
        if (keys.has(key)) this.failures.push(`${path}: ${key} is on more than one page`);
        keys.add(key);
        matches.push(e.resource);
      }
      next = bundle.link?.find((l) => l.relation === 'next')?.url;
      if (pages > 200) { this.failures.push(`${path}: more than 200 pages`); break; }
    }
    if (pages > 1) this.pagedSearches += 1;
    if (total !== undefined && total !== matches.length) this.failures.push(`${path}: Bundle.total ${total} but ${matches.length} matches over ${pages} page(s)`);
    return matches;
  }
}

/** Runs `work` over `items` with `n` at a time (the facade and the simulator share 2 cores with the test). */
export async function eachLimited<T>(items: readonly T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/** Every `reference` string inside a resource (Patient/1001, Practitioner/999998, …). */
export function referencesIn(x: unknown, out: string[] = []): string[] {
  if (Array.isArray(x)) for (const v of x) referencesIn(v, out);
  else if (x !== null && typeof x === 'object') {
    for (const [k, v] of Object.entries(x)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else referencesIn(v, out);
    }
  }
  return out;
}
