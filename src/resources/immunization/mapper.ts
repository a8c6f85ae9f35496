// Immunization ← OSCAR preventions + preventionsExt (mapping §5; contract 4.9, 5.4).
// Read-only: OSCAR has no prevention write API.
//
// previousId decision: editing a prevention soft-deletes the row and inserts a new one with a new
// id (contract 5.4), so FHIR ids change on edit. Each Immunization carries its own OSCAR id as a
// `usual` identifier and the replaced row's id as an `old` identifier (Identifier.use 'old' = "no
// longer valid, but may be relevant for search"), both under `${localSystemBase}prevention-id`.
// A client holding Immunization/41 finds its replacement with
// `Immunization?identifier=${localSystemBase}prevention-id|41`, without a custom extension.

import type { CodeableConcept, Coding, Identifier, Immunization } from 'fhir/r4.js';
import type { PreventionExtTransfer, PreventionTransfer } from '../../oscar/types.js';
import { isValidCalendarDate } from '../../time/zone.js';
import { nonBlank, withoutEmpty } from '../without-empty.js';
import { localSystem, type MappingConfig } from '../mapping-config.js';
import { xsDateOrDateTime, xsInstant } from '../oscar-dates.js';
import { isOutsideProvider, patientRef, practitionerRef } from '../references.js';
import { CA_BASELINE_PROFILES, SYSTEMS } from '../systems.js';
import { DEFAULT_IMMUNIZATION_TYPES, SCREENING_TYPES } from './immunization-types.js';
import { DOSE_UNITS_UCUM, ROUTES } from './route-and-units.js';
import { TRADENAMES, VACCINES_BY_TYPE } from './vaccine-table.js';

/** True when the prevention type is configured as an immunization (screenings never are). */
export function isImmunization(preventionType: string | null | undefined, cfg: MappingConfig): boolean {
  const t = nonBlank(preventionType);
  return t !== undefined && cfg.immunizationTypes.has(t);
}

/**
 * True for a prevention record that should become an Immunization: a configured immunization
 * type, or — for types this clinic has not configured, such as a CVC picklist name used as the
 * type (mapping §5.3) — OSCAR's own rule (contract 3.4): a brand SNOMED code or a
 * dose is recorded. Screening types never qualify.
 */
export function isImmunizationPrevention(t: PreventionTransfer, cfg: MappingConfig): boolean {
  const type = nonBlank(t.preventionType);
  if (type === undefined || SCREENING_TYPES.has(type)) return false;
  if (cfg.immunizationTypes.has(type)) return true;
  // A known vaccine type the clinic removed from its list stays out: OSCAR's rule is only for unknown types.
  if (DEFAULT_IMMUNIZATION_TYPES.includes(type) || VACCINES_BY_TYPE.has(type)) return false;
  const ext = extMap(t.preventionExts);
  return ext.has('brandSnomedId') || ext.has('dose');
}

/** preventionsExt key → value (last non-blank value wins; blank values are unset fields). */
function extMap(exts: PreventionExtTransfer[] | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of exts ?? []) {
    const k = nonBlank(e.key);
    const v = nonBlank(e.value);
    if (k && v) m.set(k, v);
  }
  return m;
}

function vaccineCode(type: string | undefined, ext: Map<string, string>): CodeableConcept {
  // SNOMED CT ids and DINs are digit strings: whitespace typed into them is no part of the code
  // (and a run of it would make an invalid FHIR code).
  const brand = ext.get('brandSnomedId')?.replace(/\s+/g, '');
  const tradename = brand ? TRADENAMES.get(brand) : undefined;
  // CA Baseline: return a Generic code when known or derivable from the Tradename code.
  const row = (type ? VACCINES_BY_TYPE.get(type) : undefined) ?? tradename?.row;
  const din = ext.get('din')?.replace(/\s+/g, '');
  const codings: (Coding | undefined)[] = [
    row?.generic ? { system: SYSTEMS.snomed, code: row.generic.code, display: row.generic.display } : undefined,
    brand && brand !== row?.generic?.code ? { system: SYSTEMS.snomed, code: brand, display: tradename?.display } : undefined,
    row?.cvx ? { system: SYSTEMS.cvx, code: row.cvx } : undefined,
    din ? { system: SYSTEMS.din, code: din } : undefined,
  ];
  return { coding: codings.filter((c): c is Coding => !!c), text: ext.get('name') ?? type };
}

