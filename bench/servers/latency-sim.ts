// The simulated OSCAR of the shared-state benchmark (bench/shared-state.ts), in its own process,
// with an answer time that can be set between measurements: with it, cache misses wait on OSCAR
// as they do on a clinic's server, so their throughput shows OSCAR's bound rather than our CPU.
// rpc 'latency' (ms) sets it, 'stats'/'reset' are the simulator's call counts (most in flight at once).
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator } from '../../src/sim/server.js';
import { serveChild } from '../lib/proc.js';

const credentials = demoCredentials({});
const sim = await startSimulator({ port: 0, credentials });
// Patients a Patient update can round-trip (a full birth date, active), as bench/state.ts picks them.
const writable = sim.store.data.demographics
  .filter((d) => d.demographicNo > 1040 && d.patientStatus === 'AC' && d.yearOfBirth && d.monthOfBirth && d.dateOfBirth)
  .map((d) => d.demographicNo);
const readable = sim.store.data.demographics.filter((d) => d.patientStatus === 'AC').map((d) => d.demographicNo);
serveChild({ url: sim.url, timezone: sim.store.timezone, credentials, readable, writable }, {
  latency: (ms) => {
    sim.faults.clear();
    if (Number(ms) > 0) sim.faults.add({ match: {}, mode: 'latency', latencyMs: Number(ms) });
    return true;
  },
  stats: () => sim.stats.snapshot(),
  reset: () => { sim.stats.reset(); return true; },
});
