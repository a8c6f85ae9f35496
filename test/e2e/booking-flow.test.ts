// A booking tool's flow with a real third-party FHIR client (fhir-kit-client): find next week's
// free slots of one service type, book one, see it busy, cancel, see it free again. Every Slot
// and Schedule it gets satisfies the independent (Medplum) validator.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Appointment, Bundle, Schedule, Slot } from 'fhir/r4.js';
import { Client } from 'fhir-kit-client';
import { medplumValidate } from '../helpers/independent-validator.js';
import { CODE_SYSTEM, PROVIDER, startBookingStack, WEEKDAY, type BookingStack } from '../integration/booking-fixture.js';

let s: BookingStack;
let client: Client;
before(async () => {
  s = await startBookingStack(); // "now" is Monday 2026-03-02, 07:00
  for (const d of ['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13']) s.schedule(d, WEEKDAY, `Next ${d}`);
  client = new Client({ baseUrl: s.base });
});
after(async () => { await s.close(); });

function valid<T extends Slot | Schedule>(r: T): T {
  assert.deepEqual(medplumValidate(r), [], `${r.resourceType}/${r.id}`);
  return r;
}

test('find free 30-minute slots next week, book one, see it busy, cancel, see it free', async () => {
  const found = await client.search({
    resourceType: 'Slot',
    searchParams: { 'service-type': `${CODE_SYSTEM(s.base)}|2`, status: 'free', start: ['ge2026-03-09', 'lt2026-03-16'], _include: 'Slot:schedule' },
  }) as unknown as Bundle;
  const slots = (found.entry ?? []).filter((e) => e.resource?.resourceType === 'Slot').map((e) => valid(e.resource as Slot));
  const schedules = (found.entry ?? []).filter((e) => e.resource?.resourceType === 'Schedule').map((e) => valid(e.resource as Schedule));
  // '2' runs 10:00-11:00 on each of the five days: two 30-minute slots a day.
  assert.equal(slots.length, 10);
  assert.deepEqual(schedules.map((x) => x.id), [`prov-${PROVIDER}`]);
  const slot = slots[0]!;
  assert.equal(slot.start, '2026-03-09T10:00:00-04:00');

  const booked = await client.create({
    resourceType: 'Appointment',
    body: {
      resourceType: 'Appointment', status: 'booked', start: slot.start, end: slot.end, slot: [{ reference: `Slot/${slot.id}` }],
      participant: [{ actor: { reference: 'Patient/1001' }, status: 'accepted' }, { actor: { reference: `Practitioner/${PROVIDER}` }, status: 'accepted' }],
    },
  }) as unknown as Appointment;
  assert.equal(booked.status, 'booked');
  assert.equal(booked.start, slot.start);
  assert.equal(valid(await client.read({ resourceType: 'Slot', id: slot.id! }) as unknown as Slot).status, 'busy');

  await client.update({ resourceType: 'Appointment', id: booked.id!, body: { ...booked, status: 'cancelled' } });
  assert.equal(valid(await client.read({ resourceType: 'Slot', id: slot.id! }) as unknown as Slot).status, 'free');
});
