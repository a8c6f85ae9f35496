// The whole demographic record as SOAP can give it: getDemographic2 carries middle names, the
// residential address and the other Transfer2 fields, but only getDemographic loads the ext rows
// that hold the cell phone (contract 4.5). Both in parallel: a read costs two calls, and is the
// complete Patient; search lists carry neither (see index.ts, SUBSETTED). An OSCAR without
// getDemographic2 gives the plain transfer (routing table 'Patient.read').
import type { OscarClient } from '../../oscar/client.js';
import type { DemographicTransfer2 } from '../../oscar/types.js';
import type { OptionId } from '../../routing/table.js';
import { ofPatient } from '../answer-owner.js';

export async function completeDemographic(oscar: OscarClient, id: number, how: OptionId<'Patient.read'> = 'complete'): Promise<DemographicTransfer2 | undefined> {
  // variants §4.1: OSCAR 15, KAI-15 and Juno have no getDemographic2; the plain transfer is all there is.
  if (how === 'transfer1') return oscar.soapGetDemographic(id);
  const [t2, withExt] = await Promise.all([oscar.soapGetDemographic2(id), oscar.soapGetDemographic(id)]);
  if (t2?.demographicNo === undefined) return undefined;
  // The cell phone comes from the other answer: one about another patient would put that
  // patient's number in this record (the caller checks t2's own number).
  if (withExt) ofPatient([withExt], id, 'DemographicService.getDemographic');
  return { ...t2, cellPhone: withExt?.cellPhone, phoneComment: withExt?.phoneComment };
}
