// What capability discovery (variants §7.2) costs OSCAR and start-up, per simulated line and
// host: OSCAR calls of one probe round, its wall time (median of 5) with the simulator answering
// at once and with 50 ms added to every answer (a clinic across a WAN), and how long the facade's
// listen() waits with discovery on and off. Prints a Markdown table.
//   node --import tsx bench/discovery.ts
import { createFacade } from '../src/app.js';
import { connectionFromCredentials, loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging.js';
import { OscarClient } from '../src/oscar/client.js';
import { discover } from '../src/oscar/capabilities/discover.js';
import { demoCredentials } from '../src/sim/options.js';
import { startSimulator, type StartSimulatorOptions } from '../src/sim/server.js';

const COMBINATIONS: [string, StartSimulatorOptions][] = [
  ['Open-O (default)', {}], ['Open-O legacy', { variant: 'openo-legacy' }], ['OSCAR 19', { variant: 'oscar19' }],
  ['OSCAR 15', { variant: 'oscar15' }], ['Juno', { variant: 'juno' }], ['REST module off', { restModule: false }],
  ['PUT denied', { edgeDenyPut: true }], ['SOAP WAF', { soapWaf: true }], ['Juno, IP denied', { variant: 'juno', ipAllowlist: 'deny' }],
  ['JVM zone apart', { serverTimezone: 'America/Vancouver' }],
];
const RUNS = 5;
const credentials = demoCredentials({});
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function rounds(url: string): Promise<{ calls: number; ms: number }> {
  const c = credentials;
  const client = new OscarClient({
    baseUrl: url, timezone: 'America/Toronto', retries: 0,
    oauth: { consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, token: c.accessToken, tokenSecret: c.accessTokenSecret },
    soap: { userName: c.soapUserName, password: c.soapPassword },
  });
  const times: number[] = [];
  let calls = 0;
  try {
    for (let i = 0; i < RUNS; i++) {
      const d = await discover({ channel: client.probeChannel(), soapCredentials: client.options.soap, clinicZone: 'America/Toronto' });
      times.push(d.ms);
      calls = d.calls;
    }
  } finally {
    client.close();
  }
  return { calls, ms: median(times) };
}

async function listenMs(url: string, discovery: boolean): Promise<number> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', OSCAR_TIMEZONE: 'America/Toronto', CHANGE_POLL_SECONDS: '0', CAPABILITY_DISCOVERY: String(discovery) });
  const facade = createFacade(config, connectionFromCredentials(url, credentials), createLogger('silent'));
  const started = performance.now();
  await facade.listen();
  const ms = performance.now() - started;
  await facade.close();
  return ms;
}

const rows: string[] = [];
for (const [name, opts] of COMBINATIONS) {
  const sim = await startSimulator({ port: 0, patients: 20, credentials, ...opts });
  try {
    const fast = await rounds(sim.url);
    sim.faults.add({ match: {}, mode: 'latency', latencyMs: 50 });
    const slow = await rounds(sim.url);
    sim.faults.clear();
    const on = median([await listenMs(sim.url, true), await listenMs(sim.url, true), await listenMs(sim.url, true)]);
    const off = median([await listenMs(sim.url, false), await listenMs(sim.url, false), await listenMs(sim.url, false)]);
    rows.push(`| ${name} | ${fast.calls} | ${fast.ms} | ${slow.ms} | ${on.toFixed(0)} | ${off.toFixed(0)} |`);
    process.stderr.write(`${rows.at(-1)}\n`);
  } finally {
    await sim.close();
  }
}
process.stdout.write(['', '| combination | OSCAR calls | round, ms | round with 50 ms per answer, ms | listen() with discovery, ms | without, ms |', '|---|---|---|---|---|---|', ...rows, ''].join('\n'));
