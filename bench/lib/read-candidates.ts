// The records benchmark 6 reads one by one (bench/miss-by-type.ts): those a read can answer 200.
// A document OSCAR holds but whose file is gone from its document store makes getDocument fault
// (contract 4.10), and the facade rightly answers that read 502; a provider document is no
// patient document (docs/mapping.md §6.1) and reads as 404. Neither is a read to time.
import type { ClinicData } from '../../src/sim/clinic/model.js';

export type ReadType = 'Appointment' | 'AllergyIntolerance' | 'Immunization' | 'DocumentReference';

/** The ids of each type the benchmark may read, in the store's order. */
export function readCandidates(data: ClinicData): Record<ReadType, number[]> {
  const filedUnderPatient = new Set(data.ctlDocuments.filter((c) => c.module === 'demographic').map((c) => c.documentNo));
  return {
    Appointment: data.appointments.filter((a) => a.demographicNo > 0).map((a) => a.appointmentNo),
    AllergyIntolerance: data.allergies.map((a) => a.allergyId),
    Immunization: data.preventions.map((p) => p.id),
    DocumentReference: data.documents.filter((d) => d.file !== null && filedUnderPatient.has(d.documentNo)).map((d) => d.documentNo),
  };
}
