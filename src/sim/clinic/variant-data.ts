// The synthetic clinic as a given OSCAR line would hold it: before Open-O's 2024 sex list the
// third sex code was T, not X (variants §4.3, B9), so the clinic's X patients are T there.
import type { ClinicData } from './model.js';
import type { VariantProfile } from '../variants.js';

export function adaptClinicToVariant(data: ClinicData, profile: VariantProfile): ClinicData {
  if (profile.thirdSex === 'X') return data;
  return { ...data, demographics: data.demographics.map((d) => (d.sex.toUpperCase() === 'X' ? { ...d, sex: 'T' } : d)) };
}
