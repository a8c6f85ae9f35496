import type {
  AllergyRow, AppointmentRow, ClinicData, DemographicRow, DocumentRow, LocalDateTime, PreventionExtRow, PreventionRow, ProviderRow,
} from './model.js';
import { wallClockOf } from '../wall-clock.js';

/**
 * The simulated OSCAR database: the rows of `ClinicData` plus id indexes and the clock.
 * REST and SOAP handlers read and write through this one object, so a write through either
 * protocol is visible to both (as in OSCAR, where both sit on one MySQL database).
 */
export class ClinicStore {
  readonly data: ClinicData;
  /** Epoch ms "now" for the simulated server; tests may replace it to move time. */
  now: () => number = () => Date.now();
  /**
   * Server JVM start (ms): part of every WS-Security token, as in WsUtils.generateSecurityToken.
   * Mutable so the simulator can "restart" OSCAR (contract 7.18: tokens die with the JVM).
   */
  jvmStartMillis: number;

  private readonly demographicById = new Map<number, DemographicRow>();
  private readonly appointmentById = new Map<number, AppointmentRow>();
  private readonly allergyById = new Map<number, AllergyRow>();
  private readonly preventionById = new Map<number, PreventionRow>();
  private readonly documentById = new Map<number, DocumentRow>();
  private readonly providerById = new Map<string, ProviderRow>();
  private readonly nextIds = new Map<string, number>();
  /** preventionsExt rows by prevention id, kept up with the table as rows are appended to it. */
  private readonly extsByPrevention = new Map<number, PreventionExtRow[]>();
  private extsIndexed = 0;

  /**
   * IANA zone of the OSCAR JVM (variants B10). MySQL keeps wall-clock values without a zone;
   * Hibernate loads them as Dates in this zone, JAXB/Jackson render them with its offset, and
   * `new Date()` is stored as its wall clock. It may differ from the clinic's zone (OpenOSP's
   * compose file sets America/Vancouver whatever the clinic's province).
   */
  readonly serverZone: string;

  constructor(data: ClinicData, jvmStartMillis = 1_700_000_000_000, serverZone = data.timezone) {
    this.data = data;
    this.jvmStartMillis = jvmStartMillis;
    this.serverZone = serverZone;
    this.reindex();
  }

  /** The clinic's zone: the wall clock its staff booked and charted in. */
  get timezone(): string { return this.data.timezone; }

  /** The current server wall-clock time as a MySQL DATETIME, i.e. in the JVM's zone. */
  nowLocal(): LocalDateTime { return wallClockOf(this.now(), this.serverZone); }

  reindex(): void {
    this.demographicById.clear(); this.appointmentById.clear(); this.allergyById.clear();
    this.preventionById.clear(); this.documentById.clear(); this.providerById.clear();
    for (const r of this.data.demographics) this.demographicById.set(r.demographicNo, r);
    for (const r of this.data.appointments) this.appointmentById.set(r.appointmentNo, r);
    for (const r of this.data.allergies) this.allergyById.set(r.allergyId, r);
    for (const r of this.data.preventions) this.preventionById.set(r.id, r);
    for (const r of this.data.documents) this.documentById.set(r.documentNo, r);
    for (const r of this.data.providers) this.providerById.set(r.providerNo, r);
  }

  demographic(id: number): DemographicRow | undefined { return this.demographicById.get(id); }
  appointment(id: number): AppointmentRow | undefined { return this.appointmentById.get(id); }
  allergy(id: number): AllergyRow | undefined { return this.allergyById.get(id); }
  prevention(id: number): PreventionRow | undefined { return this.preventionById.get(id); }
  document(id: number): DocumentRow | undefined { return this.documentById.get(id); }
  provider(providerNo: string): ProviderRow | undefined { return this.providerById.get(providerNo); }

  /** The preventionsExt rows of a prevention, in table order (an index: a scan per row is too slow for big clinics). */
  preventionExtsOf(preventionId: number): readonly PreventionExtRow[] {
    const rows = this.data.preventionExts;
    if (rows.length < this.extsIndexed) { this.extsByPrevention.clear(); this.extsIndexed = 0; }
    for (; this.extsIndexed < rows.length; this.extsIndexed++) {
      const e = rows[this.extsIndexed]!;
      const list = this.extsByPrevention.get(e.preventionId);
      if (list) list.push(e); else this.extsByPrevention.set(e.preventionId, [e]);
    }
    return this.extsByPrevention.get(preventionId) ?? [];
  }

