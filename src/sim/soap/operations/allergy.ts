// AllergyWs (contract 4.8). Archived allergies are returned like active ones: the SOAP transfer
// has no archived flag.

import type { AllergyRow } from '../../clinic/model.js';
import { filterByProviderConsent, hasPatientConsented, providerConsentType } from '../consent.js';
import { callerOf } from '../context.js';
import type { CallContext } from '../context.js';
import { npeFault, serverFault } from '../faults.js';
import { programProviderArgs } from './program-provider-args.js';
import { checkLimit, inPkOrder, page, sortBy } from '../query.js';
import type { OperationDef, ServiceDef, WireObject } from '../schema.js';
import { allergyTransfer, localInstant } from '../transfers.js';

const byPk = (ctx: CallContext, where?: (r: AllergyRow) => boolean): AllergyRow[] => inPkOrder(ctx.store.data.allergies, (r) => r.allergyId, where);
const updated = (ctx: CallContext) => (r: AllergyRow): number => localInstant(r.lastUpdateDate, ctx.tz)?.epochMs ?? -Infinity;
const toTransfers = (ctx: CallContext, rows: readonly AllergyRow[]): WireObject[] => rows.map((r) => allergyTransfer(r, ctx.tz));

const operations: OperationDef[] = [
  {
    name: 'getAllergy', params: [['arg0', 'int']], returns: 'allergyTransfer',
    handler: (a, ctx) => {
      const id = a.int('arg0');
      if (id === null) throw serverFault('id to load is required for loading');
      const row = ctx.store.allergy(id);
      return row ? allergyTransfer(row, ctx.tz) : null;
    },
  },
  {
    // findByUpdateDate: lastUpdateDate >= date (inclusive), ordered, limited, then consent-filtered.
    name: 'getAllergiesUpdatedAfterDate', params: [['arg0', 'dateTime'], ['arg1', 'int!']], returns: 'allergyTransfer[]',
    handler: (a, ctx) => {
      const max = a.intP('arg1');
      checkLimit(max);
      const after = a.cal('arg0');
      if (after === null) return [];
      const rows = page(sortBy(byPk(ctx, (r) => updated(ctx)(r) >= after.epochMs), updated(ctx)), 0, max);
      return toTransfers(ctx, filterByProviderConsent(ctx.store, callerOf(ctx), rows, (r) => r.demographicNo));
    },
  },
  {
    // contract 7.9: the recommended call — programId and providerNo are ignored, no consent gate,
    // archived rows included, lastUpdateDate > date (exclusive).
    name: 'getAllergiesByProgramProviderDemographicDate',
    params: [['arg0', 'int'], ['arg1', 'string'], ['arg2', 'int'], ['arg3', 'dateTime'], ['arg4', 'int!']],
    returns: 'allergyTransfer[]',
    handler: (a, ctx) => {
      const { demographicId, after, max } = programProviderArgs(a, 'updatedAfterThisDateInclusive');
      const rows = sortBy(byPk(ctx, (r) => r.demographicNo === demographicId && updated(ctx)(r) > after.epochMs), updated(ctx));
      return toTransfers(ctx, page(rows, 0, max));
    },
  },
  {
    // contract 7.9: consent-gated — empty unless the patient consented to the caller's consent type.
    name: 'getAllergiesByDemographicIdAfter', params: [['lastUpdate', 'dateTime'], ['demographicId', 'int']], returns: 'allergyTransfer[]',
    handler: (a, ctx) => {
      const lastUpdate = a.cal('lastUpdate');
      if (lastUpdate === null) throw npeFault('java.util.Calendar.getTime()', 'lastUpdate');
      const demographicId = a.int('demographicId');
      if (demographicId === null) throw npeFault('java.lang.Integer.intValue()', 'demographicId');
      if (!hasPatientConsented(ctx.store, demographicId, providerConsentType(ctx.store, callerOf(ctx)))) return [];
      return toTransfers(ctx, byPk(ctx, (r) => r.demographicNo === demographicId && updated(ctx)(r) > lastUpdate.epochMs));
    },
  },
];

export const allergyService: ServiceDef = { path: 'AllergyService', portType: 'AllergyWs', secured: true, operations };
