// PreventionService (contract 3.4, 7.11, 7.12): /preventions under /ws/services.

import type { PreventionRow } from '../clinic/model.js';
import type { ClinicStore } from '../clinic/store.js';
import { dateMs, dateTimeMs } from './jackson.js';
import { JSON_TYPE, XML_TYPE } from './media.js';
import { entity, intParam, intQuery, type RestRoute } from './route.js';

/**
 * PreventionTo1 as PreventionConverter fills it (contract 3.4): only id, patient, dates, type and
 * providers are copied; flags stay false, creationDate is the time of the response,
 * lastUpdateDate null and the never-set char `deletedRawValue` is "\u0000".
 */
function preventionTo1(p: PreventionRow, store: ClinicStore, responseTime: number): Record<string, unknown> {
  const tz = store.serverZone;
  return {
    id: p.id, demographicId: p.demographicNo, creationDate: responseTime, preventionDate: dateTimeMs(p.preventionDate, tz),
    providerNo: p.providerNo, preventionType: p.preventionType, deleted: false, refused: false, never: false,
    nextDate: dateMs(p.nextDate, tz), creatorProviderNo: p.creator === null ? null : String(p.creator),
    lastUpdateDate: null, ineligible: false, deletedRawValue: '\u0000',
  };
}

/** PreventionDao.findUniqueByDemographicId: the latest non-deleted row of each type, newest first. */
function latestPerType(store: ClinicStore, demographicNo: number | null): PreventionRow[] {
  const rows = store.data.preventions.filter((p) => p.demographicNo === demographicNo && p.deleted === '0');
  const latest = new Map<string, string>();
  for (const p of rows) {
    const cur = latest.get(p.preventionType);
    if (cur === undefined || p.preventionDate > cur) latest.set(p.preventionType, p.preventionDate);
  }
  return rows.filter((p) => latest.get(p.preventionType) === p.preventionDate)
    .sort((a, b) => (a.preventionDate < b.preventionDate ? 1 : a.preventionDate > b.preventionDate ? -1 : b.id - a.id));
}

/** PreventionManager.getImmunizationsByDemographic: a SNOMED concept or a `dose` extension. */
function isImmunization(store: ClinicStore, p: PreventionRow): boolean {
  if (p.snomedId) return true;
  return store.data.preventionExts.some((e) => e.preventionId === p.id && e.key === 'dose');
}

// PreventionService declares no class @Consumes, so it inherits AbstractServiceImpl's XML one
// (only matters for non-GET methods; none exist here).
export const preventionRoutes: RestRoute[] = [
  {
    method: 'GET', path: '/preventions/active', produces: [JSON_TYPE], consumes: [XML_TYPE], intQuery: ['demographicNo'],
    handle(ctx) {
      ctx.requirePrivilege('_prevention'); // contract 3.4: privilege _prevention r
      const now = ctx.store.now();
      const list = latestPerType(ctx.store, intQuery(ctx, 'demographicNo')).map((p) => preventionTo1(p, ctx.store, now));
      return entity({ preventions: list });
    },
  },
  {
    method: 'GET', path: '/preventions/immunizations/{demographicNo}', produces: [JSON_TYPE], consumes: [XML_TYPE], intParams: ['demographicNo'],
    handle(ctx) {
      ctx.requirePrivilege('_prevention'); // contract 3.4: privilege _prevention r
      const now = ctx.store.now();
      const list = latestPerType(ctx.store, intParam(ctx, 'demographicNo'))
        .filter((p) => isImmunization(ctx.store, p)).map((p) => preventionTo1(p, ctx.store, now));
      return entity({ preventions: list });
    },
  },
];
