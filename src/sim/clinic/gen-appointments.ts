// Appointments and the appointment_status table (contract 5.2). Stored times are local wall-clock
// times; end_time is the last INCLUDED minute (contract 7.8). A few bookings carry the :59-second
// end that SOAP addAppointment stores (exclusive end − 1 ms, contract 4.6). Bookings land on the
// zone's DST change days and close to midnight, but never cross midnight (not representable).
import type { AppointmentRow, AppointmentStatusRow, LocalDate } from './model.js';
import { addDays, offsetChangeDays, timeOfMinutes, weekday } from './calendar.js';
import { type GenContext, dateBetween, minDate, nextId, stampBetween, stampOn, yesterday } from './gen-context.js';
import type { PatientInfo } from './gen-patients.js';
import { APPOINTMENT_NOTES, APPOINTMENT_REASONS } from './names.js';

/** OSCAR's seeded statuses (oscardata.sql; ApptStatusData): codes are case-sensitive. */
export function defaultAppointmentStatuses(): AppointmentStatusRow[] {
  const rows: [string, string, string, string, number][] = [
    ['t', 'To Do', '#FDFEC7', 'starbill.gif', 0], ['T', 'Daysheet Printed', '#FDFEC7', 'todo.gif', 0],
    ['H', 'Here', '#00ee00', 'here.gif', 1], ['P', 'Picked', '#FFBBFF', 'picked.gif', 1], ['E', 'Empty Room', '#FFFF33', 'empty.gif', 1],
    ['a', 'Customized 1', '#897DF8', '1.gif', 1], ['b', 'Customized 2', '#897DF8', '2.gif', 1], ['c', 'Customized 3', '#897DF8', '3.gif', 1],
    ['d', 'Customized 4', '#897DF8', '4.gif', 1], ['e', 'Customized 5', '#897DF8', '5.gif', 1], ['f', 'Customized 6', '#897DF8', '6.gif', 1],
    ['N', 'No Show', '#cccccc', 'noshow.gif', 0], ['C', 'Cancelled', '#999999', 'cancel.gif', 0], ['B', 'Billed', '#3ea4e1', 'billed.gif', 0],
    ['h', 'Confirmed', '#FDFEC7', 'confirmed.gif', 0],
  ];
  return rows.map(([status, description, color, icon, editable], i) => ({
    id: i + 1, status, description, color, icon, active: 1, editable, shortLetters: '', shortLetterColour: 0,
  }));
}

const PAST: readonly (readonly [string, number])[] = [
  ['B', 45], ['HS', 6], ['BS', 4], ['PV', 3], ['N', 7], ['C', 10], ['H', 5], ['t', 5], ['E', 1], ['P', 2],
  ['a', 2], ['b', 2], ['c', 1], ['d', 1], ['e', 1], ['f', 1],
];
const TODAY: readonly (readonly [string, number])[] = [['t', 30], ['h', 15], ['H', 20], ['P', 10], ['E', 5], ['T', 10], ['C', 5], ['a', 5]];
const FUTURE: readonly (readonly [string, number])[] = [['t', 55], ['h', 15], ['T', 3], ['C', 8], ['a', 5], ['b', 3], ['c', 2], ['d', 3], ['e', 3], ['f', 3]];

/** Every status code the clinic uses, so each appears at least once whatever the seed. */
const SHOWCASE = ['t', 'T', 'H', 'P', 'E', 'N', 'C', 'B', 'h', 'a', 'b', 'c', 'd', 'e', 'f', 'HS', 'PV', 'BS'] as const;

interface Slot { date: LocalDate; startMin: number; duration: number; soapEnd?: boolean }

export interface AppointmentBuild { ctx: GenContext; patients: readonly PatientInfo[]; out: AppointmentRow[] }

function statusFor(ctx: GenContext, date: LocalDate): string {
  if (date < ctx.today) return ctx.rng.weighted(PAST);
  if (date === ctx.today) return ctx.rng.weighted(TODAY);
  return ctx.rng.weighted(FUTURE);
}

function formatName(p: PatientInfo): string {
  return `${p.row.lastName}, ${p.row.firstName}`;
}

function book(b: AppointmentBuild, patient: PatientInfo | null, providerNo: string, slot: Slot, status?: string, freeName?: string): AppointmentRow {
  const { ctx } = b;
  const { rng } = ctx;
  const endMin = slot.startMin + slot.duration;
  // contract 7.8: inclusive last minute; contract 4.6: SOAP bookings store exclusive end − 1 ms → :59.
  const endTime = slot.soapEnd ? timeOfMinutes(endMin - 1, 59) : timeOfMinutes(endMin - 1);
  const created = stampBetween(ctx, addDays(slot.date, -60), addDays(slot.date, -1));
  const updated = slot.date <= yesterday(ctx) && rng.chance(0.8) ? stampOn(ctx, slot.date) : created;
  const booker = rng.weighted([[ctx.receptionistNo, 60], [providerNo, 40]]);
  const row: AppointmentRow = {
    appointmentNo: nextId(ctx, 'appointment'),
    providerNo,
    appointmentDate: slot.date,
    startTime: timeOfMinutes(slot.startMin),
    endTime,
    name: patient ? formatName(patient) : freeName ?? '',
    demographicNo: patient ? patient.row.demographicNo : 0,
    programId: 0,
    notes: rng.pick(APPOINTMENT_NOTES),
    reason: patient ? rng.pick(APPOINTMENT_REASONS) : '',
    reasonCode: rng.chance(0.3) ? rng.int(1, 20) : null,
    location: rng.weighted([['', 80], ['Room 2', 10], ['Salle 3', 5], ['Satellite office', 5]]),
    resources: '',
    type: rng.weighted<string | null>([['', 55], ['Office', 20], ['Phone', 10], ['Video', 10], [null, 5]]),
    style: null,
    billing: null,
    status: status ?? statusFor(ctx, slot.date),
    importedStatus: null,
    createDateTime: created,
    updateDateTime: updated < created ? created : updated,
    creator: booker,
    lastUpdateUser: rng.chance(0.7) ? providerNo : booker,
    remarks: '',
    urgency: rng.weighted<string | null>([['', 70], [null, 28], ['critical', 2]]),
    creatorSecurityId: slot.soapEnd ? ctx.credentials.securityNo : null,
    bookingSource: rng.chance(0.2) ? 'OSCAR' : null,
  };
  b.out.push(row);
  return row;
}

