// The capability map the facade serves with, and when it is probed again (variants §7.1): at
// start-up, on a schedule, and (debounced) when a call fails in a way that says the map is out of
// date. Start-up never waits for the probes beyond a short bound: until they finish the map read
// back from the cache file is served, or the assumed one (everything present).
import type { Logger } from '../../logging.js';
import { readCapabilityCache, writeCapabilityCache } from './cache-file.js';
import { assumedCapabilityMap } from './assumed.js';
import type { Discovery } from './discover.js';
import type { CapabilityMap } from './map.js';
import { verdictsOf, verdictText } from './verdicts.js';

export interface CapabilitiesOptions {
  /** One probe round (discover() over the OSCAR client's probe channel). */
  discover: () => Promise<Discovery>;
  /** The OSCAR base URL: the cache file's key. */
  oscarUrl: string;
  clinicZone: string;
  logger: Logger;
  /** CAPABILITY_CACHE_FILE; absent = none. */
  cacheFile?: string;
  /** Probe again this often; 0 = only at start-up and when a call says the map is stale. */
  refreshMs: number;
  /** Shortest time between two rounds started by failing calls (default 60 s). */
  minIntervalMs?: number;
  now?: () => number;
}

export type CapabilityListener = (map: CapabilityMap) => void;

/** The map without when and how it was obtained: two maps with equal content describe one OSCAR. */
const contentOf = (m: CapabilityMap): string => JSON.stringify({ ...m, probedAt: undefined, source: undefined });

/** The log line's view of a map: compact, no lists. */
function summary(m: CapabilityMap): Record<string, unknown> {
  return {
    source: m.source, variant: m.variant,
    soap: m.soap.reach, namespace: m.soap.namespace, soapOperations: Object.values(m.soap.operations).reduce((n, ops) => n + ops.length, 0),
    genderCodes: m.soap.genderCodes?.join(''), fingerprint: m.soap.fingerprint,
    rest: m.rest.reach, dialect: m.rest.dialect, restPaths: m.rest.paths?.length, putAllowed: m.rest.putAllowed,
    serverOffsetMinutes: m.time.serverOffsetMinutes, zoneMismatch: m.time.mismatch,
  };
}

export class Capabilities {
  private map: CapabilityMap;
  private readonly listeners = new Set<CapabilityListener>();
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private running: Promise<void> | undefined;
  private first: Promise<void> | undefined;
  private lastStart = Number.NEGATIVE_INFINITY;
  private pending: NodeJS.Timeout | undefined;
  private refresh: NodeJS.Timeout | undefined;
  /** Consecutive rounds in which OSCAR did not answer: the retry waits longer each time. */
  private misses = 0;
  private closed = false;

  constructor(private readonly o: CapabilitiesOptions) {
    this.minIntervalMs = o.minIntervalMs ?? 60_000;
    this.now = o.now ?? Date.now;
    this.map = this.initialMap();
  }

  /** The map to serve with now. */
  current(): CapabilityMap { return this.map; }

  /** Calls `listener` with each new map whose content differs from the last; returns the unsubscribe. */
  onChange(listener: CapabilityListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Starts the first round and the schedule; resolves once the first round ended or `boundMs` passed. */
  start(boundMs: number): Promise<void> {
    this.first ??= this.run('start-up');
    if (this.o.refreshMs > 0) {
      this.refresh = setInterval(() => { void this.run('schedule'); }, this.o.refreshMs);
      this.refresh.unref();
    }
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => { timer = setTimeout(resolve, boundMs); timer.unref(); });
    return Promise.race([this.first, bound]).finally(() => clearTimeout(timer));
  }