/** "0.5 mL" → 0.5 mL (UCUM when the unit is one); undefined when there is no leading number. */
export function doseQuantityOf(dose: string | undefined): Immunization['doseQuantity'] {
  const m = dose ? /^\s*(\d+(?:[.,]\d+)?|[.,]\d+)\s*(.*?)\s*$/.exec(dose) : null;
  if (!m) return undefined;
  const value = Number((m[1] ?? '').replace(',', '.'));
  const unit = nonBlank(m[2]);
  const ucum = unit ? DOSE_UNITS_UCUM[unit.toLowerCase()] : undefined;
  return { value, unit, system: ucum ? SYSTEMS.ucum : undefined, code: ucum };
}

function fhirDate(value: string | undefined): string | undefined {
  const m = value ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim()) : null;
  return m && isValidCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) ? m[0] : undefined;
}

/** `performerDisplay`: the OSCAR provider's name for the performer reference, when known. */
export function immunizationFromSoap(t: PreventionTransfer, cfg: MappingConfig, performerDisplay?: string): Immunization {
  const tz = cfg.timezone;
  const ext = extMap(t.preventionExts);
  const type = nonBlank(t.preventionType);
  const outside = isOutsideProvider(t.providerNo);
  const route = ext.get('route');
  const previousId = ext.get('previousId');
  const idSystem = localSystem(cfg, 'preventionId');
  const identifiers: Identifier[] = [];
  if (t.id !== undefined) identifiers.push({ use: 'usual', system: idSystem, value: String(t.id) });
  if (previousId && /^\d+$/.test(previousId)) identifiers.push({ use: 'old', system: idSystem, value: previousId });

  // deleted wins over refused: an edited or removed record is no longer a claim about the patient.
  const status: Immunization['status'] = t.deleted ? 'entered-in-error' : t.refused ? 'not-done' : 'completed';
  // contract 4.9: "completed externally" looks like "given"; only the provider number tells.
  // A refusal administered nothing, so it names no administering provider.
  const performerActor = status === 'not-done' ? undefined
    : outside ? (ext.get('providerName') ? { display: ext.get('providerName') } : undefined) : practitionerRef(t.providerNo, performerDisplay);
  const comments = ext.get('comments');

  return withoutEmpty<Immunization>({
    resourceType: 'Immunization',
    id: t.id !== undefined ? String(t.id) : undefined,
    meta: { lastUpdated: xsInstant(t.lastUpdateDate, tz), profile: [CA_BASELINE_PROFILES.Immunization] },
    identifier: identifiers,
    status,
    statusReason: t.refused && !t.deleted
      ? { coding: [{ system: SYSTEMS.v3ActReason, code: 'PATOBJ', display: 'patient objection' }], text: ext.get('neverReason') }
      : undefined,
    vaccineCode: vaccineCode(type, ext),
    patient: patientRef(t.demographicId) ?? { display: 'unknown patient' },
    // a date-only entry (local midnight) stays a date; a recorded time is kept as an instant
    occurrenceDateTime: xsDateOrDateTime(t.preventionDate, tz),
    occurrenceString: xsDateOrDateTime(t.preventionDate, tz) === undefined ? 'unknown' : undefined, // occurrence[x] is 1..1
    recorded: xsInstant(t.creationDate, tz),
    primarySource: !outside,
    reportOrigin: outside
      ? { coding: [{ system: SYSTEMS.immunizationOrigin, code: 'provider', display: 'Other Provider' }] }
      : undefined,
    manufacturer: ext.get('manufacture') ? { display: ext.get('manufacture') } : undefined,
    lotNumber: ext.get('lot'),
    expirationDate: fhirDate(ext.get('expiryDate')),
    site: ext.get('location') ? { text: ext.get('location') } : undefined,
    route: route ? { coding: ROUTES[route.toUpperCase()] ? [ROUTES[route.toUpperCase()]!] : undefined, text: route } : undefined,
    doseQuantity: doseQuantityOf(ext.get('dose')),
    performer: performerActor
      ? [{ function: { coding: [{ system: SYSTEMS.v2ParticipationRole, code: 'AP', display: 'Administering Provider' }] }, actor: performerActor }]
      : undefined,
    note: comments ? [{ text: comments }] : undefined,
  });
}
