// Request accounting for the simulator: how many calls the facade made, per OSCAR operation, and
// how many were in flight at once. Benchmarks read it to prove caching and coalescing work.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { FaultMode } from './faults.js';

export interface SimStatsSnapshot {
  /** Answered requests (a response was completely sent). */
  total: number;
  /** Answered requests per operation: `res.locals.simOperation`, else `${method} ${path}`. */
  byOperation: Record<string, number>;
  /** Requests currently being handled (including ones held by a timeout fault). */
  inFlight: number;
  /** Highest `inFlight` since the last reset. */
  maxInFlight: number;
  /** Injected faults per mode since the last reset. */
  faults: Partial<Record<FaultMode, number>>;
}

export class SimStats {
  private total = 0;
  private readonly byOperation = new Map<string, number>();
  private readonly faults = new Map<FaultMode, number>();
  private inFlight = 0;
  private maxInFlight = 0;

  /** Express middleware; mount it before everything it should count. */
  middleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction): void => {
      this.inFlight++;
      if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
      const path = req.originalUrl.split('?')[0] ?? req.originalUrl;
      let done = false;
      const settle = (): void => {
        if (done) return;
        done = true;
        this.inFlight--;
        if (!res.writableFinished) return; // aborted or reset: not an answer
        const locals = res.locals as { simOperation?: unknown };
        const op = typeof locals.simOperation === 'string' && locals.simOperation ? locals.simOperation : `${req.method} ${path}`;
        this.total++;
        this.byOperation.set(op, (this.byOperation.get(op) ?? 0) + 1);
      };
      res.once('finish', settle);
      res.once('close', settle);
      next();
    };
  }

  recordFault(mode: FaultMode): void {
    this.faults.set(mode, (this.faults.get(mode) ?? 0) + 1);
  }

  /** Zero the counters; requests in flight stay in flight (and set the new maximum). */
  reset(): void {
    this.total = 0;
    this.byOperation.clear();
    this.faults.clear();
    this.maxInFlight = this.inFlight;
  }

  /** Answered requests for one operation, or in total when `op` is omitted. */
  count(op?: string): number {
    return op === undefined ? this.total : this.byOperation.get(op) ?? 0;
  }

  snapshot(): SimStatsSnapshot {
    return {
      total: this.total,
      byOperation: Object.fromEntries([...this.byOperation].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
      faults: Object.fromEntries(this.faults),
    };
  }
}
