// ProviderWs (contract 4.11).

import { callerOf } from '../context.js';
import type { OperationDef, ServiceDef } from '../schema.js';
import { providerTransfer } from '../transfers.js';
import type { CallContext } from '../context.js';

/** providerDao.getProviders(active?) — ordered by name [U: the DAO's exact ORDER BY]. */
function providers(ctx: CallContext, active: boolean | null) {
  return ctx.store.data.providers
    .filter((p) => active === null || (p.status === '1') === active)
    .sort((a, b) => a.lastName.localeCompare(b.lastName) || a.firstName.localeCompare(b.firstName))
    .map((p) => providerTransfer(p, ctx.tz));
}

const operations: OperationDef[] = [
  {
    name: 'getLoggedInProviderTransfer', params: [], returns: 'providerTransfer',
    handler: (_a, ctx) => {
      const provider = callerOf(ctx).provider;
      return provider ? providerTransfer(provider, ctx.tz) : null;
    },
  },
  { name: 'getProviders', params: [['arg0', 'boolean!']], returns: 'providerTransfer[]', handler: (a, ctx) => providers(ctx, a.bool('arg0')) },
  { name: 'getProviders2', params: [['arg0', 'boolean']], returns: 'providerTransfer[]', handler: (a, ctx) => providers(ctx, a.boolOrNull('arg0')) },
  // Provider properties are not simulated.
  { name: 'getProviderProperties', params: [['arg0', 'string'], ['arg1', 'string']], returns: 'providerPropertyTransfer[]', handler: () => [] },
];

export const providerService: ServiceDef = { path: 'ProviderService', portType: 'ProviderWs', secured: true, operations };
