// Everything a mapper needs to know about the clinic, in one object (mapping §1.10: tables are data,
// overridable because clinics customise OSCAR). Each default table lives in one file beside its
// mapper; this module only assembles them and applies overrides.

import { DEFAULT_APPOINTMENT_STATUSES, type AppointmentStatusTable } from './appointment/status-table.js';
import { DEFAULT_DOCTYPE_LOINC, type LoincDocumentType } from './documentreference/doctype-loinc.js';
import { DEFAULT_IMMUNIZATION_TYPES } from './immunization/immunization-types.js';
import { VACCINES_BY_TYPE } from './immunization/vaccine-table.js';
import { DEFAULT_LICENCE_SYSTEMS, type IdentifierSystem } from './practitioner/identifier-systems.js';
import { lookupTable } from './lookup-table.js';

export interface MappingConfig {
  /** IANA zone of the OSCAR server (dates are local to it). */
  timezone: string;
  /** URI base for OSCAR-local identifier systems; ends with '/'. */
  localSystemBase: string;
  /** Earlier bases whose systems are still accepted on input (each ends with '/'). */
  localSystemAliases: readonly string[];
  appointmentStatuses: AppointmentStatusTable;
  /** Prevention types mapped to Immunization. */
  immunizationTypes: ReadonlySet<string>;
  /** OSCAR doctype → LOINC document type. */
  documentTypeLoinc: Readonly<Record<string, LoincDocumentType>>;
  /**
   * Program passed to getDocumentsByProgramProviderDemographicDate: OSCAR matches documents of that
   * program OR of no program (null / -1). Installation-specific; a clinic that files documents under
   * its own program sets it in MAPPING_CONFIG_FILE.
   */
  documentProgramId: number;
  practitionerSystems: {
    /** System of provider.ohip_no (Ontario billing number). */
    ohipBilling: string;
    /** practitionerNoType → licence system. */
    licenceByType: Readonly<Record<string, IdentifierSystem>>;
  };
}

export interface MappingConfigOverrides {
  timezone?: string;
  localSystemBase?: string;
  localSystemAliases?: readonly string[];
  /** Merged into the default table; `exact`/`firstChar`/`toOscar` entries replace single codes. */
  appointmentStatuses?: {
    exact?: AppointmentStatusTable['exact'];
    firstChar?: AppointmentStatusTable['firstChar'];
    fallback?: AppointmentStatusTable['fallback'];
    toOscar?: AppointmentStatusTable['toOscar'];
  };
  immunizationTypes?: { add?: Iterable<string>; remove?: Iterable<string> };
  /** Entries replace defaults; `null` removes a default mapping. */
  documentTypeLoinc?: Readonly<Record<string, LoincDocumentType | null>>;
  documentProgramId?: number;
  practitionerSystems?: { ohipBilling?: string; licenceByType?: Readonly<Record<string, IdentifierSystem>> };
}

export const DEFAULT_TIMEZONE = 'America/Toronto';
export const DEFAULT_LOCAL_SYSTEM_BASE = 'https://emr.example.org/oscar/fhir-ids/';
/** The program OSCAR installs by default ("OSCAR"): its document screens file under it in a single-program clinic. */
export const DEFAULT_DOCUMENT_PROGRAM_ID = 10034;

/** Names of the OSCAR-local identifier systems under `localSystemBase`. */
export const LOCAL_SYSTEMS = {
  demographicNo: 'demographic-no',
  chartNo: 'chart-no',
  healthCard: 'health-card-no', // hin whose hc_type has no JHN system (OT, US, blank …)
  providerNo: 'provider-no',
  practitionerNo: 'practitioner-no', // licence number of a type with no known system
  ohipBilling: 'ohip-billing-no',
  appointmentNo: 'appointment-no',
  preventionId: 'prevention-id',
  providerSchedule: 'oscar-provider-schedule', // Schedule.identifier (scheduling §7.1)
} as const;

/** `${base}${name}` for one of LOCAL_SYSTEMS. */
export function localSystem(cfg: Pick<MappingConfig, 'localSystemBase'>, name: keyof typeof LOCAL_SYSTEMS): string {
  return `${cfg.localSystemBase}${LOCAL_SYSTEMS[name]}`;
}

/** Whether `system` is the local system `name`, under the current base or an accepted earlier one. */
export function isLocalSystem(cfg: Pick<MappingConfig, 'localSystemBase' | 'localSystemAliases'>, system: string | undefined, name: keyof typeof LOCAL_SYSTEMS): boolean {
  return system !== undefined && canonicalLocalSystem(cfg, system) === localSystem(cfg, name);
}

/** A local system under an earlier base, spelled under the current one; any other system unchanged. */
export function canonicalLocalSystem(cfg: Pick<MappingConfig, 'localSystemBase' | 'localSystemAliases'>, system: string): string {
  for (const alias of cfg.localSystemAliases) {
    if (system.startsWith(alias) && (Object.values(LOCAL_SYSTEMS) as string[]).includes(system.slice(alias.length))) return `${cfg.localSystemBase}${system.slice(alias.length)}`;
  }
  return system;
}

function withSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}

export function defaultMappingConfig(overrides: MappingConfigOverrides = {}): MappingConfig {
  const localSystemBase = withSlash(overrides.localSystemBase ?? DEFAULT_LOCAL_SYSTEM_BASE);

  const s = overrides.appointmentStatuses ?? {};
  const appointmentStatuses: AppointmentStatusTable = {
    // Looked up by OSCAR's code; firstChar by one character and toOscar by a status R4 validated:
    // no member of Object.prototype has either shape.
    exact: lookupTable(DEFAULT_APPOINTMENT_STATUSES.exact, s.exact),
    firstChar: { ...DEFAULT_APPOINTMENT_STATUSES.firstChar, ...s.firstChar },
    fallback: s.fallback ?? DEFAULT_APPOINTMENT_STATUSES.fallback,
    toOscar: { ...DEFAULT_APPOINTMENT_STATUSES.toOscar, ...s.toOscar },
  };

  const immunizationTypes = new Set<string>([...DEFAULT_IMMUNIZATION_TYPES, ...VACCINES_BY_TYPE.keys()]);
  for (const t of overrides.immunizationTypes?.add ?? []) immunizationTypes.add(t.trim());
  for (const t of overrides.immunizationTypes?.remove ?? []) immunizationTypes.delete(t.trim());

  const documentTypeLoinc = lookupTable<LoincDocumentType>(DEFAULT_DOCTYPE_LOINC);
  for (const [k, v] of Object.entries(overrides.documentTypeLoinc ?? {})) {
    if (v === null) delete documentTypeLoinc[k];
    else documentTypeLoinc[k] = v;
  }

  return {
    timezone: overrides.timezone ?? DEFAULT_TIMEZONE,
    localSystemBase,
    localSystemAliases: (overrides.localSystemAliases ?? []).map(withSlash).filter((a) => a !== localSystemBase),
    appointmentStatuses,
    immunizationTypes,
    documentTypeLoinc,
    documentProgramId: overrides.documentProgramId ?? DEFAULT_DOCUMENT_PROGRAM_ID,
    practitionerSystems: {
      ohipBilling: overrides.practitionerSystems?.ohipBilling ?? `${localSystemBase}${LOCAL_SYSTEMS.ohipBilling}`,
      licenceByType: { ...DEFAULT_LICENCE_SYSTEMS, ...overrides.practitionerSystems?.licenceByType },
    },
  };
}
