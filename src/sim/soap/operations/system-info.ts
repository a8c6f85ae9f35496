// SystemInfoWs (contract 4.4): unsecured health and clock helpers.

import { zoneOffsetMinutes } from '../../wall-clock.js';
import { MAX_LIST_RETURN_SIZE } from '../query.js';
import { instant } from '../schema.js';
import type { OperationDef, ServiceDef } from '../schema.js';

/** java.util.Date.toString(): "EEE MMM dd HH:mm:ss zzz yyyy" in the JVM zone. */
function javaDateString(epochMs: number, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, weekday: 'short', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit',
    second: '2-digit', hourCycle: 'h23', year: 'numeric', timeZoneName: 'short',
  }).formatToParts(new Date(epochMs));
  const p = (t: string): string => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('weekday')} ${p('month')} ${p('day')} ${p('hour')}:${p('minute')}:${p('second')} ${p('timeZoneName')} ${p('year')}`;
}

const operations: OperationDef[] = [
  {
    name: 'helloWorld', params: [], returns: 'string',
    handler: (_a, ctx) => `Hello World! the configuration works! and your client works! :) ${javaDateString(ctx.now, ctx.tz)}`,
  },
  { name: 'isAlive', params: [], returns: 'string', handler: () => 'alive' },
  { name: 'getMaxListReturnSize', params: [], returns: 'int!', handler: () => MAX_LIST_RETURN_SIZE },
  { name: 'getServerTime', params: [], returns: 'dateTime', handler: (_a, ctx) => instant(ctx.now) },
  // contract 4.4: milliseconds, not minutes (e.g. -14400000 for EDT)
  { name: 'getServerTimeGmtOffset', params: [], returns: 'int!', handler: (_a, ctx) => zoneOffsetMinutes(ctx.now, ctx.tz) * 60_000 },
];

export const systemInfoService: ServiceDef = { path: 'SystemInfoService', portType: 'SystemInfoWs', secured: false, operations };
