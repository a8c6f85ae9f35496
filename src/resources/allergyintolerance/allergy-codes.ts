// OSCAR allergy code tables (contract 5.3) → FHIR AllergyIntolerance (mapping §4); each a
// lookupTable, since OSCAR's codes are what they are looked up by.

import type { AllergyIntolerance, Coding } from 'fhir/r4.js';
import { lookupTable } from '../lookup-table.js';
import { SYSTEMS } from '../systems.js';

type Category = NonNullable<AllergyIntolerance['category']>[number];
type Severity = NonNullable<NonNullable<AllergyIntolerance['reaction']>[number]['severity']>;
type Criticality = NonNullable<AllergyIntolerance['criticality']>;

/** TYPECODE → category. 0 (custom/free text, incl. non-drug and NKDA) is deliberately absent. */
export const CATEGORY_BY_TYPE_CODE: Readonly<Record<number, Category>> = lookupTable({
  8: 'medication', 10: 'medication', 11: 'medication', 12: 'medication', 13: 'medication', 14: 'medication',
});

/** severity_of_reaction → reaction.severity (4 Unknown and 5 No reaction have none). */
export const REACTION_SEVERITY: Readonly<Record<string, Severity>> = lookupTable({ '1': 'mild', '2': 'moderate', '3': 'severe' });

/** severity_of_reaction → criticality. */
export const CRITICALITY: Readonly<Record<string, Criticality>> = lookupTable({ '3': 'high', '4': 'unable-to-assess' });

/** onset_of_reaction → reaction.description text (4 Unknown says nothing). */
export const ONSET_OF_REACTION: Readonly<Record<string, string>> = lookupTable({ '1': 'Immediate', '2': 'Gradual', '3': 'Slow' });

/** Description NKDA (any case) = "no known drug allergies" entered as a custom allergy (contract 5.3). */
export const NKDA_DESCRIPTION = 'NKDA';
export const NKDA_CODING: Coding = { system: SYSTEMS.snomed, code: '409137002', display: 'No known drug allergy' };

/** contract 3.3: REST /allergies/active replaces an empty reaction with this text. */
export const REST_EMPTY_REACTION = 'No reaction noted';
