// The benchmarks' synthetic clinic: the simulator's generated clinic (seed 1, Toronto), with
// copies of its demographics under new numbers from 100000 on, so that a benchmark has thousands of
// distinct patients (pages of 50, the memory benchmark) without generating a clinic that size.
import { generateClinic } from '../../src/sim/clinic/generate.js';
import { demoCredentials } from '../../src/sim/options.js';

export function benchClinic(opts: { patients?: number; copies?: number } = {}): {
  credentials: ReturnType<typeof demoCredentials>;
  timezone: string;
  data: ReturnType<typeof generateClinic>;
} {
  const credentials = demoCredentials({});
  const timezone = 'America/Toronto';
  const data = generateClinic({ seed: 1, patients: opts.patients ?? 300, timezone, credentials });
  const base = [...data.demographics];
  for (let k = 0; k < (opts.copies ?? 0); k++) data.demographics.push({ ...base[k % base.length]!, demographicNo: 100_000 + k, chartNo: `X${k}` });
  return { credentials, timezone, data };
}
