// Benchmarks 1 and 2: cache-hit `GET /fhir/Patient/{id}` on the facade as deployed (a bearer token
// verified on every request, audit records written) and in the demo configuration (no auth, no
// audit), each side by side with its floor (bare node:http sent the same requests, sending the
// same bytes and response headers that facade sends) and with the peer (node-fhir-server-core serving the same Patient from
// memory). Rounds alternate floor → facades → peer so that the load other processes put on this
// shared machine hits all of them alike; each ratio is taken within a round and the median round
// is reported. Every server gets a warm-up (JIT) before the measured rounds.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad, type LoadResult } from './lib/load-client.js';
import { startChild, type Child } from './lib/proc.js';

/** One configuration of the facade: its process and the request headers of its requests (a bearer token). */
export interface Contender { name: string; child: Child<{ base: string }>; headers: Record<string, string> }

export interface ThroughputOptions {
  /** The first is the deployed configuration (targets); the others are reported beside it. */
  facades: Contender[];
  ids: number[];
  rounds: number;
  seconds: number;
  connections: number;
  warmupSeconds: number;
}

export interface Row { name: string; result: LoadResult; cpuMicrosPerRequest: number }
export interface FacadeFigures { facade: Row; floor: Row; vsFloor: number; vsPeer: number }
export interface ThroughputReport {
  /** Per round: every floor, every facade, the peer, in the order they ran. */
  rounds: Row[][];
  /** Per facade, the figures of its median round (by its ratio to its floor). */
  median: FacadeFigures[];
  peer: Row;
  bytes: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Headers a floor does not replay: set per connection or per body by node:http itself. */
const PER_CONNECTION = ['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'];

async function measure(name: string, child: Child, url: string, o: { connections: number; seconds: number }, headers?: Record<string, string>): Promise<Row> {
  const before = await child.rpc<{ cpuMicros: number }>('cpu');
  const result = await runLoad({ url, connections: o.connections, durationSec: o.seconds, ...(headers && { headers }) });
  const after = await child.rpc<{ cpuMicros: number }>('cpu');
  return { name, result, cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / Math.max(1, result.requests) };
}

/** The bytes and headers of a cache hit (the first request fills the cache). */
export async function hitOf(url: string, headers: Record<string, string>): Promise<{ body: Buffer; headers: Record<string, string> }> {
  await fetch(url, { headers }).then((r) => r.arrayBuffer());
  const hit = await fetch(url, { headers });
  if (hit.status !== 200) throw new Error(`facade answered ${hit.status}`);
  const body = Buffer.from(await hit.arrayBuffer());
  const kept: Record<string, string> = {};
  hit.headers.forEach((v, k) => { if (!PER_CONNECTION.includes(k)) kept[k] = v; });
  return { body, headers: kept };
}

export async function throughput(o: ThroughputOptions): Promise<ThroughputReport> {
  const id = o.ids[0]!;
  const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-bench-'));
  const started: Child[] = [];
  try {
    // A floor per distinct answer: a facade is compared with a server sending exactly what it sends.
    const floors = new Map<string, Child<{ url: string }>>();
    const lanes: { c: Contender; url: string; floor: Child<{ url: string }> }[] = [];
    // The request headers a floor is sent: its facade's (the bearer token included), so that both
    // parse the same request and the difference is what the facade does with it.
    const floorHeaders = new Map<Child<{ url: string }>, Record<string, string>>();
    let bytes = 0;
    let resource: unknown;
    for (const c of o.facades) {
      const url = `${c.child.info.base}/Patient/${id}`;
      const hit = await hitOf(url, c.headers);
      const { 'x-request-id': _, ...compared } = hit.headers;
      const key = JSON.stringify([hit.body.toString('base64'), compared]);
      let floor = floors.get(key);
      if (!floor) {
        const file = join(dir, `floor-${floors.size}.json`);
        writeFileSync(file, JSON.stringify({ body: hit.body.toString('base64'), headers: hit.headers }));
        floor = await startChild<{ url: string }>('servers/floor.ts', {}, [file]);
        started.push(floor);
        floors.set(key, floor);
        floorHeaders.set(floor, c.headers);
      }
      lanes.push({ c, url, floor });
      bytes ||= hit.body.length;
      resource ??= JSON.parse(hit.body.toString('utf8'));
    }
    writeFileSync(join(dir, 'peer.json'), JSON.stringify({ [String(id)]: resource }));
    const peer = await startChild<{ url: string; path: string }>('servers/peer.ts', {}, [join(dir, 'peer.json')]);
    started.push(peer);
    const peerUrl = `${peer.info.url}${peer.info.path}${id}`;
    const peerCheck = await fetch(peerUrl);
    if (peerCheck.status !== 200) throw new Error(`peer answered ${peerCheck.status}`);
    await peerCheck.arrayBuffer();

    const floorList = [...new Set(lanes.map((l) => l.floor))];
    const floorName = (f: Child<{ url: string }>): string => (floorList.length === 1 ? 'floor' : `floor ${floorList.indexOf(f) + 1}`);
    const round = async (spec: { connections: number; seconds: number }): Promise<Row[]> => {
      const rows: Row[] = [];
      for (const f of floorList) rows.push(await measure(floorName(f), f, f.info.url, spec, floorHeaders.get(f)));
      for (const l of lanes) rows.push(await measure(l.c.name, l.c.child, l.url, spec, l.c.headers));
      rows.push(await measure('peer', peer, peerUrl, spec));
      return rows;
    };
    await round({ connections: o.connections, seconds: o.warmupSeconds });
    const rounds: Row[][] = [];
    for (let r = 0; r < o.rounds; r++) rounds.push(await round(o));

    const rowOf = (rs: Row[], name: string): Row => rs.find((x) => x.name === name)!;
    const figures = lanes.map((l): FacadeFigures & { round: number } => {
      const ratios = rounds.map((rs) => rowOf(rs, l.c.name).result.rps / rowOf(rs, floorName(l.floor)).result.rps);
      const r = ratios.indexOf(median(ratios));
      return {
        round: r, facade: rowOf(rounds[r]!, l.c.name), floor: rowOf(rounds[r]!, floorName(l.floor)), vsFloor: median(ratios),
        vsPeer: median(rounds.map((rs) => rowOf(rs, l.c.name).result.rps / rowOf(rs, 'peer').result.rps)),
      };
    });
    return { rounds, median: figures, peer: rowOf(rounds[figures[0]!.round]!, 'peer'), bytes };
  } finally {
    for (const c of started) await c.stop();
  }
}
