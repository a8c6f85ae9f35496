// Discovery against each OSCAR line and host the simulator plays (variants §9) finds what the
// hand-written maps of variants §4 and §6 say that combination offers: the same reach per half,
// namespace, sex codes and variant, and the same verdict for every OSCAR call the client makes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VARIANT_MAPS } from '../../../scripts/routing-doc/variant-maps.js';
import type { CapabilityMap } from '../../../src/oscar/capabilities/map.js';
import { missing, WIRE_OPS, type OscarOperation } from '../../../src/oscar/capabilities/wire-ops.js';
import { startSimulator, type StartSimulatorOptions } from '../../../src/sim/server.js';
import { CREDENTIALS, discoverAt } from './discovery-setup.js';

/**
 * variants §4.2: OAuth REST resources of lines B–G that the client calls and the hand-written maps
 * (written before those calls existed) do not list yet.
 */
const SECTION_4_2_PATHS = [
  '/schedule/{demographicNo}/appointmentHistory', '/schedule/{providerNo}/day/{date}', '/schedule/add',
  '/schedule/appointment/{id}/updateStatus', '/schedule/appointment/{id}/updateType', '/preventions/active',
  '/preventions/immunizations/{demographicNo}',
];

/** The hand-written map, with the §4.2 paths on lines that have OSCAR's clinical REST (B–G). */
function expectation(name: string): CapabilityMap {
  const m = VARIANT_MAPS[name]!;
  if (m.rest.dialect !== 'oscar' || !m.rest.paths?.includes('/oauth/info')) return m;
  return { ...m, rest: { ...m.rest, paths: [...m.rest.paths, ...SECTION_4_2_PATHS] } };
}

// maxCalls: a reachable SOAP half costs one call more for the token check (variants §7.2 step 3).
const COMBINATIONS: { name: string; sim: StartSimulatorOptions; expected: string; maxCalls: number }[] = [
  { name: 'Open-O / OpenOSP', sim: {}, expected: 'openo', maxCalls: 15 },
  { name: 'Open-O legacy line', sim: { variant: 'openo-legacy' }, expected: 'openo-legacy', maxCalls: 15 },
  { name: 'OSCAR 19', sim: { variant: 'oscar19' }, expected: 'oscar19', maxCalls: 15 },
  { name: 'OSCAR 15', sim: { variant: 'oscar15' }, expected: 'oscar15', maxCalls: 13 },
  { name: 'Juno', sim: { variant: 'juno' }, expected: 'juno', maxCalls: 15 },
  { name: 'REST module off', sim: { restModule: false }, expected: 'REST module off', maxCalls: 13 },
  { name: 'PUT denied at the edge', sim: { edgeDenyPut: true }, expected: 'PUT blocked', maxCalls: 15 },
  { name: 'SOAP behind a WAF', sim: { soapWaf: true }, expected: 'SOAP WAF', maxCalls: 12 },
  { name: 'Juno, IP not allowed', sim: { variant: 'juno', ipAllowlist: 'deny' }, expected: 'IP not allowed', maxCalls: 11 },
];

describe('discovery finds what each line and host offers', () => {
  for (const c of COMBINATIONS) {
    it(c.name, async () => {
      const want = expectation(c.expected);
      const sim = await startSimulator({ port: 0, patients: 3, credentials: CREDENTIALS, ...c.sim });
      try {
        const d = await discoverAt(sim.url);
        const got = d.map;
        assert.equal(got.variant, want.variant);
        assert.equal(got.soap.reach, want.soap.reach);
        assert.equal(got.rest.reach, want.rest.reach);
        assert.equal(got.rest.dialect, want.rest.dialect);
        if (want.soap.reach === 'ok') {
          assert.equal(got.soap.namespace, want.soap.namespace);
          assert.deepEqual(got.soap.genderCodes, want.soap.genderCodes);
        }
        if (want.rest.reach === 'ok' && want.rest.dialect === 'oscar' && want.rest.paths?.includes('/oauth/info')) assert.equal(got.rest.putAllowed, want.rest.putAllowed);
        const differ = (Object.keys(WIRE_OPS) as OscarOperation[])
          .filter((op) => (missing(got, op) === undefined) !== (missing(want, op) === undefined))
          .map((op) => `${op}: discovered ${missing(got, op) ?? 'offered'}; expected ${missing(want, op) ?? 'offered'}`);
        assert.deepEqual(differ, []);
        assert.ok(d.calls <= c.maxCalls, `${d.calls} calls`);
      } finally {
        await sim.close();
      }
    });
  }
});
