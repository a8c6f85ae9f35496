// Export tests that kill a facade process (SIGKILL) in the middle of a job: one OSCAR (the
// simulator, in the test process, so that its answers can be slowed) for every facade process,
// an external token issuer (a real OSCAR needs AUTH_MODE=smart), and a way to hold a job in a
// known place — well into its AllergyIntolerance step, its allergy reads slowed to a crawl — so
// that the kill lands mid-job however loaded the machine is.
import assert from 'node:assert/strict';
import { startIssuer, type Issuer } from '../auth/fixture.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { KICK_OFF_HEADERS } from './export-helpers.js';

export interface ProcessClinic {
  sim: Simulator;
  issuer: Issuer;
  /** Authorization header of a system/*.rs token for the facade now public at the audience's URL. */
  auth(): Promise<Record<string, string>>;
  /** Environment of a facade process using this OSCAR and issuer, public at `base`. */
  env(base: string): Record<string, string>;
  close(): Promise<void>;
}

export async function startProcessClinic(audience: () => string): Promise<ProcessClinic> {
  const credentials = demoCredentials({});
  const sim = await startSimulator({ port: 0, credentials });
  const issuer = await startIssuer(audience);
  return {
    sim, issuer,
    auth: async () => ({ authorization: `Bearer ${await issuer.token({ scope: 'system/*.rs' }, { expiresIn: 3600 })}` }),
    env: (base) => ({
      FHIR_BASE_URL: base, OSCAR_URL: sim.url, OSCAR_TIMEZONE: sim.store.timezone,
      OSCAR_CONSUMER_KEY: credentials.consumerKey, OSCAR_CONSUMER_SECRET: credentials.consumerSecret,
      OSCAR_ACCESS_TOKEN: credentials.accessToken, OSCAR_ACCESS_TOKEN_SECRET: credentials.accessTokenSecret,
      OSCAR_SOAP_USERNAME: credentials.soapUserName, OSCAR_SOAP_PASSWORD: credentials.soapPassword,
      AUTH_MODE: 'smart', SMART_ISSUER: issuer.issuer, SMART_TOKEN_URL: `${issuer.issuer}/protocol/openid-connect/token`,
      SMART_JWKS_URL: issuer.jwksUrl, SMART_EXTERNAL_SYSTEM_SCOPES: 'true',
      BULK_MIN_POLL_MS: '0', CAPABILITY_DISCOVERY: 'false', VALIDATION_MODE: 'strict', LOG_LEVEL: 'info',
    }),
    close: async () => { await sim.close(); await issuer.close(); },
  };
}

export const FOUR_TYPES = 'Patient,Immunization,AllergyIntolerance,Appointment';

/**
 * Kicks off an export of the four types at `kickOffUrl` and waits until it has written some
 * AllergyIntolerance batches; from then on OSCAR answers each allergy read only after 3 s, so the
 * job is still mid-step when its server is killed. `release()` lifts the hold.
 */
export async function startAndHold(clinic: ProcessClinic, kickOffUrl: string, auth: Record<string, string>): Promise<{ status: string; release(): void }> {
  const slow = clinic.sim.faults.add({ match: { path: '/ws' }, mode: 'latency', latencyMs: 100 });
  const kick = await fetch(kickOffUrl, { headers: { ...KICK_OFF_HEADERS, ...auth } });
  assert.equal(kick.status, 202, await kick.text());
  const status = kick.headers.get('content-location')!;
  let atStepStart: number | undefined;
  for (;;) {
    const res = await fetch(status, { headers: auth });
    assert.equal(res.status, 202, 'the job must still be running');
    const progress = /^AllergyIntolerance .*, (\d+) resources$/.exec(res.headers.get('x-progress') ?? '');
    if (progress) {
      atStepStart ??= Number(progress[1]);
      if (Number(progress[1]) > atStepStart + 20) break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const hold = clinic.sim.faults.add({ match: { operation: 'getAllergiesByProgramProviderDemographicDate' }, mode: 'latency', latencyMs: 3_000 });
  return { status, release: () => { clinic.sim.faults.remove(hold); clinic.sim.faults.remove(slow); } };
}
