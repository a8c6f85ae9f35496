// A raw OSCAR client making the facade's own calls: the requests the simulator saw while the
// facade answered one FHIR request, sent again byte for byte (same bodies, same WS-Security and
// OAuth headers) on keep-alive, each as soon as the calls it waited for in the facade's run are
// answered. A call waited for another when it arrived after that one's answer was written (a
// dependency such as a list before its documents, or a free OSCAR slot): so the replay keeps the
// facade's order and concurrency and leaves out only the facade's own time.
import { exchange, sizedExchange } from './sequential.js';

export interface CapturedCall {
  method: string;
  /** Path and query, as the simulator saw them. */
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** performance.now() in the simulator's process when the request arrived / its answer was written. */
  arrived: number;
  answered: number;
}

/**
 * Replays `calls` against `origin` (e.g. http://127.0.0.1:8080); resolves with the time taken (ms)
 * and the statuses, and with `onAnswer` hands each answer's body over as it arrives (the call, in
 * the order of arrival at the simulator, and its bytes).
 */
export async function replay(origin: string, calls: readonly CapturedCall[], onAnswer?: (call: CapturedCall, body: Buffer) => void): Promise<{ ms: number; statuses: number[] }> {
  const ordered = [...calls].sort((a, b) => a.arrived - b.arrived);
  const started = performance.now();
  const done: Promise<number>[] = [];
  ordered.forEach((c, i) => {
    const waitedFor = done.filter((_, j) => ordered[j]!.answered <= c.arrived);
    const x = { method: c.method as 'GET' | 'POST', url: `${origin}${c.url}`, headers: c.headers, ...(c.body !== undefined && { body: c.body }) };
    done[i] = Promise.all(waitedFor).then(() => (onAnswer
      ? sizedExchange(x, true).then((r) => { onAnswer(c, r.body!); return r.status; })
      : exchange(x)));
  });
  const statuses = await Promise.all(done);
  return { ms: performance.now() - started, statuses };
}
