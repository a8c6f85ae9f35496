// Provider schedules (scheduling §1): the template codes of a fresh install (oscardata.sql, with
// its two `C` rows), the Public on-call template, realistic weekly templates per clinician
// (lunch gaps, codes longer than a cell, non-clinical codes, a 10-, 20- and 30-minute grid),
// scheduledate rows generated from them on weekdays (holidays NOT skipped, as OSCAR's own
// generation does not skip them), a vacation week, deleted and "not available" rows, clinic-wide
// holidays, and the appointmentType presets.
import type {
  AppointmentTypeRow, LocalDate, ProviderRow, ScheduleDateRow, ScheduleHolidayRow, ScheduleTemplateCodeRow, ScheduleTemplateRow,
} from './model.js';
import { addDays, weekday } from './calendar.js';

export interface ScheduleData {
  scheduleTemplates: ScheduleTemplateRow[];
  scheduleTemplateCodes: ScheduleTemplateCodeRow[];
  scheduleDates: ScheduleDateRow[];
  scheduleHolidays: ScheduleHolidayRow[];
  appointmentTypes: AppointmentTypeRow[];
}

/** oscardata.sql L1402-1423 and L2582, in insertion order (ids as a fresh install numbers them). */
export function seedTemplateCodes(): ScheduleTemplateCodeRow[] {
  const rows: [string, string, string, string | null, string, number][] = [
    ['A', 'Academic', '', null, 'N', 1], ['B', 'Behavioral Science', '15', '#BFEFFF', 'N', 1],
    ['2', '30 Minute Appointment', '30', '#BFEFFF', 'N', 1], ['3', '45 Minute Appointment', '45', '#BFEFFF', 'N', 1],
    ['P', 'Phone time', '15', '#BFEFFF', 'N', 1], ['M', 'Monitoring', '', 'EED2EE', 'N', 1],
    ['6', '60 Minute Appointment', '60', '#BFEFFF', 'N', 1], ['C', 'Chart Audit Rounds', '15', null, 'N', 1],
    ['R', 'Rounds', '15', null, 'N', 1], ['E', 'Study Leave', '15', null, 'N', 1], ['V', 'Vacation', '15', 'FFF68F', 'N', 1],
    ['G', 'PBSG Rounds', '15', null, 'N', 1], ['H', 'Hospital Rounds', '15', null, 'N', 1], ['d', 'Drug Rep (Chief)', '15', null, 'N', 1],
    ['U', 'Urgent', '15', null, 'N', 1], ['a', 'Administrative Work', '15', '#BFEFFF', 'N', 1], ['t', 'Travel', '', null, 'N', 1],
    ['m', 'Meeting', '', null, 'N', 1], ['1', '15 Minute Appointment', '15', '#BFEFFF', 'N', 1], ['s', 'Same Day', '15', 'FFF68F', 'Day', 1],
    ['S', 'Same Day - R1', '30', 'FFF68F', 'Day', 1], ['W', 'Same Week', '15', 'FFF68F', 'Wk', 1],
    ['C', 'On Call Clinic', '15', 'green', 'Onc', 1],
  ];
  return rows.map(([code, description, duration, color, confirm, bookinglimit], i) => ({ id: i + 1, code, description, duration, color, confirm, bookinglimit }));
}

/**
 * A template string of `1440 / cell` characters from [from, to, code] runs in wall-clock "HH:mm";
 * every other cell is '_' (the editor's blank).
 */
export function timecode(cell: number, runs: readonly (readonly [string, string, string])[]): string {
  const cells = Array.from({ length: 1440 / cell }, () => '_');
  const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  for (const [from, to, code] of runs) {
    for (let m = minutes(from); m < minutes(to); m += cell) cells[m / cell] = code;
  }
  return cells.join('');
}

