// OSCAR demographic code tables (contract 5.1) and their FHIR counterparts (mapping §2.1).

import type { Patient } from 'fhir/r4.js';

type Gender = NonNullable<Patient['gender']>;

/**
 * demographic.sex (and provider.sex) → FHIR gender; anything not listed → unknown. The third code
 * is X on Open-O and CARLOS, T on OSCAR 15/19 and Juno (variants B9): both are 'other'.
 */
export const SEX_TO_GENDER: Readonly<Record<string, Gender>> = { M: 'male', F: 'female', X: 'other', T: 'other', O: 'other', U: 'unknown' };

/**
 * Patient.gender → demographic.sex on writes ('other' → X unless the record already says O; the
 * client sends T instead where the instance's set has T, variants B9).
 */
export const GENDER_TO_SEX: Readonly<Record<Gender, string>> = { male: 'M', female: 'F', other: 'X', unknown: 'U' };

/** officialLanguage (OSCAR stores the English name) ↔ BCP-47. */
export const OFFICIAL_LANGUAGES: Readonly<Record<string, { code: string; display: string }>> = {
  English: { code: 'en', display: 'English' },
  French: { code: 'fr', display: 'French' },
};

export const ACTIVE_STATUS = 'AC';
export const DECEASED_STATUS = 'DE';
/** Status written when a client sets active=false on an active record. */
export const INACTIVE_STATUS = 'IN';

/**
 * Column widths of demographic (contract 5.1); longer values make OSCAR's insert/update fail
 * with a 500, so writes reject them with a 422 instead.
 */
export const DEMOGRAPHIC_LIMITS: Readonly<Record<string, number>> = {
  lastName: 30, firstName: 30, middleNames: 100, title: 10, hin: 20, ver: 3, chartNo: 10,
  phone: 20, alternativePhone: 20, postal: 9, province: 20, email: 100,
};
