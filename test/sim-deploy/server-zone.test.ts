// SIM_SERVER_TIMEZONE (variants B10, §7.5): OSCAR stores the clinic's wall clock without a zone and
// the JVM renders it with the JVM zone's offset. A Toronto clinic on OpenOSP's default
// America/Vancouver JVM: the 09:00 appointment comes out as 09:00 Pacific.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { soap } from './wire.js';

// 2025, not 2026: tzdata 2026c puts British Columbia on permanent UTC-7 from November 2026.
const DECEMBER_NOON_UTC = Date.UTC(2025, 11, 8, 17, 0, 0);

async function simWithAppointment(serverTimezone?: string): Promise<{ sim: Simulator; id: number }> {
  const sim = await startSimulator({ patients: 5, timezone: 'America/Toronto', ...(serverTimezone && { serverTimezone }) });
  sim.store.now = () => DECEMBER_NOON_UTC;
  const row = sim.store.data.appointments[0];
  assert.ok(row, 'the generated clinic has appointments');
  Object.assign(row, { appointmentDate: '2025-12-08', startTime: '09:00:00', endTime: '09:14:59' });
  return { sim, id: row.appointmentNo };
}

const element = (xml: string, name: string): string | undefined => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe('SIM_SERVER_TIMEZONE=America/Vancouver with a Toronto clinic', () => {
  let sim: Simulator;
  let id: number;
  before(async () => { ({ sim, id } = await simWithAppointment('America/Vancouver')); });
  after(async () => { await sim.close(); });

  it('renders the stored 09:00 with the JVM zone\'s offset', async () => {
    const r = await soap(sim, 'ScheduleService', 'getAppointment2', `<arg0>${id}</arg0><arg1>false</arg1>`);
    assert.equal(element(r.body, 'appointmentStartDateTime'), '2025-12-08T09:00:00-08:00');
    assert.equal(element(r.body, 'appointmentEndDateTime'), '2025-12-08T09:14:59-08:00');
  });

  it('answers getServerTimeGmtOffset with the JVM zone\'s offset in ms', async () => {
    const r = await soap(sim, 'SystemInfoService', 'getServerTimeGmtOffset', '', { signed: false });
    assert.equal(element(r.body, 'return'), '-28800000');
  });

  it('keeps the clinic zone for the generated clinic and reports both', () => {
    assert.equal(sim.store.timezone, 'America/Toronto');
    assert.equal(sim.store.serverZone, 'America/Vancouver');
    assert.deepEqual([sim.options.timezone, sim.options.serverTimezone], ['America/Toronto', 'America/Vancouver']);
  });
});

describe('without SIM_SERVER_TIMEZONE', () => {
  it('renders in the clinic zone', async () => {
    const { sim, id } = await simWithAppointment();
    try {
      const r = await soap(sim, 'ScheduleService', 'getAppointment2', `<arg0>${id}</arg0><arg1>false</arg1>`);
      assert.equal(element(r.body, 'appointmentStartDateTime'), '2025-12-08T09:00:00-05:00');
      const off = await soap(sim, 'SystemInfoService', 'getServerTimeGmtOffset', '', { signed: false });
      assert.equal(element(off.body, 'return'), '-18000000');
    } finally { await sim.close(); }
  });
});
