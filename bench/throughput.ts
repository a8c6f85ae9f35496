// Benchmarks 1 and 2: cache-hit `GET /fhir/Patient/{id}` on the facade as deployed (a bearer token
// verified on every request, audit records written), side by side with the floor (bare node:http
// sending the same bytes and response headers) and the peer (node-fhir-server-core
// serving the same Patient from memory). Rounds alternate floor → facade → peer so that the load
// other processes put on this shared machine hits all three alike; each ratio is taken within a
// round and the median round is reported.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad, type LoadResult } from './lib/load-client.js';
import { startChild, type Child } from './lib/proc.js';

export interface ThroughputOptions {
  facade: Child<{ base: string }>;
  ids: number[];
  rounds: number;
  seconds: number;
  connections: number;
  /** Request headers of the facade's requests (the bearer token). */
  headers: Record<string, string>;
}

export interface Row { name: string; result: LoadResult; cpuMicrosPerRequest: number }
export interface ThroughputReport {
  rounds: { floor: Row; facade: Row; peer: Row }[];
  median: { floor: Row; facade: Row; peer: Row; facadeVsFloor: number; facadeVsPeer: number };
  bytes: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(name: string, child: Child, url: string, o: ThroughputOptions, headers?: Record<string, string>): Promise<Row> {
  const before = await child.rpc<{ cpuMicros: number }>('cpu');
  const result = await runLoad({ url, connections: o.connections, durationSec: o.seconds, ...(headers && { headers }) });
  const after = await child.rpc<{ cpuMicros: number }>('cpu');
  return { name, result, cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / Math.max(1, result.requests) };
}

export async function throughput(o: ThroughputOptions): Promise<ThroughputReport> {
  const id = o.ids[0]!;
  const facadeUrl = `${o.facade.info.base}/Patient/${id}`;
  // The bytes and headers of a cache hit, for the floor; the resource, for the peer.
  await fetch(facadeUrl, { headers: o.headers }).then((r) => r.arrayBuffer());
  const hit = await fetch(facadeUrl, { headers: o.headers });
  if (hit.status !== 200) throw new Error(`facade answered ${hit.status}`);
  const body = Buffer.from(await hit.arrayBuffer());
  const headers: Record<string, string> = {};
  hit.headers.forEach((v, k) => { if (!['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(k)) headers[k] = v; });
  const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-bench-'));
  writeFileSync(join(dir, 'floor.json'), JSON.stringify({ body: body.toString('base64'), headers }));
  writeFileSync(join(dir, 'peer.json'), JSON.stringify({ [String(id)]: JSON.parse(body.toString('utf8')) }));
  const floor = await startChild<{ url: string }>('servers/floor.ts', {}, [join(dir, 'floor.json')]);
  const peer = await startChild<{ url: string; path: string }>('servers/peer.ts', {}, [join(dir, 'peer.json')]);
  try {
    const peerUrl = `${peer.info.url}${peer.info.path}${id}`;
    const peerCheck = await fetch(peerUrl);
    if (peerCheck.status !== 200) throw new Error(`peer answered ${peerCheck.status}`);
    await peerCheck.arrayBuffer();
    // JIT warm-up of all three before the measured rounds.
    const warm = { ...o, seconds: 1 };
    await measure('floor', floor, floor.info.url, warm);
    await measure('facade', o.facade, facadeUrl, warm, o.headers);
    await measure('peer', peer, peerUrl, warm);
    const rounds: ThroughputReport['rounds'] = [];
    for (let r = 0; r < o.rounds; r++) {
      rounds.push({
        floor: await measure('floor', floor, floor.info.url, o),
        facade: await measure('facade', o.facade, facadeUrl, o, o.headers),
        peer: await measure('peer', peer, peerUrl, o),
      });
    }
    const ratio = rounds.map((x) => x.facade.result.rps / x.floor.result.rps);
    const mid = rounds[ratio.indexOf(median(ratio))]!;
    return {
      rounds,
      median: { ...mid, facadeVsFloor: median(ratio), facadeVsPeer: median(rounds.map((x) => x.facade.result.rps / x.peer.result.rps)) },
      bytes: body.length,
    };
  } finally {
    await floor.stop();
    await peer.stop();
  }
}
