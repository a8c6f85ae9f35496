// The limiter slot (limiter.ts) of one guarded call toward OSCAR. The slot bounds what OSCAR works
// on at once, so it is given back the moment OSCAR's answer is in (the transport calls `release`
// before the answer is read): the next waiting call then leaves before this answer is parsed and
// mapped, on every round of a fan-out such as $everything (bench/results.md). A second exchange of
// the same call, the retry after a re-login (soap.ts, contract 7.18), takes a slot again first,
// so it is bounded like any other call.
import { OscarUnavailableError } from '../errors.js';
import type { Limiter } from './limiter.js';

/** What an OSCAR exchange needs of its call's slot. */
export interface ExchangeSlot {
  /** OSCAR has answered (or the call is over): the slot goes to the next waiting call. Once per slot taken. */
  release(): void;
  /** Takes a slot again, for another exchange of the same call; waits like any call. */
  again(): Promise<void>;
}

export class CallSlot implements ExchangeSlot {
  private held: (() => void) | undefined;
  /** The guarded call is over (answered, failed, or given up by its backstop deadline). */
  private over = false;

  constructor(private readonly limiter: Limiter, private readonly operation: string, release: () => void) {
    this.held = release;
  }

  /** Bound, so the transport can call it as a plain function. */
  readonly release = (): void => {
    const held = this.held;
    this.held = undefined;
    held?.();
  };

  async again(): Promise<void> {
    if (this.held) return;
    const release = this.limiter.tryAcquire(this.operation) ?? await this.limiter.acquire(this.operation);
    if (this.over) {
      // The call was given up while this waited: nobody would give the slot back.
      release();
      throw new OscarUnavailableError(this.operation, 'queue-timeout');
    }
    this.held = release;
  }

  /** The guarded call is over: its slot, if it still holds one, goes back now and none is taken again. */
  end(): void {
    this.over = true;
    this.release();
  }
}
