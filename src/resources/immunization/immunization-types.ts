// Which prevention types are immunizations (contract 5.4 PreventionItems.xml; mapping
// §5.1). The default set is this list plus every type in vaccine-codes.csv; clinics add
// their custom types through MappingConfig.

/** Heading "Immunizations" plus the immunization items filed under other headings. */
export const DEFAULT_IMMUNIZATION_TYPES: readonly string[] = [
  'DTaP', 'DTaP-IPV-Hib-HB', 'DTaP-IPV-HB', 'DT-IPV', 'Tdap-IPV', 'DTaP-IPV-Hib', 'DTaP-HBV-IPV-Hib', 'DTaP-IPV',
  'Rot', 'Hib', 'Pneumovax', 'Pneu-C', 'M', 'MR', 'MMR', 'MMRV', 'Men-P-AC', 'Men-P-ACWY', 'Men-C-ACYW-135',
  'MenC-C', 'rMenB', 'VZ', 'HZV', 'RZV', 'HepB', 'T', 'Td-IPV', 'dTap', 'Td', 'Flu', 'HA-Typh-I', 'HepA', 'HepAB',
  'Chol-Ecol-O', 'CHOLERA', 'Rabies', 'Typhoid', 'Typh-O', 'HPV Vaccine', 'TdP', 'IPV', 'BCG', 'YF', 'TBE', 'JE',
  'H1N1', 'COVID-19', 'TdP-IPV-Hib', 'DTaP-Hib', 'HBTmf', 'RSV', 'RSVAb', 'OtherA',
];

/**
 * Screening types (contract 5.4): never immunizations, even when a record carries a `dose`
 * extension (OSCAR's own immunization rule would otherwise accept them).
 */
export const SCREENING_TYPES: ReadonlySet<string> = new Set([
  'Tuberculosis', 'PAP', 'HPV-CERVIX', 'MAM', 'PSA', 'FOBT', 'COLONOSCOPY', 'BMD', 'HIV', 'HepB screen',
  'HepC screen', 'VDRL', 'chlamydia', 'ghonorrhea PCR', 'PHV', 'Smoking', 'OtherB',
]);
