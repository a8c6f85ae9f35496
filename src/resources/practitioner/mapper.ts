// Practitioner ← OSCAR provider (mapping §7; contract 4.11, 5.6), so that
// Practitioner references from the other resources resolve.

import type { ContactPoint, Identifier, Practitioner } from 'fhir/r4.js';
import type { ProviderTransfer } from '../../oscar/types.js';
import { nonBlank, withoutEmpty } from '../without-empty.js';
import { localSystem, type MappingConfig } from '../mapping-config.js';
import { SYSTEMS } from '../systems.js';
import { OHIP_BILLING_TYPE } from './identifier-systems.js';
import { SEX_TO_GENDER } from '../patient/demographic-codes.js';

function typed(code: string, display: string): Identifier['type'] {
  return { coding: [{ system: SYSTEMS.v2IdentifierType, code, display }] };
}

function phone(value: string | undefined, use: ContactPoint['use']): ContactPoint | undefined {
  return value ? { system: 'phone', value, use } : undefined;
}

export function practitionerFromSoap(t: ProviderTransfer, cfg: MappingConfig): Practitioner {
  const identifiers: Identifier[] = [];
  const providerNo = nonBlank(t.providerNo);
  if (providerNo) identifiers.push({ use: 'usual', system: localSystem(cfg, 'providerNo'), value: providerNo });
  const ohip = nonBlank(t.ohipNo);
  if (ohip) identifiers.push({ type: typed(OHIP_BILLING_TYPE.typeCode, OHIP_BILLING_TYPE.typeDisplay), system: cfg.practitionerSystems.ohipBilling, value: ohip });
  const licence = nonBlank(t.practitionerNo);
  if (licence) {
    const kind = nonBlank(t.practitionerNoType)?.toUpperCase();
    const known = kind ? cfg.practitionerSystems.licenceByType[kind] : undefined;
    identifiers.push(known
      ? { type: typed(known.typeCode, known.typeDisplay), system: known.system, value: licence }
      : { type: { text: kind ? `Licence number (${kind})` : 'Licence number' }, system: localSystem(cfg, 'practitionerNo'), value: licence });
  }
  const status = nonBlank(t.status);
  const sex = nonBlank(t.sex)?.toUpperCase();
  return withoutEmpty<Practitioner>({
    resourceType: 'Practitioner',
    id: providerNo,
    identifier: identifiers,
    active: status !== undefined ? status === '1' : undefined,
    name: [{ use: 'official', family: nonBlank(t.lastName), given: [nonBlank(t.firstName)].filter((g): g is string => !!g), prefix: nonBlank(t.title) ? [nonBlank(t.title)!] : undefined }],
    telecom: [
      phone(nonBlank(t.workPhone), 'work'), phone(nonBlank(t.phone), 'home'),
      nonBlank(t.email) ? { system: 'email', value: nonBlank(t.email) } : undefined,
    ].filter((c): c is ContactPoint => !!c),
    address: nonBlank(t.address) ? [{ line: [nonBlank(t.address)!] }] : undefined,
    gender: sex ? SEX_TO_GENDER[sex] ?? 'unknown' : undefined,
  });
}

