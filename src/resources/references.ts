// References between mapped resources (mapping §1.8): ids are OSCAR numeric ids.

import type { Reference } from 'fhir/r4.js';
import { nonBlank } from './without-empty.js';

/** contract 4.9 / 5.4: provider_no '-1' or empty means an outside provider with no OSCAR record. */
export function isOutsideProvider(providerNo: string | null | undefined): boolean {
  const p = nonBlank(providerNo);
  return p === undefined || p === '-1';
}

/** "First Last" for a reference display, or undefined when both parts are blank. */
export function personDisplay(first: string | null | undefined, last: string | null | undefined): string | undefined {
  return nonBlank([nonBlank(first), nonBlank(last)].filter(Boolean).join(' '));
}

export function practitionerRef(providerNo: string | null | undefined, display?: string): Reference | undefined {
  if (isOutsideProvider(providerNo)) return nonBlank(display) ? { display: nonBlank(display) } : undefined;
  return { display: nonBlank(display), reference: `Practitioner/${nonBlank(providerNo)}` };
}

export function patientRef(demographicNo: number | null | undefined, display?: string): Reference | undefined {
  if (typeof demographicNo !== 'number' || !(demographicNo > 0)) return undefined;
  return { display: nonBlank(display), reference: `Patient/${demographicNo}` };
}

/**
 * The id in a reference 'Type/id' (also absolute '…/Type/id' and '…/_history/v') when Type
 * matches, else undefined.
 */
export function referencedId(ref: Reference | undefined, type: string): string | undefined {
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref?.reference?.trim() ?? '');
  return m && m[1] === type ? m[2] : undefined;
}
