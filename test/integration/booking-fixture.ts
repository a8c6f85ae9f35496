// A bookable test provider with hand-made templates on chosen days, on top of the simulator's
// generated clinic, and a facade whose booking clock the test sets. The expected slots in the
// tests come from these rows and docs/scheduling.md, never from the facade's code.
import type { AppointmentRow, ProviderRow } from '../../src/sim/clinic/model.js';
import { timecode } from '../../src/sim/clinic/gen-schedules.js';
import { startStack, type Stack, type StackOptions } from '../helpers/stack.js';

export const PROVIDER = '777001';
export const CODE_SYSTEM = (base: string): string => `${base}/CodeSystem/oscar-schedule-template-code`;

/** Provider 777001's weekday template: every kind of cell scheduling §1.2 describes. */
export const WEEKDAY = timecode(15, [
  ['09:00', '10:00', '1'], ['10:00', '11:00', '2'], ['11:00', '11:45', '3'], ['11:45', '12:00', '1'],
  // 12:00-13:00 lunch: '_' cells
  ['13:00', '13:30', 'a'], ['13:30', '14:00', 'C'], ['14:00', '14:30', 'S'], ['14:30', '14:45', 's'], ['14:45', '15:00', 'W'],
]);

export interface BookingStack extends Stack {
  /** Moves the facade's booking clock. */
  setNow(iso: string): void;
  /** Provider 777001 works `template` (a timecode) on `date`. */
  schedule(date: string, template: string, name?: string): void;
  /** An appointment row as stored (end = the stored end_time, whatever its convention). */
  appointment(date: string, start: string, storedEnd: string, over?: Partial<AppointmentRow>): AppointmentRow;
}

export async function startBookingStack(opts: StackOptions = {}, nowIso = '2026-03-02T07:00:00-05:00'): Promise<BookingStack> {
  let now = Date.parse(nowIso);
  const stack = await startStack({ ...opts, sim: { patients: 20, timezone: 'America/Toronto', ...opts.sim }, facade: { ...opts.facade, now: () => now } });
  const { store } = stack.sim;
  const provider: ProviderRow = {
    providerNo: PROVIDER, lastName: 'Booker', firstName: 'Test', providerType: 'doctor', specialty: 'Family Medicine', team: '', sex: 'F',
    dob: null, address: '', phone: '', workPhone: '', email: null, ohipNo: '', rmaNo: null, billingNo: '', hsoNo: null, status: '1',
    comments: null, providerActivity: null, practitionerNo: null, practitionerNoType: null, title: 'Dr.', lastUpdateUser: PROVIDER,
    lastUpdateDate: '2024-01-01T00:00:00',
  };
  store.data.providers.push(provider);
  store.reindex();
  let templates = 0;
  let rows = 10_000;
  return {
    ...stack,
    setNow(iso) { now = Date.parse(iso); },
    schedule(date, template, name = `T${++templates}`) {
      store.data.scheduleTemplates.push({ providerNo: PROVIDER, name, summary: null, timecode: template });
      store.data.scheduleDates.push({ id: ++rows, sdate: date, providerNo: PROVIDER, available: '1', priority: 'c', reason: '', hour: name, creator: 'test', status: 'A' });
    },
    appointment(date, start, storedEnd, over = {}) {
      const row: AppointmentRow = {
        appointmentNo: store.nextId('appointment'), providerNo: PROVIDER, appointmentDate: date, startTime: start, endTime: storedEnd,
        name: 'PATIENT, TEST', demographicNo: 1001, programId: 0, notes: '', reason: '', reasonCode: null, location: '', resources: '',
        type: '', style: null, billing: null, status: 't', importedStatus: null, createDateTime: '2026-01-01T09:00:00',
        updateDateTime: '2026-01-01T09:00:00', creator: 'test', lastUpdateUser: PROVIDER, remarks: '', urgency: null,
        creatorSecurityId: null, bookingSource: null, ...over,
      };
      store.insertAppointment(row);
      return row;
    },
  };
}

/**
 * The front desk books `start` (15 minutes, patient 1002) on `date` in OSCAR's own screen just
 * before the facade's next `before` operation (an insert unless told), between its check and its
 * write. Runs `fn`, then removes the hook; true when the screen booking was made.
 */
export async function screenBooksFirst(x: BookingStack, date: string, start: string, fn: () => Promise<void>, before = 'ScheduleService.addAppointment'): Promise<boolean> {
  let fired = false;
  x.sim.store.beforeSoapOperation = (op) => {
    if (op !== before || fired) return;
    fired = true;
    x.sim.store.bookFromScreen({ providerNo: PROVIDER, date, start, minutes: 15, demographicNo: 1002, name: 'SCREEN, BOOKING' });
  };
  try { await fn(); } finally { x.sim.store.beforeSoapOperation = undefined; }
  return fired;
}

/** [local HH:mm of start, status, comment?] of a searchset's Slots, in order. */
export function slotTable(bundle: { entry?: { resource: { resourceType: string; start: string; status: string; comment?: string } }[] }): string[] {
  return (bundle.entry ?? []).filter((e) => e.resource.resourceType === 'Slot')
    .map((e) => `${e.resource.start.slice(11, 16)} ${e.resource.status}${e.resource.comment ? ` (${e.resource.comment})` : ''}`);
}
