// The embedded simulated OSCARs of a clinics file ({"embedded": true}), so a deployment of many
// clinics can be tried with no OSCAR: one simulator per such clinic, on a free loopback port, in
// the clinic's time zone. Each has a synthetic clinic of its own (seeded by the clinic's id: the
// clinics' patients differ, and stay the same from one start to the next) and credentials of its
// own made at start-up, so a connection mixed up between clinics is refused as real OSCARs would.
import { createHash, randomBytes } from 'node:crypto';
import { connectionFromCredentials, type OscarConnection } from '../config.js';
import { demoCredentials } from '../sim/options.js';
import { startSimulator, type Simulator } from '../sim/server.js';
import type { ClinicConfig } from './clinic-config.js';

export interface EmbeddedOscars {
  /** The connection of each clinic that has an embedded OSCAR, by clinic id. */
  connections: ReadonlyMap<string, OscarConnection>;
  close(): Promise<void>;
}

/** The synthetic clinic's seed: the same id gives the same patients. */
function seedOf(id: string): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0);
}

const secret = (): string => randomBytes(12).toString('hex');

/** Starts a simulator for every clinic without an OSCAR of its own (config.oscar null). */
export async function startEmbeddedOscars(clinics: readonly ClinicConfig[]): Promise<EmbeddedOscars> {
  const sims: Simulator[] = [];
  const connections = new Map<string, OscarConnection>();
  const close = async (): Promise<void> => { await Promise.all(sims.map((s) => s.close())); };
  try {
    for (const c of clinics) {
      if (c.config.oscar) continue;
      const credentials = demoCredentials({
        SIM_CONSUMER_KEY: secret(), SIM_CONSUMER_SECRET: secret(), SIM_ACCESS_TOKEN: secret(), SIM_ACCESS_TOKEN_SECRET: secret(),
        SIM_SOAP_USERNAME: `${c.id}doc`, SIM_SOAP_PASSWORD: secret(),
      });
      const sim = await startSimulator({ port: 0, seed: seedOf(c.id), timezone: c.config.oscarTimezone, credentials });
      sims.push(sim);
      connections.set(c.id, connectionFromCredentials(sim.url, credentials));
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { connections, close };
}
