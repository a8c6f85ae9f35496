// Which OSCAR lines offer the REST-only and Juno operations, as discovery finds them on the
// simulator's variants: variants §4.2 (OAuth REST per line) and §3 H (Juno's own calls).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { missing, type OscarOperation } from '../../../src/oscar/capabilities/wire-ops.js';
import { startSimulator } from '../../../src/sim/server.js';
import { discoverAt } from './discovery-setup.js';

const OSCAR_REST: readonly OscarOperation[] = [
  'restGetAppointment', 'restAppointmentHistory', 'restProviderDay', 'restAddAppointment',
  'restUpdateAppointmentStatus', 'restUpdateAppointmentType', 'restImmunizations', 'restActivePreventions',
];
const JUNO: readonly OscarOperation[] = [
  'restV1GetDemographic', 'restV1CreateDemographic', 'restV1SearchDemographics', 'restV1PostDocument', 'restV1AssignDocument',
  'soapAddDemographic', 'soapUpdateDemographic', 'soapGetDemographicByHealthNumber', 'soapCancelAppointment',
];

/** variants §4.2: OSCAR 15.0 exposes only providerService over OAuth; Juno has none of /schedule or /preventions. */
const EXPECTED: Record<'openo' | 'oscar19' | 'oscar15' | 'juno', readonly OscarOperation[]> = {
  openo: OSCAR_REST,
  oscar19: OSCAR_REST,
  oscar15: [],
  juno: JUNO,
};

describe('REST-only and Juno operations per OSCAR line (discovered)', () => {
  for (const [variant, expected] of Object.entries(EXPECTED) as Array<[keyof typeof EXPECTED, readonly OscarOperation[]]>) {
    it(`${variant}: offers ${expected.length ? expected.join(', ') : 'none of them'}`, async () => {
      const sim = await startSimulator({ patients: 2, variant });
      try {
        const { map } = await discoverAt(sim.url);
        const offered = [...OSCAR_REST, ...JUNO].filter((op) => missing(map, op) === undefined);
        assert.deepEqual(offered, [...expected]);
      } finally {
        await sim.close();
      }
    });
  }

  it('a SOAP WAF leaves the REST appointment and immunization calls usable', async () => {
    const sim = await startSimulator({ patients: 2, variant: 'openo', soapWaf: true });
    try {
      const { map } = await discoverAt(sim.url);
      assert.deepEqual(OSCAR_REST.filter((op) => missing(map, op) !== undefined), []);
      assert.notEqual(missing(map, 'soapGetAppointment2'), undefined);
    } finally {
      await sim.close();
    }
  });
});