/** The templates of the clinic. Doctors share a pattern; nurses have their own grids. */
function templatesFor(clinicians: readonly ProviderRow[]): { rows: ScheduleTemplateRow[]; weekly: Map<string, (wd: number) => string | undefined> } {
  const rows: ScheduleTemplateRow[] = [
    // oscardata.sql L2580: 40 '_', 16 'C', 40 '_' (10:00-13:59, the second `C` row is "On Call Clinic").
    { providerNo: 'Public', name: 'P:OnCallClinic', summary: 'Weekends/Holidays', timecode: `${'_'.repeat(40)}${'C'.repeat(16)}${'_'.repeat(40)}` },
  ];
  const weekly = new Map<string, (wd: number) => string | undefined>();
  clinicians.forEach((p, i) => {
    const add = (name: string, summary: string, code: string): void => { rows.push({ providerNo: p.providerNo, name, summary, timecode: code }); };
    if (p.providerType === 'nurse' && i % 2 === 0) {
      // 10-minute grid: a 15-minute code spans two cells; phone time after lunch.
      add('Nurse', 'Immunization clinic', timecode(10, [['09:00', '12:00', '1'], ['13:00', '15:00', 'P']]));
      weekly.set(p.providerNo, (wd) => (wd >= 1 && wd <= 4 ? 'Nurse' : undefined));
    } else if (p.providerType === 'nurse') {
      // 20-minute grid, same-week slots first thing.
      add('NP', 'Nurse practitioner', timecode(20, [['09:00', '10:00', 'W'], ['10:00', '12:00', '1'], ['13:00', '16:00', '2']]));
      weekly.set(p.providerNo, (wd) => (wd >= 2 && wd <= 5 ? 'NP' : undefined));
    } else if (p.specialty === 'Pediatrics') {
      // 30-minute grid: 60-minute well-baby visits span two cells.
      add('Peds', 'Pediatrics', timecode(30, [['09:00', '11:00', '6'], ['11:00', '12:00', '2'], ['13:00', '16:00', '2']]));
      weekly.set(p.providerNo, (wd) => (wd >= 1 && wd <= 5 ? 'Peds' : undefined));
    } else {
      // 15-minute grid: admin first, 15/30-minute visits, lunch gap, 45-minute physicals,
      // same-day cells, a meeting to close the day.
      add('Clinic', 'Full day', timecode(15, [
        ['08:00', '08:30', 'a'], ['08:30', '10:30', '1'], ['10:30', '12:00', '2'],
        ['13:00', '14:30', '1'], ['14:30', '16:00', '3'], ['16:00', '16:30', 's'], ['16:30', '17:00', 'm'],
      ]));
      add('ClinicAM', 'Morning only', timecode(15, [['08:30', '12:00', '1']]));
      add('Vacation', 'Away', timecode(15, [['09:00', '17:00', 'V']]));
      weekly.set(p.providerNo, (wd) => (wd >= 1 && wd <= 4 ? 'Clinic' : wd === 5 ? 'ClinicAM' : undefined));
    }
  });
  return { rows, weekly };
}

/** Day `n` (1-based) of weekday `wd` in a month, or the last one when n = -1. */
function nthWeekday(year: number, month: number, wd: number, n: number): LocalDate {
  const first = `${year}-${String(month).padStart(2, '0')}-01`;
  if (n > 0) return addDays(first, ((wd - weekday(first) + 7) % 7) + (n - 1) * 7);
  const nextMonth = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
  const last = addDays(nextMonth, -1);
  return addDays(last, -((weekday(last) - wd + 7) % 7));
}

/** Ontario statutory holidays of a year (Good Friday and Easter Monday left out: they need Easter). */
function ontarioHolidays(year: number): ScheduleHolidayRow[] {
  const fixed = (md: string, name: string): ScheduleHolidayRow => ({ sdate: `${year}-${md}`, holidayName: name });
  const may25 = `${year}-05-25`;
  return [
    fixed('01-01', "New Year's Day"),
    { sdate: nthWeekday(year, 2, 1, 3), holidayName: 'Family Day' },
    { sdate: addDays(may25, -(((weekday(may25) - 1 + 7) % 7) || 7)), holidayName: 'Victoria Day' },
    fixed('07-01', 'Canada Day'),
    { sdate: nthWeekday(year, 9, 1, 1), holidayName: 'Labour Day' },
    { sdate: nthWeekday(year, 10, 1, 2), holidayName: 'Thanksgiving' },
    fixed('12-25', 'Christmas Day'),
    fixed('12-26', 'Boxing Day'),
  ];
}