  /**
   * Probes again because `reason` (an operation name, never request content) suggests the map is
   * stale. At most one round per minIntervalMs: a later request is deferred to the end of it.
   */
  rediscover(reason: string): void {
    if (this.closed || this.running || this.pending) return;
    const wait = this.lastStart + this.minIntervalMs - this.now();
    this.o.logger.info({ reason, inMs: Math.max(0, wait) }, 'OSCAR answered as if its capabilities changed: probing them again');
    if (wait <= 0) void this.run(reason);
    else this.later(wait, reason);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.pending);
    clearInterval(this.refresh);
  }

  private initialMap(): CapabilityMap {
    const assumed = assumedCapabilityMap(this.o.clinicZone, this.now());
    if (!this.o.cacheFile) return assumed;
    const read = readCapabilityCache(this.o.cacheFile, this.o.oscarUrl);
    // A map probed under another OSCAR_TIMEZONE judged the server zone against that one.
    const why = 'none' in read ? read.none : read.map.time.clinicZone !== this.o.clinicZone ? 'other-timezone' : undefined;
    if (why === undefined && 'map' in read) return read.map;
    if (why !== 'absent') this.o.logger.info({ file: this.o.cacheFile, why }, 'capability cache file not used');
    return assumed;
  }

  private later(ms: number, reason: string): void {
    this.pending = setTimeout(() => { this.pending = undefined; void this.run(reason); }, ms);
    this.pending.unref();
  }

  private run(reason: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.running ??= this.round(reason).finally(() => { this.running = undefined; });
    return this.running;
  }

  private async round(reason: string): Promise<void> {
    this.lastStart = this.now();
    let found: Discovery;
    try {
      found = await this.o.discover();
    } catch (err) {
      this.o.logger.error({ err, reason }, 'capability discovery failed; serving the previous map');
      this.retry(reason);
      return;
    }
    if (this.closed) return;
    const probed = found.map;
    const soapLost = probed.soap.reach === 'unreachable';
    const restLost = probed.rest.reach === 'unreachable';
    if (soapLost && restLost) {
      this.o.logger.warn({ reason, soap: probed.soap.detail, rest: probed.rest.detail, calls: found.calls, ms: found.ms, serving: this.map.source },
        'OSCAR did not answer the capability probes; serving the map known before');
      this.retry(reason);
      return;
    }
    // A half that did not answer keeps what was known of it (cached, or assumed present): its
    // calls fail with 503 until it answers, rather than being withdrawn as if it never existed.
    const previous = this.map;
    const keep = <T extends { detail?: string }>(was: T, now: { detail?: string }): T => ({ ...was, detail: `no answer at the last probe (${now.detail ?? 'unreachable'})` });
    const next: CapabilityMap = {
      ...probed,
      soap: soapLost ? keep(previous.soap, probed.soap) : probed.soap,
      rest: restLost ? keep(previous.rest, probed.rest) : probed.rest,
      time: soapLost ? { ...previous.time, clinicZone: this.o.clinicZone } : probed.time,
      variant: soapLost ? previous.variant : probed.variant,
    };
    this.map = next;
    if (soapLost || restLost) this.retry(reason);
    else this.misses = 0;
    this.persist(next);
    if (previous.soap.fingerprint && next.soap.fingerprint && previous.soap.fingerprint !== next.soap.fingerprint) {
      this.o.logger.warn({ was: previous.soap.fingerprint, now: next.soap.fingerprint }, 'OSCAR\'s SOAP services changed (an upgrade or another OSCAR line)');
    }
    if (contentOf(previous) === contentOf(next)) {
      this.o.logger.debug({ reason, calls: found.calls, ms: found.ms }, 'OSCAR capabilities unchanged');
      return;
    }
    this.o.logger.info({ reason, calls: found.calls, ms: found.ms, ...summary(next), problems: verdictsOf(next).filter((v) => v.problem).map((v) => verdictText(v)) },
      'OSCAR capabilities');
    for (const listener of this.listeners) {
      try { listener(next); } catch (err) { this.o.logger.error({ err }, 'a capability listener failed'); }
    }
  }

  /** The next round after OSCAR did not answer: 1, 2, 4… minutes, never later than the schedule. */
  private retry(reason: string): void {
    if (this.closed || this.pending) return;
    const cap = this.o.refreshMs > 0 ? this.o.refreshMs : 3_600_000;
    this.later(Math.min(cap, this.minIntervalMs * 2 ** this.misses++), reason);
  }

  private persist(map: CapabilityMap): void {
    if (!this.o.cacheFile) return;
    try {
      writeCapabilityCache(this.o.cacheFile, this.o.oscarUrl, map);
    } catch (err) {
      this.o.logger.warn({ file: this.o.cacheFile, code: (err as NodeJS.ErrnoException).code }, 'could not write the capability cache file');
    }
  }
}
