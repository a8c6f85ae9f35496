// OSCAR's provider list, fetched once and kept briefly: it turns a provider number into the
// display name of a Practitioner reference and serves Practitioner reads and searches, without
// an upstream call per row. A clinic has tens of providers, so the whole list is cheap.
import type { OscarClient } from '../oscar/client.js';
import type { ProviderTransfer } from '../oscar/types.js';
import { personDisplay } from './references.js';

/**
 * After the list could not be had, names are given up for this long before OSCAR is asked again
 * (design principle 5): a page or an export names a provider per row, and a list OSCAR keeps
 * failing would otherwise be asked for once per row. Practitioner reads still ask every time.
 */
const NAMES_RETRY_MS = 30_000;

export class ProviderDirectory {
  #list: Promise<ProviderTransfer[]> | undefined;
  #loadedAt = 0;
  #namesFailedAt = Number.NEGATIVE_INFINITY;

  /** `offered`: whether the connected OSCAR serves the provider list (src/routing); a list it cannot serve is never asked for. */
  constructor(
    private readonly oscar: OscarClient, private readonly ttlMs = 300_000, private readonly now: () => number = Date.now,
    private readonly offered: () => boolean = () => true,
  ) {}

  /** Every provider (active or not), from a cached `getProviders2(null)`; none when this OSCAR does not serve the list. */
  async all(): Promise<ProviderTransfer[]> {
    if (!this.offered()) return [];
    if (!this.#list || this.now() - this.#loadedAt > this.ttlMs) {
      this.#loadedAt = this.now();
      const p = this.oscar.soapGetProviders2(null);
      this.#list = p;
      p.catch(() => { if (this.#list === p) this.#list = undefined; });
    }
    return this.#list;
  }

  async get(providerNo: string | null | undefined): Promise<ProviderTransfer | undefined> {
    if (!providerNo) return undefined;
    return (await this.all()).find((p) => p.providerNo === providerNo);
  }

  /** The list for display names; undefined when it cannot be had, or could not a moment ago (NAMES_RETRY_MS). */
  async #listForNames(): Promise<ProviderTransfer[] | undefined> {
    if (this.now() - this.#namesFailedAt < NAMES_RETRY_MS) return undefined;
    try {
      return await this.all();
    } catch {
      this.#namesFailedAt = this.now();
      return undefined; // a name is a nicety: never fail a clinical read over it
    }
  }

  /** "First Last" of a provider, or undefined when unknown (the reference then has no display). */
  async displayOf(providerNo: string | null | undefined): Promise<string | undefined> {
    if (!providerNo) return undefined;
    const p = (await this.#listForNames())?.find((x) => x.providerNo === providerNo);
    return p ? personDisplay(p.firstName, p.lastName) : undefined;
  }

  /**
   * displayOf for each of `providerNos` at once (a page of rows names a few providers many times):
   * the known ones by number; none when the list cannot be had.
   */
  async displaysOf(providerNos: Iterable<string | null | undefined>): Promise<ReadonlyMap<string, string>> {
    const wanted = new Set<string>();
    for (const no of providerNos) if (no) wanted.add(no);
    const displays = new Map<string, string>();
    if (wanted.size === 0) return displays;
    const list = await this.#listForNames();
    if (list === undefined) return displays;
    for (const p of list) {
      // The first with the number, as get() finds it.
      const no = p.providerNo;
      if (no === undefined || !wanted.delete(no)) continue;
      const display = personDisplay(p.firstName, p.lastName);
      if (display !== undefined) displays.set(no, display);
    }
    return displays;
  }

  /** Forget the list (after a provider change, or in tests). */
  invalidate(): void { this.#list = undefined; }
}