/**
 * Schedules from 60 days back to 120 days ahead of `today`. The stale 2002-2004 seed holidays
 * stay (oscardata.sql L1369-1396), next to this period's own.
 */
export function generateSchedules(today: LocalDate, clinicians: readonly ProviderRow[], creatorNo: string): ScheduleData {
  const { rows: scheduleTemplates, weekly } = templatesFor(clinicians);
  const year = Number(today.slice(0, 4));
  const scheduleHolidays: ScheduleHolidayRow[] = [
    { sdate: '2002-12-25', holidayName: 'Christmas' }, { sdate: '2003-01-01', holidayName: "New Year's Day" },
    { sdate: '2004-07-01', holidayName: 'Canada Day' },
    ...ontarioHolidays(year - 1), ...ontarioHolidays(year), ...ontarioHolidays(year + 1),
  ];
  const scheduleDates: ScheduleDateRow[] = [];
  let id = 1;
  const push = (sdate: LocalDate, providerNo: string, hour: string, extra: Partial<ScheduleDateRow> = {}): void => {
    scheduleDates.push({ id: id++, sdate, providerNo, available: '1', priority: 'b', reason: '', hour, creator: creatorNo, status: 'A', ...extra });
  };
  const doctors = clinicians.filter((p) => weekly.get(p.providerNo) && scheduleTemplates.some((t) => t.providerNo === p.providerNo && t.name === 'Vacation'));
  const vacationer = doctors[1]?.providerNo;
  const vacationStart = addDays(today, 21 - ((weekday(today) + 6) % 7)); // a Monday three weeks ahead
  for (let d = addDays(today, -60); d <= addDays(today, 120); d = addDays(d, 1)) {
    const wd = weekday(d);
    for (const p of clinicians) {
      const name = weekly.get(p.providerNo)?.(wd);
      if (!name) continue;
      const onVacation = p.providerNo === vacationer && d >= vacationStart && d < addDays(vacationStart, 5);
      push(d, p.providerNo, onVacation ? 'Vacation' : name, onVacation ? { priority: 'c' } : {});
    }
    // The demo doctor covers the weekend on-call clinic (the Public template) on Saturdays.
    if (wd === 6 && doctors[0]) push(d, doctors[0].providerNo, 'P:OnCallClinic', { priority: 'c' });
  }
  // An edited day: the old row is kept with status D, the new one is active (scheduling §1.3).
  const edited = scheduleDates.find((r) => r.sdate === addDays(today, 2) && r.hour === 'Clinic');
  if (edited) {
    edited.status = 'D';
    push(edited.sdate, edited.providerNo, 'ClinicAM', { priority: 'c' });
  }
  // "Not available" in the UI, which getDayWorkSchedule ignores (scheduling §1.3).
  const hidden = scheduleDates.find((r) => r.sdate === addDays(today, 3) && r.status === 'A' && r.hour === 'Clinic');
  if (hidden) hidden.available = '0';
  const appointmentTypes: AppointmentTypeRow[] = [
    { id: 1, name: 'Follow-up', notes: '', reason: 'Follow-up visit', location: '', resources: '', duration: 15 },
    { id: 2, name: 'New patient', notes: 'Bring health card', reason: 'Intake', location: '', resources: '', duration: 30 },
    { id: 3, name: 'Annual physical', notes: '', reason: 'Physical', location: 'Room 2', resources: '', duration: 45 },
  ];
  return { scheduleTemplates, scheduleTemplateCodes: seedTemplateCodes(), scheduleDates, scheduleHolidays, appointmentTypes };
}