function regularSlot(ctx: GenContext, p: PatientInfo): Slot | null {
  const { rng } = ctx;
  const from = p.birthDate > addDays(ctx.today, -3 * 365) ? p.birthDate : addDays(ctx.today, -3 * 365);
  const when = p.active ? rng.weighted([['past', 75], ['today', 3], ['future', 22]]) : 'past';
  let date: LocalDate;
  if (when === 'today') date = ctx.today;
  else if (when === 'future') date = addDays(ctx.today, rng.int(1, 90));
  else {
    const last = minDate(p.lastSeen, yesterday(ctx));
    if (last < from) return null;
    date = dateBetween(ctx, from, last);
  }
  // The clinic is closed most weekends: move most weekend bookings to the Friday before.
  const wd = weekday(date);
  if ((wd === 0 || wd === 6) && rng.chance(0.85) && when !== 'today') {
    const moved = addDays(date, wd === 0 ? -2 : -1);
    if ((when === 'future') === (moved > ctx.today) && moved >= from) date = moved;
  }
  const duration = rng.weighted([[10, 20], [15, 45], [20, 15], [30, 20]]);
  // Evening virtual visits run up to (never past) midnight; office slots start on 5-minute marks.
  if (rng.chance(0.02)) return { date, startMin: 24 * 60 - duration, duration };
  const startMin = rng.int(8 * 12, 17 * 12) * 5;
  return { date, startMin, duration, soapEnd: rng.chance(0.03) };
}

export function generateAppointments(b: AppointmentBuild): void {
  const { ctx, patients } = b;
  const { rng } = ctx;
  const demoNo = ctx.credentials.providerNo;
  for (const p of patients) {
    const count = rng.weighted([[0, 10], [1, 10], [2, 15], [3, 20], [4, 15], [5, 10], [6, 8], [8, 7], [10, 5]]);
    for (let i = 0; i < count; i++) {
      const slot = regularSlot(ctx, p);
      if (!slot) continue;
      const providerNo = rng.weighted([[p.row.providerNo && ctx.doctors.some((d) => d.providerNo === p.row.providerNo) ? p.row.providerNo : demoNo, 70], [rng.pick(ctx.clinicians).providerNo, 30]]);
      book(b, p, providerNo, slot);
    }
  }
  const active = patients.filter((p) => p.active);
  if (active.length === 0) return;

  // Each status code at least once, on past weekdays of the demo provider's schedule.
  SHOWCASE.forEach((status, i) => {
    const future = ['t', 'h', 'a', 'b', 'c', 'd', 'e', 'f'].includes(status) && i % 2 === 0;
    const date = future ? addDays(ctx.today, 7 + i) : addDays(ctx.today, -(10 + i * 3));
    book(b, rng.pick(active), demoNo, { date, startMin: (9 * 60) + (i % 16) * 30, duration: 15 }, status);
  });

  // DST change days (e.g. 2024-03-10 and 2024-11-03 in Toronto): before, after and far from the
  // change, the ambiguous 01:30 of the fall-back day, and the day's last minutes. Never 02:xx,
  // which does not exist on the spring-forward day.
  const todayYear = Number(ctx.today.slice(0, 4));
  const years = [...new Set([2024, todayYear - 1, todayYear])].sort();
  for (const year of years) {
    for (const day of offsetChangeDays(year, ctx.timezone)) {
      if (day > addDays(ctx.today, 90)) continue;
      for (const [startMin, duration] of [[90, 15], [195, 15], [540, 20], [1425, 15]] as const) {
        const row = book(b, rng.pick(active), demoNo, { date: day, startMin, duration });
        // The day's last visit is cancelled whatever today is (set after the draw, so the
        // random sequence is the same): searches that keep cancelled visits have one on every DST day.
        if (startMin === 1425) row.status = 'C';
      }
    }
  }

  // Near midnight on an ordinary day: a visit ending at 23:59 and one starting at 00:00.
  const late = addDays(ctx.today, -40);
  book(b, rng.pick(active), demoNo, { date: late, startMin: 23 * 60 + 30, duration: 30 }, 'B');
  book(b, rng.pick(active), demoNo, { date: addDays(late, 1), startMin: 0, duration: 15 }, 'N');

  // Bookings without a patient (demographic_no 0, free-text name).
  for (const [name, offset, startMin] of [['Lunch', 2, 12 * 60], ['Staff meeting', 3, 8 * 60], ['Pharma rep - do not book', -5, 16 * 60], ['Réunion clinique', 10, 13 * 60]] as const) {
    book(b, null, demoNo, { date: addDays(ctx.today, offset), startMin, duration: 30 }, 't', name);
  }
}
