// The resources $everything's matches reference that this server can read (Practitioners), read
// as each part of the answer names them: a part comes back while others still wait for OSCAR,
// so its references are read in that wait rather than after the last answer. The answer is the
// same as reading them all at the end: the first MAX_REFERENCED references in sorted order, an
// unreadable one left out with a warning.
import type { Resource } from 'fhir/r4.js';
import { stampVersion, type FhirContext, type Issue } from '../../fhir/index.js';
import type { TypeLookup } from './everything.js';

/** Reads of referenced resources running at once. */
const READS_AT_ONCE = 6;
/** Most distinct referenced resources read for one answer. */
export const MAX_REFERENCED = 100;
const REFERENCE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

/** 'Type/id' strings of every Reference.reference inside a resource. */
export function referencesIn(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) referencesIn(v, out);
  else if (value !== null && typeof value === 'object') {
    // Keys, not entries: this walks every resource of the answer, and a pair per property was
    // most of its time.
    for (const k of Object.keys(value)) {
      const v: unknown = (value as Record<string, unknown>)[k];
      if (k === 'reference' && typeof v === 'string' && REFERENCE.test(v)) out.add(v);
      else if (typeof v === 'object') referencesIn(v, out);
    }
  }
  return out;
}

/** A read's outcome: the resource (version stamped), nothing (unknown, or an id the type cannot have), or a failure. */
type Read = Resource | undefined | 'failed';

export class ReferenceReads {
  private readonly reads = new Map<string, Promise<Read>>();
  private readonly mentioned = new Set<string>();
  private running = 0;
  private readonly queued: (() => void)[] = [];

  /**
   * `wanted`: types the answer may hold (`_type`); `skip`: types whose references are not
   * followed (the patient and the compartment types: those resources are matches already).
   */
  constructor(
    private readonly ctx: FhirContext, private readonly registry: TypeLookup,
    private readonly wanted: (type: string) => boolean, private readonly skip: ReadonlySet<string>,
  ) {}

  /** Notes the references of one part of the answer and starts reading them (within the bound). */
  add(resources: readonly Resource[]): void {
    for (const ref of referencesIn(resources, new Set())) {
      if (this.mentioned.has(ref) || !this.followed(ref)) continue;
      this.mentioned.add(ref);
      if (this.reads.size < MAX_REFERENCED) this.start(ref);
    }
  }

  /** The referenced resources (sorted by reference) once read, but those in `have`, and what could not be included. */
  async collect(have: ReadonlySet<string>): Promise<{ resources: Resource[]; issues: Issue[] }> {
    const refs = [...this.mentioned].filter((ref) => !have.has(ref)).sort();
    const issues: Issue[] = [];
    if (refs.length > MAX_REFERENCED) {
      issues.push({ severity: 'information', code: 'informational', diagnostics: `only the first ${MAX_REFERENCED} of ${refs.length} referenced resources are included` });
    }
    const chosen = refs.slice(0, MAX_REFERENCED);
    const read = await Promise.all(chosen.map((ref) => this.reads.get(ref) ?? this.start(ref)));
    const resources: Resource[] = [];
    read.forEach((r, i) => {
      // A referenced resource is context, not the patient's record: leave it out, say so, go on.
      if (r === 'failed') issues.push({ severity: 'warning', code: 'incomplete', diagnostics: `${chosen[i]} could not be read and is not included` });
      else if (r !== undefined) resources.push(r);
    });
    return { resources, issues };
  }

  private followed(ref: string): boolean {
    const type = ref.split('/')[0]!;
    return !this.skip.has(type) && this.wanted(type) && this.registry.get(type)?.interactions.read !== undefined;
  }

  private start(ref: string): Promise<Read> {
    const p = this.slot().then(async () => {
      try {
        return await this.readOne(ref);
      } finally {
        this.running--;
        this.queued.shift()?.();
      }
    });
    this.reads.set(ref, p);
    return p;
  }

  /** Resolves once fewer than READS_AT_ONCE reads run (and counts this one). */
  private slot(): Promise<void> {
    if (this.running < READS_AT_ONCE) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queued.push(() => { this.running++; resolve(); }));
  }

  private async readOne(ref: string): Promise<Read> {
    const [type, id] = ref.split('/') as [string, string];
    const def = this.registry.get(type)!;
    if (def.idPattern && !def.idPattern.test(id)) return undefined;
    try {
      // Stamped as it is read, during the wait for OSCAR, not after the last answer.
      const r = await def.interactions.read!(this.ctx, id);
      return r && stampVersion(r);
    } catch {
      return 'failed';
    }
  }
}
