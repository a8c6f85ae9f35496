// The exported types and the source of each (bulk-data §e item 1).
import { immunizationSource } from './immunizations.js';
import { documentSource } from './documents.js';
import { appointmentSource } from './appointments.js';
import { allergySource } from './per-patient.js';
import { patientSource } from './patients.js';
import type { Source } from './source.js';

export const SOURCES: Readonly<Record<string, Source>> = Object.fromEntries(
  [patientSource, immunizationSource, allergySource, appointmentSource, documentSource].map((s) => [s.type, s]),
);
