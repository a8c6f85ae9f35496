// PreventionWs (contract 4.9): preventions with their preventionsExt rows. Deleted rows are only
// visible through getPrevention and getPreventionsUpdatedAfterDate (contract 7.10).

import type { PreventionRow } from '../../clinic/model.js';
import type { CallContext } from '../context.js';
import { npeFault, serverFault } from '../faults.js';
import { programProviderArgs } from './program-provider-args.js';
import { checkLimit, equalsCi, inPkOrder, page, sortBy } from '../query.js';
import type { OperationDef, ServiceDef, WireObject } from '../schema.js';
import { localInstant, preventionTransfer } from '../transfers.js';

const byPk = (ctx: CallContext, where?: (r: PreventionRow) => boolean): PreventionRow[] => inPkOrder(ctx.store.data.preventions, (r) => r.id, where);
const updated = (ctx: CallContext) => (r: PreventionRow): number => localInstant(r.lastUpdateDate, ctx.tz)?.epochMs ?? -Infinity;
const toTransfers = (ctx: CallContext, rows: readonly PreventionRow[]): WireObject[] => rows.map((r) => preventionTransfer(r, ctx.store, ctx.tz));

const operations: OperationDef[] = [
  {
    name: 'getPrevention', params: [['arg0', 'int']], returns: 'preventionTransfer',
    handler: (a, ctx) => {
      const id = a.int('arg0');
      if (id === null) throw serverFault('id to load is required for loading');
      const row = ctx.store.prevention(id);
      return row ? preventionTransfer(row, ctx.store, ctx.tz) : null;
    },
  },
  {
    name: 'getPreventionsUpdatedAfterDate', params: [['arg0', 'dateTime'], ['arg1', 'int!']], returns: 'preventionTransfer[]',
    handler: (a, ctx) => {
      const max = a.intP('arg1');
      checkLimit(max);
      const after = a.cal('arg0');
      if (after === null) return [];
      return toTransfers(ctx, page(sortBy(byPk(ctx, (r) => updated(ctx)(r) > after.epochMs), updated(ctx)), 0, max));
    },
  },
  {
    // Unlike the allergy variant, providerNo does filter here (on preventions.provider_no).
    name: 'getPreventionsByProgramProviderDemographicDate',
    params: [['arg0', 'int'], ['arg1', 'string'], ['arg2', 'int'], ['arg3', 'dateTime'], ['arg4', 'int!']],
    returns: 'preventionTransfer[]',
    handler: (a, ctx) => {
      const { providerNo, demographicId, after, max } = programProviderArgs(a, 'updatedAfterThisDateExclusive');
      const rows = sortBy(byPk(ctx, (r) => r.demographicNo === demographicId && providerNo !== null
        && equalsCi(r.providerNo, providerNo) && updated(ctx)(r) > after.epochMs), updated(ctx));
      return toTransfers(ctx, page(rows, 0, max));
    },
  },
  {
    // The recommended call for Immunization: no consent gate, deleted='0' only, exclusive date.
    name: 'getPreventionsByDemographicIdAfter', params: [['lastUpdate', 'dateTime'], ['demographicId', 'int']], returns: 'preventionTransfer[]',
    handler: (a, ctx) => {
      const lastUpdate = a.cal('lastUpdate');
      if (lastUpdate === null) throw npeFault('java.util.Calendar.getTime()', 'lastUpdate');
      const demographicId = a.int('demographicId');
      return toTransfers(ctx, byPk(ctx, (r) => r.demographicNo === demographicId && r.deleted === '0' && updated(ctx)(r) > lastUpdate.epochMs));
    },
  },
];

export const preventionService: ServiceDef = { path: 'PreventionService', portType: 'PreventionWs', secured: true, operations };
