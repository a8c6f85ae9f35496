// Changes made directly in OSCAR (by the clinic's own users) reach the cache through OSCAR's delta
// operations, polled every CHANGE_POLL_SECONDS. Each feed keeps a cursor on OSCAR's own timestamps
// (so facade/OSCAR clock skew does not matter once rows flow) and re-reads a short overlap behind
// it, because OSCAR stores whole seconds and a transaction can commit a little after its stamp;
// rows already seen with the same stamp are skipped.
//
// Staleness bound: a change the feeds can see is evicted within one poll interval plus the poll's
// own duration. They cannot see everything (contract 4.5–4.10, 7.10): a patient leaving the active
// status (getActiveDemographicsAfter returns only AC), deleted appointments (archive table),
// consent-filtered rows when the facade's provider owns a consent filter type. For those, and for
// as long as polls fail, CACHE_TTL_SECONDS is the bound.
import type { Logger } from '../logging.js';
import type { OscarClient } from '../oscar/client.js';
import { parseXsDateTime } from '../time/zone.js';
import type { RecordChange, RecordKind } from './tags.js';

/** How far behind its cursor each poll looks again (whole-second stamps, late commits, small skew). */
const OVERLAP_MS = 5_000;

export interface ChangeFeedObserver {
  poll(outcome: 'ok' | 'error', seconds: number): void;
  changes(kind: RecordKind, count: number): void;
}

export interface ChangeFeedOptions {
  /** The real client (never the cached one). */
  oscar: OscarClient;
  timezone: string;
  intervalMs: number;
  /** Rows one poll asks each feed for; a full page means some may have been missed → drop everything. */
  pageRows: number;
  invalidate(changes: readonly RecordChange[]): void;
  /** A feed overflowed: forget everything. */
  clearAll(): void;
  logger?: Logger;
  observer?: ChangeFeedObserver;
  now?: () => number;
  /** Whether this instance is the one that polls (one poller per clinic); default: always. */
  leads?: () => Promise<boolean>;
}

interface Row { key: string; at: number; change: RecordChange }

interface Feed {
  kind: RecordKind;
  fetch(since: number): Promise<Row[]>;
}

type Obj = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

export class ChangeFeed {
  private readonly feeds: Feed[];
  private readonly cursor = new Map<RecordKind, number>();
  /** Rows seen inside the overlap window: kind:id → stamp. */
  private readonly seen = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;
  private failing = false;
  /** When the last poll in which every feed answered finished (ms epoch; 0 = never). */
  lastSuccess = 0;

  constructor(private readonly o: ChangeFeedOptions) {
    const tz = o.timezone;
    const at = (v: unknown): number => (typeof v === 'string' && v !== '' ? parseXsDateTime(v, tz) : 0);
    const rows = (list: readonly Obj[], kind: RecordKind, id: string, stamp: string, patient: (r: Obj) => number | undefined): Row[] =>
      list.map((r) => ({ key: `${kind}:${String(r[id])}`, at: at(r[stamp]), change: { kind, id: num(r[id]), patient: patient(r) } }));
    const { oscar, pageRows } = o;
    this.feeds = [
      // contract 4.5: projected to the two fields needed, so the poll stays small.
      { kind: 'demographic', fetch: async (s) => rows(await oscar.soapGetActiveDemographicsAfter(s, ['demographicNo', 'lastUpdateDate']) as Obj[], 'demographic', 'demographicNo', 'lastUpdateDate', () => undefined) },
      { kind: 'appointment', fetch: async (s) => rows(await oscar.soapGetAppointmentsUpdatedAfterDate(s, pageRows) as Obj[], 'appointment', 'id', 'updateDateTime', (r) => num(r.demographicNo)) },
      { kind: 'allergy', fetch: async (s) => rows(await oscar.soapGetAllergiesUpdatedAfterDate(s, pageRows) as Obj[], 'allergy', 'id', 'lastUpdateDate', (r) => num(r.demographicNo)) },
      { kind: 'prevention', fetch: async (s) => rows(await oscar.soapGetPreventionsUpdatedAfterDate(s, pageRows) as Obj[], 'prevention', 'id', 'lastUpdateDate', (r) => num(r.demographicId)) },
      {
        kind: 'document',
        fetch: async (s) => rows(await oscar.soapGetDocumentsUpdateAfterDate(s, pageRows) as Obj[], 'document', 'documentNo', 'updatedatetime',
          (r) => (r.ctlModule === 'demographic' ? num(r.ctlModuleId) : undefined)),
      },
    ];
    const start = this.now() - OVERLAP_MS;
    for (const f of this.feeds) this.cursor.set(f.kind, start);
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  start(): void {
    if (this.timer || this.stopped) return;
    const loop = (): void => {
      this.timer = setTimeout(() => {
        void this.scheduledPoll().finally(() => { if (!this.stopped) loop(); });
      }, this.o.intervalMs);
      this.timer.unref();
    };
    loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The timer's poll: only on the instance that leads (the others hear of changes through the bus). */
  private async scheduledPoll(): Promise<number> {
    // A state that cannot say who leads: poll here rather than nowhere (TTL alone would be the bound).
    const leads = this.o.leads ? await this.o.leads().catch(() => true) : true;
    return leads ? this.pollNow() : 0;
  }

  /** One poll of every feed (joins a poll already running); resolves with the changes applied. */
  pollNow(): Promise<number> {
    this.running ??= this.poll().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async poll(): Promise<number> {
    const started = performance.now();
    const results = await Promise.allSettled(this.feeds.map(async (f) => ({ f, rows: await f.fetch(this.cursor.get(f.kind)! - OVERLAP_MS) })));
    const changes: RecordChange[] = [];
    let overflow = false;
    let failed = 0;
    for (const r of results) {
      if (r.status === 'rejected') {
        failed++;
        const e = r.reason as { name?: string; operation?: string };
        // Once per outage, not once per poll (the metric counts every failed poll).
        if (!this.failing) this.o.logger?.warn({ error: e?.name, operation: e?.operation }, 'cache change feed: poll failed; cached entries rely on their TTL until it recovers');
        continue;
      }
      const { f, rows } = r.value;
      if (rows.length >= this.o.pageRows) overflow = true;
      let cursor = this.cursor.get(f.kind)!;
      let n = 0;
      for (const row of rows) {
        if (row.at > cursor) cursor = row.at;
        if (this.seen.get(row.key) === row.at) continue;
        this.seen.set(row.key, row.at);
        changes.push(row.change);
        n++;
      }
      this.cursor.set(f.kind, cursor);
      if (n) this.o.observer?.changes(f.kind, n);
    }
    this.prune();
    if (overflow) this.o.clearAll();
    else if (changes.length) this.o.invalidate(changes);
    const outcome = failed ? 'error' : 'ok';
    if (!failed) this.lastSuccess = this.now();
    if (this.failing && !failed) this.o.logger?.info('cache change feed: polls succeed again');
    this.failing = failed > 0;
    this.o.observer?.poll(outcome, (performance.now() - started) / 1000);
    return changes.length;
  }

  /** Rows stamped before every feed's window can never come back: forget them. */
  private prune(): void {
    const oldest = Math.min(...this.cursor.values()) - OVERLAP_MS;
    for (const [k, at] of this.seen) if (at < oldest) this.seen.delete(k);
  }
}
