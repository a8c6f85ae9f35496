// Immunization ← REST PreventionTo1, for instances whose SOAP is out of reach (variants §7.4
// "REST-only mode"). The row is restated as the SOAP transfer it stands for and mapped by the SOAP
// mapper, so ids, status and codes come out the same; what REST never carries stays absent
// (contract 3.9): no extension rows (lot, route, dose, brand, DIN), no real creation or update time.

import type { Immunization } from 'fhir/r4.js';
import type { PreventionTo1, PreventionTransfer } from '../../oscar/types.js';
import { formatXsDateTime } from '../../time/zone.js';
import type { MappingConfig } from '../mapping-config.js';
import { restEpoch } from '../oscar-dates.js';
import { nonBlank } from '../without-empty.js';
import { immunizationFromSoap, isImmunizationPrevention } from './mapper.js';

/** The SOAP transfer a PreventionTo1 stands for, dates re-read in the clinic zone (contract 7.3). */
function asTransfer(p: PreventionTo1, cfg: MappingConfig, serverZone: string): PreventionTransfer {
  const xs = (ms: number | null): string | undefined => {
    const at = restEpoch(ms, serverZone, cfg.timezone);
    return at === undefined ? undefined : formatXsDateTime(at, cfg.timezone);
  };
  return {
    id: p.id ?? undefined, demographicId: p.demographicId ?? undefined, preventionType: nonBlank(p.preventionType),
    preventionDate: xs(p.preventionDate), nextDate: xs(p.nextDate), providerNo: p.providerNo ?? undefined,
    creatorProviderNo: p.creatorProviderNo ?? undefined,
    // contract 3.4: the converter never copies these; only the query's "not deleted" is known.
    deleted: false, refused: false, never: false, preventionExts: [],
  };
}

/** True for a REST prevention row that is an immunization under the clinic's type table. */
export function isImmunizationRow(p: PreventionTo1, cfg: MappingConfig): boolean {
  return isImmunizationPrevention(asTransfer(p, cfg, cfg.timezone), cfg);
}

/** PreventionTo1 → Immunization; `serverZone` is the OSCAR JVM's zone (defaults to the mapping zone). */
export function immunizationFromRest(p: PreventionTo1, cfg: MappingConfig, performerDisplay?: string, serverZone = cfg.timezone): Immunization {
  return immunizationFromSoap(asTransfer(p, cfg, serverZone), cfg, performerDisplay);
}
