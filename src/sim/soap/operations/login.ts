// LoginWs (contract 4.3): no WS-Security; credentials travel in the body. Returns the security
// number (the WS-Security username) and the token (a WS-Security password until a restart).

import type { CallContext } from '../context.js';
import { notAuthorisedFault } from '../faults.js';
import type { OperationDef, ServiceDef, WireObject } from '../schema.js';
import { checkCredentials, securityToken } from '../security.js';
import { providerTransfer } from '../transfers.js';
import type { Args } from '../parse.js';

/** securityDao.findByUserName: MySQL `=` ignores case, the first row wins. */
async function login(args: Args, ctx: CallContext, withProvider: boolean): Promise<WireObject> {
  const userName = args.str('arg0');
  const row = userName === null ? undefined
    : ctx.store.data.security.find((s) => s.userName.toLowerCase() === userName.toLowerCase());
  const caller = await checkCredentials(ctx.store, row, args.str('arg1'), ctx.now);
  if (!caller) throw notAuthorisedFault(ctx.schema.ns);
  const result: Record<string, WireObject[string]> = {
    securityId: caller.security.securityNo,
    securityTokenKey: securityToken(ctx.store.jvmStartMillis, caller.security.password),
  };
  if (withProvider && caller.provider) result.provider = providerTransfer(caller.provider, ctx.tz);
  return result;
}

const operations: OperationDef[] = [
  {
    name: 'login', params: [['arg0', 'string'], ['arg1', 'string']], returns: 'loginResultTransfer',
    faults: ['NotAuthorisedException'], handler: (a, ctx) => login(a, ctx, false),
  },
  {
    name: 'login2', params: [['arg0', 'string'], ['arg1', 'string']], returns: 'loginResultTransfer2',
    faults: ['NotAuthorisedException'], handler: (a, ctx) => login(a, ctx, true),
  },
];

export const loginService: ServiceDef = { path: 'LoginService', portType: 'LoginWs', secured: false, operations };
