// The peer: the same Patient reads served by @asymmetrik/node-fhir-server-core, the Node framework a
// team would otherwise pick for a FHIR facade. Its service answers from memory (the very resources
// the facade serves, mapped once up front), so what is measured is the framework's own cost.
//   argv: a JSON file { [id]: Patient }
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { processStats, serveChild } from '../lib/proc.js';

const require = createRequire(import.meta.url);
// CommonJS without types; only initialize() and constants are used.
const core = require('@asymmetrik/node-fhir-server-core') as {
  initialize(config: unknown): { listen(port: number, host: string, cb: () => void): void };
  constants: { VERSIONS: Record<string, string> };
};

const patients = new Map(Object.entries(JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Record<string, unknown>));
const service = {
  searchById: async (args: { id: string }) => patients.get(args.id),
};
const server = core.initialize({
  profiles: { patient: { service, versions: [core.constants.VERSIONS['4_0_1']] } },
  logging: { level: 'error' },
  server: {},
});
const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as AddressInfo).port; s.close(() => resolve(p)); });
});
server.listen(port, '127.0.0.1', () => {
  serveChild({ url: `http://127.0.0.1:${port}`, path: '/4_0_1/Patient/' }, { process: () => processStats() });
});
