// The simulated OSCAR for the benchmarks, in its own process (as OSCAR would be on its own host).
//   env BENCH_PATIENTS: size of the synthetic clinic (default 300).
//   env BENCH_EXTRA_PATIENTS: copies of the clinic's demographics added with new numbers (from
//   100000 on), so the memory benchmark has tens of thousands of distinct patients without paying
//   for generating a whole clinic of that size.
import { generateClinic } from '../../src/sim/clinic/generate.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator } from '../../src/sim/server.js';
import { processStats, serveChild } from '../lib/proc.js';

const credentials = demoCredentials({});
const timezone = 'America/Toronto';
const data = generateClinic({ seed: 1, patients: Number(process.env.BENCH_PATIENTS ?? 300), timezone, credentials });
const base = [...data.demographics];
const extra = Number(process.env.BENCH_EXTRA_PATIENTS ?? 0);
for (let k = 0; k < extra; k++) {
  const row = base[k % base.length]!;
  data.demographics.push({ ...row, demographicNo: 100_000 + k, chartNo: `X${k}` });
}
const sim = await startSimulator({ port: 0, credentials, data });
const ids = sim.store.data.demographics.map((d) => d.demographicNo);
serveChild({ url: sim.url, timezone: sim.store.timezone, credentials, ids }, {
  stats: () => sim.stats.snapshot(),
  reset: () => { sim.stats.reset(); return true; },
  process: () => processStats(),
});
