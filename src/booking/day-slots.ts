// Free/busy of one provider's day (scheduling §7.2-7.3 steps 3-6): the template's cells grouped
// into appointment-sized blocks, each with a status from the day's appointments and the clinic's
// booking rules. Pure: the same inputs always give the same slots, so booking can recompute a
// slot live and compare.
import type { AppointmentTransfer } from '../oscar/types.js';
import { xsEpoch } from '../resources/oscar-dates.js';
import { localDateOf } from '../time/zone.js';
import type { DayCell, DayCells } from './day-cells.js';
import type { BookingRules } from './rules.js';
import { capacityOf, isBookable, type TemplateCode } from './template-codes.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

export type SlotStatus = 'free' | 'busy' | 'busy-unavailable';

export interface DaySlot {
  providerNo: string;
  /** The clinic day, YYYY-MM-DD. */
  date: string;
  /** Minutes after midnight of the first cell, on the wall clock. */
  wallMinute: number;
  startMs: number;
  endMs: number;
  code: string;
  /** The code's row, when OSCAR has one. */
  codeInfo?: TemplateCode;
  status: SlotStatus;
  /** Why a slot is busy-unavailable. */
  reason?: string;
  /** More appointments than the cell holds (as OSCAR's month view shows it). */
  overbooked: boolean;
  /** The template cells the slot spans. */
  cells: CellRange[];
}

export interface CellRange { startMs: number; endMs: number }

/** One appointment as far as occupancy goes. */
export interface Occupant { id?: number; startMs: number; storedEndMs: number; doNotBook: boolean }

/** scheduling §5: a booking named Do_Not_Book (any case) blocks its time in OSCAR's screens. */
const DO_NOT_BOOK = 'do_not_book';

/**
 * Appointments that hold their time: not cancelled (C, CS, CV…), not deleted (D); a no-show (N)
 * only when the rules say it keeps its slot (scheduling §7.3 step 3, §7.5 trap 12).
 */
export function occupants(rows: readonly AppointmentTransfer[], rules: BookingRules, tz: string): Occupant[] {
  const out: Occupant[] = [];
  for (const r of rows) {
    const status = (r.status ?? '').trim();
    if (status.startsWith('C') || status.startsWith('D')) continue;
    if (status.startsWith('N') && rules.noShowFreesSlot) continue;
    const startMs = xsEpoch(r.appointmentStartDateTime, tz);
    const storedEndMs = xsEpoch(r.appointmentEndDateTime, tz);
    if (startMs === undefined || storedEndMs === undefined) continue;
    out.push({ ...(r.id !== undefined && { id: r.id }), startMs, storedEndMs, doNotBook: (r.name ?? '').trim().toLowerCase() === DO_NOT_BOOK });
  }
  return out;
}

/**
 * scheduling §7.3 rule R: an appointment occupies a cell when it starts inside it, or starts
 * before it and its stored end, cut to the minute, is after the cell's start. That reads the
 * screens' 09:14, SOAP's 09:14:59 and an exact 09:15:00 alike: none occupies the 09:15 cell.
 */
export function occupies(a: Occupant, cell: CellRange): boolean {
  return (cell.startMs <= a.startMs && a.startMs < cell.endMs)
    || (a.startMs <= cell.startMs && cell.startMs < Math.floor(a.storedEndMs / MINUTE) * MINUTE);
}

/** Cells in runs of one code, cut into blocks of the code's length (BookingWs MultiUnitFilter semantics). */
function blocks(cells: readonly DayCell[], cellMinutes: number, codes: ReadonlyMap<string, TemplateCode>): DayCell[][] {
  const out: DayCell[][] = [];
  let run: DayCell[] = [];
  const flush = (): void => {
    const d = codes.get(run[0]?.code ?? '')?.durationMin;
    const k = d !== undefined && d > cellMinutes ? Math.ceil(d / cellMinutes) : 1;
    for (let i = 0; i + k <= run.length; i += k) out.push(run.slice(i, i + k)); // a partial block is not offered
    run = [];
  };
  for (const c of cells) {
    const last = run[run.length - 1];
    if (last && (c.code !== last.code || c.index !== last.index + 1)) flush();
    run.push(c);
  }
  if (run.length) flush();
  return out;
}

export interface DayInputs {
  providerNo: string;
  date: string;
  day: DayCells;
  codes: ReadonlyMap<string, TemplateCode>;
  appointments: readonly AppointmentTransfer[];
  rules: BookingRules;
  now: number;
  tz: string;
}

/** Why a block cannot be booked online, or undefined when it can (scheduling §7.2 status rules). */
function unavailability(b: readonly DayCell[], code: TemplateCode | undefined, holiday: boolean, dnb: boolean, x: DayInputs): string | undefined {
  const first = b[0]!;
  if (holiday && x.rules.holidays === 'closed') return 'holiday';
  if (!code) return 'not a bookable code (OSCAR has no row for it)';
  if (!isBookable(code, x.providerNo, x.rules)) return ['Yes', 'Onc'].includes(code.confirm) ? 'needs staff confirmation' : 'not a bookable code';
  if (dnb) return 'Do_Not_Book';
  if (b.some((c) => c.repeated)) return 'repeated hour of a daylight-saving change';
  const today = localDateOf(x.now, x.tz);
  if (code.confirm === 'Day' && x.date !== today) return 'same-day only';
  if (code.confirm === 'Wk' && Date.parse(`${x.date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`) > 7 * DAY) return 'same-week only';
  if (first.startMs < x.now + x.rules.leadMinutes * MINUTE) return 'lead time';
  return undefined;
}

export function daySlots(x: DayInputs): DaySlot[] {
  if (x.day.kind !== 'cells') return [];
  const { holiday, cellMinutes } = x.day;
  const occ = occupants(x.appointments, x.rules, x.tz);
  return blocks(x.day.cells, cellMinutes, x.codes).map((b) => {
    const first = b[0]!;
    const last = b[b.length - 1]!;
    const codeInfo = x.codes.get(first.code);
    const capacity = capacityOf(codeInfo, x.rules);
    const inCell = b.map((c) => occ.filter((a) => occupies(a, c)));
    const dnb = inCell.some((list) => list.some((a) => a.doNotBook));
    const full = inCell.some((list) => list.length >= capacity);
    const reason = unavailability(b, codeInfo, holiday, dnb, x);
    const status: SlotStatus = reason !== undefined ? 'busy-unavailable' : full ? 'busy' : 'free';
    return {
      providerNo: x.providerNo, date: x.date, wallMinute: first.wallMinute, startMs: first.startMs, endMs: last.endMs, code: first.code,
      ...(codeInfo && { codeInfo }), status, ...(reason !== undefined && { reason }),
      overbooked: inCell.some((list) => list.length > capacity), cells: b.map((c) => ({ startMs: c.startMs, endMs: c.endMs })),
    };
  });
}
