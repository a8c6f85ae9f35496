// AllergyIntolerance ← OSCAR REST /allergies/active (contract 3.3), for instances whose SOAP is out
// of reach (variants §6 B5): the same AllergyFacts as the SOAP mapper, so one row gives one
// resource whichever API it came from. The list holds non-archived rows only: each is active.
import type { AllergyIntolerance } from 'fhir/r4.js';
import type { AllergyTo1 } from '../../oscar/types.js';
import type { MappingConfig } from '../mapping-config.js';
import { restDay, restStamp } from '../oscar-dates.js';
import { nonBlank } from '../without-empty.js';
import { REST_EMPTY_REACTION } from './allergy-codes.js';
import { buildAllergy } from './mapper.js';

export function allergyFromRest(to: AllergyTo1, cfg: MappingConfig, recorderDisplay?: string): AllergyIntolerance {
  const tz = cfg.timezone;
  const reaction = nonBlank(to.reaction);
  return buildAllergy({
    id: to.id, demographicNo: to.demographicNo ?? undefined, active: !to.archived,
    description: nonBlank(to.description), din: nonBlank(to.regionalIdentifier), typeCode: to.typeCode ?? undefined,
    // contract 3.3: REST fills an empty reaction with this text; SOAP shows the stored (empty) value.
    reaction: reaction === REST_EMPTY_REACTION ? undefined : reaction,
    severity: nonBlank(to.severityOfReaction), onsetOfReaction: nonBlank(to.onsetOfReaction),
    startDate: restDay(to.startDate, tz), ageOfOnset: nonBlank(to.ageOfOnset), entryDate: restDay(to.entryDate, tz),
    providerNo: nonBlank(to.providerNo), lastUpdated: restStamp(to.lastUpdateDate, tz), recorderDisplay,
  });
}
