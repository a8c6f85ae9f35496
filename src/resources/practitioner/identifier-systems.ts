// Practitioner identifier systems (contract 5.6 provider.practitionerNoType, 6.1; mapping §8.3).
//
// Licence numbers: Open-O's DHIR code uses eHealth Ontario URIs (…/API/FHIR/NamingSystem/
// ca-on-license-*), but the Ontario Health IGs name the global identifier base
// https://fhir.infoway-inforoute.ca/NamingSystem (mapping §8.3) and Open-O's newer code
// uses …infoway-inforoute.ca/NamingSystem/ca-on-license-physician, so the Infoway base is emitted.
//
// OHIP billing number: no registered URI could be confirmed, so the default is a clinic-local
// system (`${localSystemBase}ohip-billing-no`, see mapping-config.ts); deployments that know the
// registered URI configure it.

export interface IdentifierSystem { system: string; typeCode: string; typeDisplay: string }

const INFOWAY = 'https://fhir.infoway-inforoute.ca/NamingSystem/';
const physician: IdentifierSystem = { system: `${INFOWAY}ca-on-license-physician`, typeCode: 'MD', typeDisplay: 'Medical License number' };
const nurse: IdentifierSystem = { system: `${INFOWAY}ca-on-license-nurse`, typeCode: 'LN', typeDisplay: 'License number' };

/** practitionerNoType → licence system. */
export const DEFAULT_LICENCE_SYSTEMS: Readonly<Record<string, IdentifierSystem>> = {
  CPSO: physician,
  CNORN: nurse,
  CNORPN: nurse,
  CNORNP: nurse,
  OCP: { system: `${INFOWAY}ca-on-license-pharmacist`, typeCode: 'LN', typeDisplay: 'License number' },
  CMO: { system: `${INFOWAY}ca-on-license-midwife`, typeCode: 'LN', typeDisplay: 'License number' },
};

/** v2-0203 type of the OHIP billing number. */
export const OHIP_BILLING_TYPE = { typeCode: 'PRN', typeDisplay: 'Provider number' } as const;
