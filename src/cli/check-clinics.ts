// `oscar-fhir check --clinics FILE`: the clinics file read and checked as `npm start` reads it
// (every problem at once, in the file's terms), then the report of `check` for each clinic's
// OSCAR in turn, and one verdict line per clinic. Exits 1 when some clinic's OSCAR offers
// nothing usable, so a deployment script can stop before starting the server.
import { loadClinics } from '../clinics/clinic-config.js';
import { check, type CliIo } from './connect.js';

/** Checks every clinic of the clinics file `file` (or only `only`); `env` holds the secrets it names. */
export async function checkClinics(file: string, only: string | undefined, io: CliIo, env: NodeJS.ProcessEnv): Promise<number> {
  const clinics = loadClinics({ ...env, CLINICS_FILE: file });
  const chosen = only === undefined ? clinics : clinics.filter((c) => c.id === only);
  if (chosen.length === 0) {
    io.stderr.write(`oscar-fhir check: no clinic "${only}" in ${file} (its clinics: ${clinics.map((c) => c.id).join(', ')})\n`);
    return 2;
  }
  const verdicts: string[] = [];
  let failed = false;
  for (const c of chosen) {
    io.stdout.write(`\n== clinic ${c.id}: ${c.config.fhirBaseUrl}\n`);
    if (!c.config.oscar) {
      io.stdout.write('An embedded OSCAR simulator, started with the server: nothing to check.\n');
      verdicts.push(`${c.id}: embedded simulator`);
      continue;
    }
    const usable = await check(c.config.oscar, c.config.oscarTimezone, io, {
      fingerprint: (fp) => `"tlsFingerprint": "${fp}" in clinic "${c.id}"'s "oscar" of ${file}`, caFile: `"caFile" (clinic "${c.id}"'s "oscar")`,
      // docs/proxy.md §1: the environment's pair serves every clinic behind the proxy that gives none.
      proxy: {
        fingerprint: (fp) => `"proxyTlsFingerprint": "${fp}" in clinic "${c.id}"'s "oscar" of ${file} (or OSCAR_PROXY_TLS_FINGERPRINT=${fp} in the environment, for every clinic behind this proxy without its own)`,
        caFile: `"proxyCaFile" (clinic "${c.id}"'s "oscar"; or OSCAR_PROXY_CA_FILE in the environment)`,
      },
    }) === 0;
    failed ||= !usable;
    verdicts.push(`${c.id}: ${usable ? 'usable' : 'NOT usable (see its report above)'}`);
  }
  io.stdout.write(`\n${verdicts.join('\n')}\n`);
  return failed ? 1 : 0;
}
