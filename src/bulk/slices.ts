// An export's CPU work (mapping, validation, serialising, sealing) runs in short slices: after a
// few milliseconds of it the job steps aside to the event loop, so an interactive request that
// arrived meanwhile is read, routed and answered before the export's next slice (bulk-data §0
// item 1: an export never starves the front desk). A resolved await is not enough: it yields to
// microtasks only, never to the sockets.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Longest the export computes before it lets the event loop serve others. */
const SLICE_MS = 4;

export type Pause = () => Promise<void>;

/** A pause that yields to the event loop once `sliceMs` of work went by since its last yield. */
export function timeSlices(sliceMs = SLICE_MS, clock: () => number = () => performance.now()): Pause {
  let since = clock();
  return async () => {
    if (clock() - since < sliceMs) return;
    await nextTurn();
    since = clock();
  };
}
