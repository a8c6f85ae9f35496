// The OSCAR variants the simulator can be (variants §3 cards, §4 matrices, §9): one line of
// OSCAR's history each, described by what differs from line F, the contract's variant.
import type { SoapSchema } from './soap/schema.js';
import { OPENO_SCHEMA } from './soap/schema.js';
import { JUNO_SCHEMA, OPENO_LEGACY_SCHEMA, OSCAR15_SCHEMA, OSCAR19_SCHEMA } from './soap/variant-schemas.js';

export const SIM_VARIANTS = ['openo', 'openo-legacy', 'oscar19', 'oscar15', 'juno'] as const;
export type SimVariant = (typeof SIM_VARIANTS)[number];

export const isSimVariant = (v: string): v is SimVariant => (SIM_VARIANTS as readonly string[]).includes(v);

/**
 * How /ws/services checks OAuth: F's own interceptor lets unsigned calls through to a 500 (B18);
 * CXF's OAuthRequestFilter (every other line) answers any OAuth failure 401 `WWW-Authenticate: OAuth`.
 */
export type RestAuth = 'openo-interceptor' | 'cxf-filter';

/** Which resources the OAuth REST server carries (variants §4.2). */
export type RestSurface = 'openo' | 'openo-legacy' | 'provider-only' | 'juno-v1';

export interface VariantProfile {
  name: SimVariant;
  /** The line letter of variants §1 and a human name, for the banner. */
  line: string;
  soap: SoapSchema;
  /** SOAP operations the line lacks, as 'Service.operation' (variants §4.1, Appendix A). */
  absentOps: ReadonlySet<string>;
  /** Whether the line has Juno's extra SOAP operations (addDemographic, cancelAppointment…). */
  junoOps: boolean;
  /** Whether DemographicWs still has the MyOSCAR (PHR) operations (every line before F). */
  phrOps: boolean;
  restAuth: RestAuth;
  restSurface: RestSurface;
  /** The sex code Open-O calls X and older lines T (B9): what the synthetic clinic's X patients hold. */
  thirdSex: 'X' | 'T';
}

/** Operations added in 2019 (C, D): the `*ByDemographicIdAfter` family and getActiveDemographicsAfter. */
const AFTER_OPS = [
  'DemographicService.getActiveDemographicsAfter', 'DemographicService.getConsentedDemographicIdsAfter',
  'ScheduleService.getAppointmentsByDemographicIdAfter', 'AllergyService.getAllergiesByDemographicIdAfter',
  'PreventionService.getPreventionsByDemographicIdAfter', 'DocumentService.getDocumentsByDemographicIdAfter',
];
/** Operations added in late 2019 (D): DemographicTransfer2. */
const TRANSFER2_OPS = ['DemographicService.getDemographic2', 'DemographicService.getActiveDemographicsAfter2'];

const PROFILES: Readonly<Record<SimVariant, VariantProfile>> = {
  openo: {
    name: 'openo', line: 'F (Open-O ca.openosp.openo, OpenOSP since 2025-11)', soap: OPENO_SCHEMA, absentOps: new Set(),
    junoOps: false, phrOps: false, restAuth: 'openo-interceptor', restSurface: 'openo', thirdSex: 'X',
  },
  'openo-legacy': {
    name: 'openo-legacy', line: 'E (Open-O org.oscarehr, before the 2025 package refactor)', soap: OPENO_LEGACY_SCHEMA,
    absentOps: new Set(), junoOps: false, phrOps: true, restAuth: 'cxf-filter', restSurface: 'openo-legacy', thirdSex: 'X',
  },
  oscar19: {
    name: 'oscar19', line: 'D (OSCAR 19 community, 2022)', soap: OSCAR19_SCHEMA, absentOps: new Set(),
    junoOps: false, phrOps: true, restAuth: 'cxf-filter', restSurface: 'openo-legacy', thirdSex: 'T',
  },
  oscar15: {
    name: 'oscar15', line: 'A (OSCAR 15.0, 2016)', soap: OSCAR15_SCHEMA, absentOps: new Set([...AFTER_OPS, ...TRANSFER2_OPS]),
    junoOps: false, phrOps: true, restAuth: 'cxf-filter', restSurface: 'provider-only', thirdSex: 'T',
  },
  juno: {
    name: 'juno', line: 'H (Juno, CloudPractice 2022)', soap: JUNO_SCHEMA, absentOps: new Set([...AFTER_OPS, ...TRANSFER2_OPS]),
    junoOps: true, phrOps: true, restAuth: 'cxf-filter', restSurface: 'juno-v1', thirdSex: 'T',
  },
};

export function variantProfile(v: SimVariant): VariantProfile {
  return PROFILES[v];
}
