// ScheduleWs.getAppointmentArchivesUpdatedAfterDate through the client against the simulator
// (contract 4.6, docs/bulk-data.md §f.3): a deleted appointment's copy comes back under the archive
// row's own id with no appointment id, stamped with the appointment's last update (not the time
// of the deletion), after an exclusive bound, oldest first.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack.js';
import { epochOfWallClock } from '../../src/sim/wall-clock.js';

describe('the appointment archive feed', () => {
  let stack: Stack;
  before(async () => { stack = await startStack({ sim: { patients: 10, seed: 2 } }); });
  after(async () => { await stack.close(); });

  it('lists a deleted appointment under the archive row\'s id, without its appointment id, stamped with its last update', async () => {
    const store = stack.sim.store;
    const victim = store.data.appointments[0]!;
    const stampMs = epochOfWallClock(victim.updateDateTime, store.serverZone);
    assert.ok(stampMs < Date.now() - 60_000, 'an appointment last changed a while ago');
    assert.ok(store.deleteAppointment(victim.appointmentNo));
    const archiveId = store.data.appointmentArchive!.at(-1)!.id;

    const rows = await stack.facade.oscar.soapGetAppointmentArchivesUpdatedAfterDate(stampMs - 1000, 100);
    const copy = rows.find((r) => r.id === archiveId);
    assert.ok(copy, 'listed after a bound just before its stamp');
    assert.equal(copy.appointmentId, undefined, 'OSCAR never fills appointmentId');
    assert.equal(copy.demographicNo, victim.demographicNo);
    assert.equal(Date.parse(copy.updateDateTime!), stampMs, 'the copy keeps the appointment\'s last update, not the deletion time');
    const stamps = rows.map((r) => Date.parse(r.updateDateTime!));
    assert.deepEqual(stamps, [...stamps].sort((a, b) => a - b), 'oldest first');
    const atStamp = await stack.facade.oscar.soapGetAppointmentArchivesUpdatedAfterDate(stampMs, 100);
    assert.ok(!atStamp.some((r) => r.id === archiveId), 'the bound is exclusive');
  });
});
