// Discovery against the simulator in each deployment it offers (variants §7.2; §9 lists the
// switches): what the map says, and what the probes cost OSCAR.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startSimulator, type StartSimulatorOptions } from '../../../src/sim/server.js';
import type { Discovery } from '../../../src/oscar/capabilities/discover.js';
import { CREDENTIALS, discoverAt } from './discovery-setup.js';

const OSCAR_NS = 'http://ws.oscarehr.org/';
/** Open-O's sex value set (variants §4.3, B9). */
const OPEN_O_GENDER = ['M', 'F', 'X', 'O', 'U'];

async function discoverSim(opts: StartSimulatorOptions, clinicZone = 'America/Toronto'): Promise<{ d: Discovery; oscarSaw: number }> {
  const sim = await startSimulator({ port: 0, patients: 3, credentials: CREDENTIALS, timezone: 'America/Toronto', ...opts });
  try {
    sim.stats.reset();
    const d = await discoverAt(sim.url, clinicZone);
    return { d, oscarSaw: sim.stats.count() };
  } finally {
    await sim.close();
  }
}

describe('discovery against the simulator', () => {
  it('default (Open-O, REST on): everything reachable, the Open-O SOAP surface, PUT allowed', async () => {
    const { d, oscarSaw } = await discoverSim({});
    const m = d.map;
    assert.equal(m.source, 'probe');
    assert.equal(m.variant, 'openo');
    assert.equal(m.soap.reach, 'ok');
    assert.equal(m.soap.namespace, OSCAR_NS);
    assert.deepEqual(m.soap.genderCodes, OPEN_O_GENDER);
    assert.ok(m.soap.operations.DemographicService?.includes('getDemographic2'));
    assert.ok(m.soap.operations.ScheduleService?.includes('getAppointment2'));
    assert.ok(m.soap.operations.SystemInfoService?.includes('getServerTimeGmtOffset'));
    assert.match(m.soap.fingerprint ?? '', /^[0-9a-f]{16}$/);
    assert.equal(m.soap.maxListReturnSize, 5000); // contract 4.4
    assert.ok(m.soap.transferFields?.demographicTransfer?.includes('lastName'));
    assert.equal(m.rest.reach, 'ok');
    assert.equal(m.rest.dialect, 'oscar');
    for (const p of ['/demographics/basic/{id}', '/demographics/search', '/demographics', '/allergies/active', '/document/saveDocumentToDemographic', '/oauth/info']) {
      assert.ok(m.rest.paths?.includes(p), p);
    }
    assert.equal(m.rest.putAllowed, true);
    assert.equal(m.time.mismatch, false);
    assert.ok(d.calls <= 15, `${d.calls} calls`); // with the token check (variants §7.2 step 3)
    assert.equal(oscarSaw, d.calls, 'every probe reached OSCAR and was counted');
  });

  it('SIM_REST_MODULE=off: REST is module-off, SOAP untouched, no signed or PUT probe', async () => {
    const { d } = await discoverSim({ restModule: false });
    assert.equal(d.map.rest.reach, 'module-off');
    assert.equal(d.map.rest.paths, undefined);
    assert.equal(d.map.rest.putAllowed, undefined);
    assert.equal(d.map.soap.reach, 'ok');
    assert.ok(d.calls <= 13, `${d.calls} calls`);
  });

  it('SIM_EDGE_DENY_PUT=1: REST reachable, PUT refused by the proxy', async () => {
    const { d } = await discoverSim({ edgeDenyPut: true });
    assert.equal(d.map.rest.reach, 'ok');
    assert.equal(d.map.rest.putAllowed, false);
    assert.equal(d.map.soap.reach, 'ok');
  });

  it('SIM_SOAP_WAF=1: the WSDLs are read but SOAP calls are edge-blocked (Cloudflare); REST works', async () => {
    const { d } = await discoverSim({ soapWaf: true });
    assert.equal(d.map.soap.reach, 'edge-blocked');
    assert.match(d.map.soap.detail ?? '', /Cloudflare/);
    assert.equal(d.map.soap.namespace, OSCAR_NS);
    assert.ok(d.map.soap.operations.DemographicService?.includes('getDemographic2'), 'WSDL GETs pass the WAF');
    assert.equal(d.map.time.serverOffsetMinutes, undefined, 'no SOAP call got through');
    assert.equal(d.map.rest.reach, 'ok');
    assert.equal(d.map.rest.putAllowed, true);
  });

  it('SIM_SERVER_TIMEZONE=America/Vancouver with the clinic in Toronto: a zone mismatch of three hours', async () => {
    const { d } = await discoverSim({ serverTimezone: 'America/Vancouver' });
    const server = d.map.time.serverOffsetMinutes;
    // Vancouver is UTC-8 (PST) or UTC-7 (PDT); both cities change on the same days.
    assert.ok(server === -480 || server === -420, String(server));
    assert.equal(d.map.time.mismatch, true);
    assert.equal(d.map.time.clinicZone, 'America/Toronto');
  });

  it('the JVM zone equal to the clinic zone: no mismatch', async () => {
    const { d } = await discoverSim({ serverTimezone: 'America/Vancouver' }, 'America/Vancouver');
    assert.equal(d.map.time.mismatch, false);
  });
});
