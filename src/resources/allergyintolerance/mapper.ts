// AllergyIntolerance ← OSCAR allergies (mapping §4). Read-only: OSCAR has
// no allergy write API. A SOAP AllergyTransfer is reduced to AllergyFacts and built from that;
// REST /allergies/active only says which allergies are active.

import type { AllergyIntolerance, AllergyIntoleranceReaction, Coding } from 'fhir/r4.js';
import type { AllergyTransfer } from '../../oscar/types.js';
import { nonBlank, withoutEmpty } from '../without-empty.js';
import type { MappingConfig } from '../mapping-config.js';
import { xsDate, xsInstant } from '../oscar-dates.js';
import { patientRef, practitionerRef } from '../references.js';
import { CA_BASELINE_PROFILES, SYSTEMS } from '../systems.js';
import {
  CATEGORY_BY_TYPE_CODE, CRITICALITY, NKDA_CODING, NKDA_DESCRIPTION, ONSET_OF_REACTION, REACTION_SEVERITY,
} from './allergy-codes.js';

/** One allergy row, whichever API it came from. Dates are already FHIR strings. */
export interface AllergyFacts {
  id?: number; demographicNo?: number; active: boolean | undefined;
  description?: string; din?: string; typeCode?: number;
  reaction?: string; severity?: string; onsetOfReaction?: string;
  startDate?: string; ageOfOnset?: string; entryDate?: string; providerNo?: string; lastUpdated?: string;
  recorderDisplay?: string;
}

/**
 * contract 4.8: SOAP has no archived flag, so clinical status comes from membership of the REST
 * /allergies/active list (`activeIds`): listed → active, otherwise inactive. Without that list
 * (`undefined`: no OSCAR REST, variants §6 B14) the row may be archived: mapping §4 says how.
 */
export function allergyFromSoap(t: AllergyTransfer, activeIds: ReadonlySet<number> | undefined, cfg: MappingConfig, recorderDisplay?: string): AllergyIntolerance {
  const tz = cfg.timezone;
  return buildAllergy({
    id: t.id, demographicNo: t.demographicNo, active: activeIds && t.id !== undefined && activeIds.has(t.id),
    description: nonBlank(t.description), din: nonBlank(t.regionalIdentifier), typeCode: t.typeCode,
    reaction: nonBlank(t.reaction), severity: nonBlank(t.severityOfReaction), onsetOfReaction: nonBlank(t.onsetOfReaction),
    startDate: xsDate(t.startDate, tz), ageOfOnset: nonBlank(t.ageOfOnset), entryDate: xsDate(t.entryDate, tz),
    providerNo: nonBlank(t.providerNo), lastUpdated: xsInstant(t.lastUpdateDate, tz), recorderDisplay,
  });
}

/**
 * mapping §4: the profile needs a clinical status (ait-1, required binding); an allergy that may be
 * archived is reported active, which warns too much rather than too little, and says so.
 */
const UNVERIFIED_STATUS = {
  coding: [{ system: SYSTEMS.allergyClinical, code: 'active', display: 'Active' }],
  text: 'Active or archived: this OSCAR does not say which',
};

/** Age at onset in years; OSCAR's column defaults to '0', which means "not recorded". */
function onsetAge(age: string | undefined): AllergyIntolerance['onsetAge'] {
  if (!age || !/^\d{1,3}$/.test(age) || Number(age) === 0) return undefined;
  return { value: Number(age), unit: 'years', system: SYSTEMS.ucum, code: 'a' };
}

export function buildAllergy(f: AllergyFacts): AllergyIntolerance {
  const codings: (Coding | undefined)[] = [
    // A DIN is 8 digits: whitespace typed into it is no part of it (and would make an invalid FHIR code).
    f.din ? { system: SYSTEMS.din, code: f.din.replace(/\s+/g, '') } : undefined,
    f.description?.toUpperCase() === NKDA_DESCRIPTION ? NKDA_CODING : undefined,
  ];
  const severity = f.severity ? REACTION_SEVERITY[f.severity] : undefined;
  const onset = f.onsetOfReaction ? ONSET_OF_REACTION[f.onsetOfReaction] : undefined;
  // mapping §4: a reaction only when there is reaction text or a real severity; manifestation is 1..*.
  const reaction: AllergyIntoleranceReaction | undefined = f.reaction || severity
    ? {
      manifestation: [{ text: f.reaction ?? 'unspecified' }],
      severity,
      description: onset ? `Onset of reaction: ${onset}` : undefined,
    }
    : undefined;
  const category = f.typeCode !== undefined ? CATEGORY_BY_TYPE_CODE[f.typeCode] : undefined;

  return withoutEmpty<AllergyIntolerance>({
    resourceType: 'AllergyIntolerance',
    id: f.id !== undefined ? String(f.id) : undefined,
    meta: { lastUpdated: f.lastUpdated, profile: [CA_BASELINE_PROFILES.AllergyIntolerance] },
    clinicalStatus: f.active === undefined ? UNVERIFIED_STATUS
      : { coding: [{ system: SYSTEMS.allergyClinical, code: f.active ? 'active' : 'inactive', display: f.active ? 'Active' : 'Inactive' }] },
    verificationStatus: { coding: [{ system: SYSTEMS.allergyVerification, code: 'confirmed', display: 'Confirmed' }] },
    category: category ? [category] : undefined, // typeCode 0 (custom): unknown, do not guess
    criticality: f.severity ? CRITICALITY[f.severity] : undefined,
    code: { coding: codings.filter((c): c is Coding => !!c), text: f.description },
    patient: patientRef(f.demographicNo) ?? { display: 'unknown patient' },
    onsetDateTime: f.startDate,
    onsetAge: f.startDate ? undefined : onsetAge(f.ageOfOnset), // onset[x] is a choice: one of the two
    recordedDate: f.entryDate,
    recorder: practitionerRef(f.providerNo, f.recorderDisplay),
    reaction: reaction ? [reaction] : undefined,
  });
}
