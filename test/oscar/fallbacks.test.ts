// The SOAP calls older OSCAR lines answer where the …ByDemographicIdAfter operations are absent
// (variants §4.1, B22, B23), against the simulator: what they send and what they find.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OscarClient } from '../../src/oscar/client.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { demoCredentials } from '../../src/sim/options.js';

describe('SOAP fallbacks for OSCAR 15, KAI-15 and Juno', () => {
  let sim: Simulator;
  let client: OscarClient;
  const bodies: string[] = [];

  before(async () => {
    const creds = demoCredentials({});
    sim = await startSimulator({ patients: 30, onRequest: (r) => { bodies.push(r.body.toString('utf8')); } });
    client = new OscarClient({
      baseUrl: sim.url, timezone: sim.store.timezone,
      oauth: { consumerKey: creds.consumerKey, consumerSecret: creds.consumerSecret, token: creds.accessToken, tokenSecret: creds.accessTokenSecret },
      soap: { userName: creds.soapUserName, password: creds.soapPassword },
    });
  });
  after(async () => { client.close(); await sim.close(); });

  it('lists one provider\'s preventions of a patient, deleted ones too, from a non-null date (B22)', async () => {
    const row = sim.store.data.preventions.find((p) => p.providerNo !== '' && p.providerNo !== '-1');
    assert.ok(row, 'the synthetic clinic has preventions by its providers');
    const expected = sim.store.data.preventions
      .filter((p) => p.demographicNo === row.demographicNo && p.providerNo === row.providerNo).map((p) => p.id).sort((a, b) => a - b);
    bodies.length = 0;
    const got = await client.soapGetPreventionsByProgramProviderDemographicDate(row.providerNo, row.demographicNo, '1900-01-01', 100);
    assert.deepEqual(got.map((p) => p.id ?? 0).sort((a, b) => a - b), expected);
    assert.ok(got.every((p) => Array.isArray(p.preventionExts)));
    const sent = bodies.find((b) => b.includes('getPreventionsByProgramProviderDemographicDate>')) ?? '';
    assert.match(sent, new RegExp(`<arg1>${row.providerNo}</arg1><arg2>${row.demographicNo}</arg2><arg3>1900-01-01T00:00:00</arg3><arg4>100</arg4>`));
  });

  it('finds none of the patient\'s preventions under a provider who recorded none', async () => {
    const row = sim.store.data.preventions[0];
    assert.ok(row);
    const other = sim.store.data.providers.find((p) => !sim.store.data.preventions.some((r) => r.demographicNo === row.demographicNo && r.providerNo === p.providerNo));
    assert.ok(other);
    assert.deepEqual(await client.soapGetPreventionsByProgramProviderDemographicDate(other.providerNo, row.demographicNo, '1900-01-01', 100), []);
  });
});
