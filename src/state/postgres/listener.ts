// The instance's own connection to the state database, kept open (and reopened after any loss):
//  - invalidation bus: LISTEN/NOTIFY with acknowledgements. A publisher notes which instances are
//    listening (rows of `member` whose backend is alive, read in the same statement that sends
//    the NOTIFY), and waits until each has applied the message and acknowledged it. An instance
//    that does not acknowledge in time has its listening connection terminated by the publisher:
//    it then drops its whole cache (below), so either way nobody serves what the write changed.
//  - leadership: session advisory locks on this connection; losing the connection loses them.
//  - membership: the live instances of the clinic (rows of `member` whose backend is alive), read
//    again when one joins or leaves (a NOTIFY) and with every heartbeat (one that died silently).
//    While the connection is down the last place is kept: a smaller share than needed, never a
//    larger one, so OSCAR is not given more than its bound when instances cannot count each other.
// Whenever this connection is (re)opened or lost, subscribers are told { all: true }: messages
// may have been missed. While it is down, writes are refused (assertConnected) and this instance
// polls the change feed itself (leads() says true): polling twice is cheaper than nobody polling.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../../logging.js';
import { StateUnavailableError } from '../errors.js';
import type { Invalidation, InvalidationBus } from '../invalidation.js';
import type { Leadership } from '../leadership.js';
import { ALONE, type Membership, type Place } from '../membership.js';
import { guarded, lockId, SCHEMA } from './database.js';

const CHANNEL = 'oscar_fhir_invalidate';
const ACK_CHANNEL = 'oscar_fhir_ack';
const MEMBERS_CHANNEL = 'oscar_fhir_members';
/** NOTIFY payloads are limited to 8000 bytes; a bigger message becomes "drop everything". */
const MAX_PAYLOAD = 7_900;
const HEARTBEAT_MS = 5_000;
const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 5_000;

export interface ListenerOptions {
  url: string;
  clinic: string;
  pool: pg.Pool;
  /** How long a publisher waits for acknowledgements before cutting a silent instance off. */
  ackTimeoutMs: number;
  logger?: Logger;
}

interface Notice { c: string; o: string; id: string; m: Invalidation }

interface Pending { waiting: Set<string> | undefined; early: Set<string>; done: () => void }

export class StateListener implements InvalidationBus, Leadership, Membership {
  /** This instance, as other instances know it. */
  readonly instance = randomUUID();
  #client: pg.Client | undefined;
  #connected = false;
  #closed = false;
  #everConnected = false;
  #delay = RECONNECT_MIN_MS;
  #retry: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  readonly #subscribers: ((m: Invalidation) => void)[] = [];
  readonly #pending = new Map<string, Pending>();
  readonly #roles = new Set<string>();
  #place: Place = ALONE;
  readonly #placeListeners: ((p: Place) => void)[] = [];

  constructor(private readonly o: ListenerOptions) {}

