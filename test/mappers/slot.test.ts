// Slot ← one computed block of a provider's day (scheduling §7.1–7.2): its id from the provider and
// the wall-clock start, its template code in the clinic's code system, instants with their offset.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { DaySlot } from '../../src/booking/day-slots.js';
import { slotFromDay } from '../../src/resources/slot/mapper.js';

const slot = (over: Partial<DaySlot> = {}): DaySlot => ({
  providerNo: '100101', date: '2026-03-08', wallMinute: 3 * 60,
  startMs: Date.parse('2026-03-08T07:00:00Z'), endMs: Date.parse('2026-03-08T07:15:00Z'),
  code: '1', status: 'free', overbooked: false, cells: [], ...over,
});

it('maps a free slot on the spring-forward day with the offset in force at each end', () => {
  assert.deepEqual(slotFromDay(slot(), 'America/Toronto', 'https://fhir.example.org/fhir/'), {
    resourceType: 'Slot', id: '100101-20260308-0300',
    serviceType: [{ coding: [{ system: 'https://fhir.example.org/fhir/CodeSystem/oscar-schedule-template-code', code: '1' }] }],
    schedule: { reference: 'Schedule/prov-100101' }, status: 'free',
    start: '2026-03-08T03:00:00-04:00', end: '2026-03-08T03:15:00-04:00',
  });
});

it('names the code’s description, marks an overbooked busy slot, and says why it is unavailable', () => {
  const s = slotFromDay(slot({
    status: 'busy-unavailable', overbooked: true, reason: 'Lunch',
    codeInfo: { code: '1', description: '15 min visit', confirm: 'No', bookinglimit: 1 } as DaySlot['codeInfo'],
  }), 'America/Toronto', 'https://fhir.example.org/fhir');
  assert.deepEqual(s.serviceType, [{ coding: [{ system: 'https://fhir.example.org/fhir/CodeSystem/oscar-schedule-template-code', code: '1', display: '15 min visit' }] }]);
  assert.equal(s.overbooked, true);
  assert.equal(s.comment, 'Lunch');
  assert.equal(s.status, 'busy-unavailable');
  assert.equal(slotFromDay(slot({ codeInfo: { code: '1', description: '' } as DaySlot['codeInfo'] }), 'America/Toronto', 'x').serviceType?.[0]?.coding?.[0]?.display, undefined);
});
