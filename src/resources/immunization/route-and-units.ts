// preventionsExt `route` and `dose` vocabularies (contract 5.4) → FHIR (mapping §5.2).

import type { Coding } from 'fhir/r4.js';
import { SYSTEMS } from '../systems.js';
import { lookupTable } from '../lookup-table.js';

/** OSCAR route code → SNOMED CT route (the codes Open-O's DHIR builder sends, contract 6.2). */
export const ROUTES: Readonly<Record<string, Coding>> = {
  IM: { system: SYSTEMS.snomed, code: '78421000', display: 'Intramuscular route' },
  SC: { system: SYSTEMS.snomed, code: '34206005', display: 'Subcutaneous route' },
  ID: { system: SYSTEMS.snomed, code: '372464004', display: 'Intradermal route' },
  IN: { system: SYSTEMS.snomed, code: '46713006', display: 'Nasal route' },
  PO: { system: SYSTEMS.snomed, code: '26643006', display: 'Oral route' },
};

/** Dose units OSCAR offers (mL, mg, g, capsule, vial) → UCUM code; non-UCUM units stay text. A
 * lookupTable: looked up by OSCAR's lower-cased text, where `constructor` must find nothing. */
export const DOSE_UNITS_UCUM: Readonly<Record<string, string>> = lookupTable({ ml: 'mL', mg: 'mg', g: 'g' });