  get connected(): boolean { return this.#connected; }

  /** Opens the connection; resolves after the first attempt (a failed one keeps retrying). */
  async start(): Promise<void> {
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    clearInterval(this.#heartbeat);
    const c = this.#client;
    this.#client = undefined;
    this.#connected = false;
    if (!c) return;
    await c.query(`DELETE FROM ${SCHEMA}.member WHERE instance = $1`, [this.instance]).catch(() => {});
    await c.query('SELECT pg_notify($1, $2)', [MEMBERS_CHANNEL, this.o.clinic]).catch(() => {});
    await c.end().catch(() => {});
  }

  subscribe(listener: (m: Invalidation) => void): void { this.#subscribers.push(listener); }

  place(): Place { return this.#place; }

  onChange(listener: (p: Place) => void): void { this.#placeListeners.push(listener); }

  assertConnected(): void {
    if (!this.#connected) throw new StateUnavailableError('the other instances cannot be told of a write (no connection to the state database)');
  }

  async publish(message: Invalidation): Promise<void> {
    this.assertConnected();
    const id = randomUUID();
    let payload = JSON.stringify({ c: this.o.clinic, o: this.instance, id, m: message } satisfies Notice);
    if (Buffer.byteLength(payload) > MAX_PAYLOAD) payload = JSON.stringify({ c: this.o.clinic, o: this.instance, id, m: { all: true } } satisfies Notice);
    let done!: () => void;
    const acked = new Promise<void>((resolve) => { done = resolve; });
    const pending: Pending = { waiting: undefined, early: new Set(), done };
    this.#pending.set(id, pending);
    try {
      // One statement: the peers are read from the snapshot taken before the NOTIFY is delivered
      // (at commit), so every peer read is listening by then; a peer joining later drops its cache on joining.
      const r = await guarded('invalidation', () => this.o.pool.query<{ peers: { instance: string; pid: number; backend_start: string }[] | null }>(
        `SELECT (SELECT json_agg(json_build_object('instance', m.instance, 'pid', m.pid, 'backend_start', m.backend_start))
                   FROM ${SCHEMA}.member m JOIN pg_stat_activity a ON a.pid = m.pid AND a.backend_start = m.backend_start
                  WHERE m.clinic = $1 AND m.instance <> $2) AS peers,
                pg_notify('${CHANNEL}', $3)`, [this.o.clinic, this.instance, payload]));
      const peers = r.rows[0]?.peers ?? [];
      pending.waiting = new Set(peers.map((p) => p.instance).filter((i) => !pending.early.has(i)));
      if (pending.waiting.size === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([acked.then(() => false), new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), this.o.ackTimeoutMs); })]);
      clearTimeout(timer);
      if (!timedOut) return;
      const silent = peers.filter((p) => pending.waiting!.has(p.instance));
      this.o.logger?.warn({ instances: silent.length }, 'state: instances did not acknowledge a cache invalidation in time; cutting them off so they drop their caches');
      for (const p of silent) {
        await guarded('invalidation', () => this.o.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND backend_start = $2', [p.pid, p.backend_start]));
      }
    } finally {
      this.#pending.delete(id);
    }
  }

  async leads(role: string): Promise<boolean> {
    const c = this.#client;
    if (!this.#connected || !c) return true;
    if (this.#roles.has(role)) return true;
    try {
      const r = await c.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS got', [lockId(this.o.clinic, `leader:${role}`)]);
      if (r.rows[0]?.got && c === this.#client) this.#roles.add(role);
      return this.#roles.has(role);
    } catch {
      return true; // the connection is going: poll here until it is back
    }
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const c = new pg.Client({ connectionString: this.o.url, application_name: 'oscar-fhir listener', keepAlive: true, connectionTimeoutMillis: 3_000 });
    c.on('notification', (n) => this.#onNotification(c, n));
    c.on('error', () => this.#lost(c));
    c.on('end', () => this.#lost(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}; LISTEN ${ACK_CHANNEL}; LISTEN ${MEMBERS_CHANNEL}`);
      // Members whose backend is gone are forgotten; this one is the connection now listening.
      await c.query(`DELETE FROM ${SCHEMA}.member m WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = m.pid AND a.backend_start = m.backend_start)`);
      await c.query(
        `INSERT INTO ${SCHEMA}.member (instance, clinic, pid, backend_start) SELECT $1, $2, pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()
         ON CONFLICT (instance) DO UPDATE SET clinic = EXCLUDED.clinic, pid = EXCLUDED.pid, backend_start = EXCLUDED.backend_start`, [this.instance, this.o.clinic]);
      await this.#countMembers(c);
      await c.query('SELECT pg_notify($1, $2)', [MEMBERS_CHANNEL, this.o.clinic]);
    } catch {
      c.removeAllListeners('end');
      c.on('error', () => {});
      await c.end().catch(() => {});
      this.#scheduleReconnect();
      return;
    }
    if (this.#closed) { await c.end().catch(() => {}); return; }
    const back = this.#everConnected;
    this.#everConnected = true;
    this.#client = c;
    this.#connected = true;
    this.#delay = RECONNECT_MIN_MS;
    // Messages sent while this instance was not listening are lost: whatever was cached may be stale.
    this.#tell({ all: true });
    if (back) this.o.logger?.info('state: connection to the state database is back');
    clearInterval(this.#heartbeat);
    // A connection can die silently (a network drop): a failing heartbeat ends it.
    this.#heartbeat = setInterval(() => {
      if (this.#client === c) this.#countMembers(c).catch(() => this.#lost(c));
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  #lost(c: pg.Client): void {
    if (this.#client !== c) return;
    this.#client = undefined;
    this.#connected = false;
    this.#roles.clear();
    clearInterval(this.#heartbeat);
    this.o.logger?.warn('state: lost the connection to the state database; dropping the cache, refusing writes until it is back');
    this.#tell({ all: true });
    c.end().catch(() => {});
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => void this.#connect(), this.#delay);
    this.#retry.unref();
    this.#delay = Math.min(RECONNECT_MAX_MS, this.#delay * 2);
  }

  /** Reads this instance's place among the clinic's live instances; tells the listeners of a change. */
  async #countMembers(c: pg.Client): Promise<void> {
    const r = await c.query<{ count: number; rank: number }>(
      `SELECT count(*)::int AS count, (count(*) FILTER (WHERE m.instance < $2))::int AS rank
         FROM ${SCHEMA}.member m JOIN pg_stat_activity a ON a.pid = m.pid AND a.backend_start = m.backend_start
        WHERE m.clinic = $1`, [this.o.clinic, this.instance]);
    const row = r.rows[0];
    if (!row || row.count === 0) return;
    if (row.count === this.#place.count && row.rank === this.#place.rank) return;
    this.#place = { rank: row.rank, count: row.count };
    for (const l of this.#placeListeners) l(this.#place);
  }

  #onNotification(c: pg.Client, n: pg.Notification): void {
    if (n.channel === MEMBERS_CHANNEL) {
      if (n.payload === this.o.clinic && this.#client === c) this.#countMembers(c).catch(() => this.#lost(c));
      return;
    }
    if (n.channel === ACK_CHANNEL) {
      const [id, from] = (n.payload ?? '').split(' ');
      const p = id ? this.#pending.get(id) : undefined;
      if (!p || !from) return;
      if (!p.waiting) { p.early.add(from); return; }
      p.waiting.delete(from);
      if (p.waiting.size === 0) p.done();
      return;
    }
    let notice: Notice;
    try { notice = JSON.parse(n.payload ?? '') as Notice; } catch { return; }
    if (notice.c !== this.o.clinic || notice.o === this.instance) return;
    this.#tell(notice.m);
    c.query('SELECT pg_notify($1, $2)', [ACK_CHANNEL, `${notice.id} ${this.instance}`]).catch(() => this.#lost(c));
  }

  #tell(m: Invalidation): void {
    for (const s of this.#subscribers) {
      try { s(m); } catch (e) { this.o.logger?.error({ err: e }, 'state: an invalidation subscriber failed'); }
    }
  }
}
