// Slot and Schedule ids (scheduling §7.1-7.2): deterministic, from the provider and the wall-clock
// start, so a slot keeps its id while the template is unchanged and a booking can name it. A
// provider number may be negative (-1), so a Slot id is read from its right end.

/** `Schedule/prov-{providerNo}`: one schedule per bookable provider. */
export const scheduleIdOf = (providerNo: string): string => `prov-${providerNo}`;

export function providerOfScheduleId(id: string): string | undefined {
  const m = /^prov-(-?[A-Za-z0-9]{1,10})$/.exec(id);
  return m?.[1];
}

export interface SlotKey { providerNo: string; date: string; wallMinute: number }

/** `{providerNo}-{yyyyMMdd}-{HHmm}`, e.g. 100101-20261207-0930. */
export function slotIdOf(k: SlotKey): string {
  const hh = String(Math.floor(k.wallMinute / 60)).padStart(2, '0');
  const mm = String(k.wallMinute % 60).padStart(2, '0');
  return `${k.providerNo}-${k.date.replaceAll('-', '')}-${hh}${mm}`;
}

export function slotKeyOf(id: string): SlotKey | undefined {
  const m = /^(-?[A-Za-z0-9]{1,10})-(\d{4})(\d{2})(\d{2})-([01]\d|2[0-3])([0-5]\d)$/.exec(id);
  if (!m) return undefined;
  const [, providerNo = '', y, mo, d, h, mi] = m;
  const date = `${y}-${mo}-${d}`;
  const t = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== date) return undefined;
  return { providerNo, date, wallMinute: Number(h) * 60 + Number(mi) };
}

/** The FHIR id pattern of both (ids.ts rules: letters, digits, '-', '.'). */
export const SLOT_ID = /^-?[A-Za-z0-9]{1,10}-\d{8}-\d{4}$/;
export const SCHEDULE_ID = /^prov--?[A-Za-z0-9]{1,10}$/;
