// What an operation handler may see: the clinic, the server clock/zone and who is calling.

import type { ClinicStore } from '../clinic/store.js';
import type { ProviderRow, SecurityRow } from '../clinic/model.js';
import type { SimOptions } from '../options.js';
import type { SoapSchema } from './schema.js';

/** The authenticated caller (LoggedInInfo): its security record and that record's provider. */
export interface Caller {
  security: SecurityRow;
  provider: ProviderRow | undefined;
}

export interface CallContext {
  store: ClinicStore;
  opts: SimOptions;
  /** IANA zone of the simulated JVM: every xs:dateTime is rendered and read in it (contract 4.1). */
  tz: string;
  /** The variant's namespace and types (variants §4.3). */
  schema: SoapSchema;
  /** Epoch ms of "now" on the simulated server, taken once per request. */
  now: number;
  /** Set on secured services once WS-Security succeeded; undefined on Login/SystemInfo. */
  caller: Caller | undefined;
}

/** The caller on a secured service (a handler there can rely on it). */
export function callerOf(ctx: CallContext): Caller {
  if (!ctx.caller) throw new Error('secured operation invoked without an authenticated caller');
  return ctx.caller;
}
