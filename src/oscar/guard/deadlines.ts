// Many deadlines on one timer. Every OSCAR call had up to three timers of its own (the exchange's,
// the backstop's and, when it queued, the limiter's), each set and cleared within milliseconds,
// and Node files timers by duration: a list emptied and made again on every call cost about 10 µs
// of CPU per timer (bench/results.md). Here a call's deadline is an entry in a set, and one timer
// is armed for the earliest: a call that ends in time just leaves the set. The timer is left
// armed (not holding the process open) while the set is empty; when it fires with nothing due
// it simply re-arms for the next deadline, or for none.

export interface Deadline { readonly at: number; readonly expire: () => void }

export class Deadlines {
  private readonly entries = new Set<Deadline>();
  private timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (Infinity: none armed). */
  private armedAt = Infinity;

  /** `now`: the clock, in ms (tests move their own). */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Calls `expire` in `ms` unless cancelled before; the handle is for `cancel`. */
  add(ms: number, expire: () => void): Deadline {
    const d: Deadline = { at: this.now() + ms, expire };
    this.entries.add(d);
    // The armed timer also serves a later deadline; an overdue one is re-armed (a timer that
    // never fired, as under a test's mocked clock, must not leave every later deadline waiting).
    if (d.at < this.armedAt || this.now() > this.armedAt + 1_000) this.arm(d.at);
    else if (this.entries.size === 1) this.holdOpen(true);
    return d;
  }

  /** Forgets `d` (its call ended in time). */
  cancel(d: Deadline): void {
    if (this.entries.delete(d) && this.entries.size === 0) this.holdOpen(false);
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - this.now()));
  }

  private fire(): void {
    // Due: what was armed for (not the clock, which a test may hold still while it moves timers).
    const due = this.armedAt;
    this.timer = undefined;
    this.armedAt = Infinity;
    let next = Infinity;
    for (const d of [...this.entries]) {
      if (d.at <= due) {
        this.entries.delete(d);
        d.expire();
      } else if (d.at < next) {
        next = d.at;
      }
    }
    // expire() may have added deadlines (and armed for them).
    if (next < this.armedAt) this.arm(next);
    if (this.entries.size === 0) this.holdOpen(false);
  }

  /** A pending deadline keeps the process running, as its own timer would; an empty set does not. */
  private holdOpen(on: boolean): void {
    if (on) this.timer?.ref();
    else this.timer?.unref();
  }
}