  /** Next AUTO_INCREMENT value for a table, continuing after the largest existing id. */
  nextId(table: 'demographic' | 'appointment' | 'appointmentArchive' | 'allergy' | 'prevention' | 'preventionExt' | 'document' | 'demographicExt'): number {
    let next = this.nextIds.get(table);
    if (next === undefined) {
      const ids: number[] = {
        demographic: this.data.demographics.map((r) => r.demographicNo),
        appointment: this.data.appointments.map((r) => r.appointmentNo),
        appointmentArchive: (this.data.appointmentArchive ?? []).map((r) => r.id),
        allergy: this.data.allergies.map((r) => r.allergyId),
        prevention: this.data.preventions.map((r) => r.id),
        preventionExt: this.data.preventionExts.map((r) => r.id),
        document: this.data.documents.map((r) => r.documentNo),
        demographicExt: this.data.demographicExts.map((r) => r.id),
      }[table];
      next = ids.reduce((m, v) => Math.max(m, v), 0) + 1;
    }
    this.nextIds.set(table, next + 1);
    return next;
  }

  insertDemographic(row: DemographicRow): void { this.data.demographics.push(row); this.demographicById.set(row.demographicNo, row); }
  insertAppointment(row: AppointmentRow): void { this.data.appointments.push(row); this.appointmentById.set(row.appointmentNo, row); }
  insertAllergy(row: AllergyRow): void { this.data.allergies.push(row); this.allergyById.set(row.allergyId, row); }
  insertPrevention(row: PreventionRow): void { this.data.preventions.push(row); this.preventionById.set(row.id, row); }
  insertDocument(row: DocumentRow): void { this.data.documents.push(row); this.documentById.set(row.documentNo, row); }

  /**
   * Called with `Service.operation` just before a SOAP operation runs (after its checks): a test
   * can make something happen in OSCAR at that exact moment, e.g. a booking from OSCAR's own
   * screen landing between the facade's check and its insert.
   */
  beforeSoapOperation: ((operation: string) => void) | undefined;

  /**
   * A booking made in OSCAR's own add-appointment screen (scheduling §5): a plain insert, no
   * check, end stored as the last INCLUDED minute (start + duration − 1 min, contract 7.8).
   */
  bookFromScreen(b: { providerNo: string; date: string; start: string; minutes: number; demographicNo?: number; name?: string; status?: string }): AppointmentRow {
    const [h, m] = b.start.split(':').map(Number) as [number, number];
    const last = h * 60 + m + b.minutes - 1;
    const hhmm = (min: number): string => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}:00`;
    const now = this.nowLocal();
    const row: AppointmentRow = {
      appointmentNo: this.nextId('appointment'), providerNo: b.providerNo, appointmentDate: b.date, startTime: hhmm(h * 60 + m), endTime: hhmm(last),
      name: b.name ?? '', demographicNo: b.demographicNo ?? 0, programId: 0, notes: '', reason: '', reasonCode: null, location: '', resources: '',
      type: '', style: null, billing: null, status: b.status ?? 't', importedStatus: null, createDateTime: now, updateDateTime: now,
      creator: 'front desk', lastUpdateUser: b.providerNo, remarks: '', urgency: null, creatorSecurityId: null, bookingSource: null,
    };
    this.insertAppointment(row);
    return row;
  }

  /**
   * AppointmentArchiveDao.archiveAppointment: a copy of every column but the id, the appointment's
   * number kept in appointment_no. updatedatetime is copied too (the archive entity stamps only on
   * update), so the copy carries the replaced version's time, not the time of the change.
   */
  archiveAppointment(row: AppointmentRow): void {
    (this.data.appointmentArchive ??= []).push({ ...row, id: this.nextId('appointmentArchive') });
  }

  /** Deleting an appointment copies it to the archive, then removes the row (contract 4.6). */
  deleteAppointment(id: number): boolean {
    const i = this.data.appointments.findIndex((a) => a.appointmentNo === id);
    if (i < 0) return false;
    this.archiveAppointment(this.data.appointments[i]!);
    this.data.appointments.splice(i, 1);
    this.appointmentById.delete(id);
    return true;
  }
}
