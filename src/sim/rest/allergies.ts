// AllergyService (contract 3.3): GET /allergies/active.

import type { AllergyRow } from '../clinic/model.js';
import type { ClinicStore } from '../clinic/store.js';
import { dateMs, dateTimeMs } from './jackson.js';
import { JSON_TYPE } from './media.js';
import { entity, intQuery, type RestRoute } from './route.js';

export function allergyTo1(a: AllergyRow, tz: string): Record<string, unknown> {
  return {
    id: a.allergyId, demographicNo: a.demographicNo, entryDate: dateMs(a.entryDate, tz), description: a.description,
    reaction: a.reaction, archived: a.archived, hiclSeqno: a.hiclSeqno, hicSeqno: a.hicSeqno, agcsp: a.agcsp,
    agccs: a.agccs, typeCode: a.typeCode, drugrefId: a.drugrefId, startDate: dateMs(a.startDate, tz),
    ageOfOnset: a.ageOfOnset, severityOfReaction: a.severityOfReaction, onsetOfReaction: a.onsetOfReaction,
    regionalIdentifier: a.regionalIdentifier, lifeStage: a.lifeStage, position: a.position,
    lastUpdateDate: dateTimeMs(a.lastUpdateDate, tz), providerNo: a.providerNo,
  };
}

/** AllergyManager.getActiveAllergies: archived=0 only, ordered by description, empty reaction filled in. */
export function activeAllergiesTo1(store: ClinicStore, demographicNo: number | null): Array<Record<string, unknown>> {
  if (demographicNo === null) return [];
  return store.data.allergies
    .filter((a) => a.demographicNo === demographicNo && !a.archived)
    .sort((a, b) => a.description.toLowerCase().localeCompare(b.description.toLowerCase()) || a.allergyId - b.allergyId)
    .map((a) => {
      const t = allergyTo1(a, store.serverZone);
      if (!a.reaction) t.reaction = 'No reaction noted';
      return t;
    });
}

export const allergyRoutes: RestRoute[] = [
  {
    method: 'GET', path: '/allergies/active', produces: [JSON_TYPE], consumes: [JSON_TYPE], intQuery: ['demographicNo'],
    handle(ctx) {
      ctx.provider(); // no privilege check, but getLoggedInInfo() is still called
      return entity({ allergies: activeAllergiesTo1(ctx.store, intQuery(ctx, 'demographicNo')) });
    },
  },
];
