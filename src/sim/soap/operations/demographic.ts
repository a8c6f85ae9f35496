// DemographicWs (contract 4.5): patient reads and searches. Queries without ORDER BY come back in
// primary-key order, as InnoDB returns them.

import type { DemographicRow } from '../../clinic/model.js';
import { callerOf } from '../context.js';
import type { CallContext } from '../context.js';
import { npeFault, serverFault } from '../faults.js';
import type { ParsedCalendar } from '../parse.js';
import { equalsCi, inPkOrder, like, page } from '../query.js';
import type { OperationDef, ServiceDef, WireObject } from '../schema.js';
import { providerConsentType } from '../consent.js';
import { demographicTransfer, projectDemographic } from '../transfers.js';
import { epochOfWallClock } from '../../wall-clock.js';
import { javaSplit } from './java.js';

const byPk = (ctx: CallContext, where?: (r: DemographicRow) => boolean): DemographicRow[] => inPkOrder(ctx.store.data.demographics, (r) => r.demographicNo, where);

/** Juno's DemographicTransfer.toTransfer reads the cell phone ext on every transfer; the others only in getDemographic. */
const dt = (ctx: CallContext, row: DemographicRow): WireObject =>
  demographicTransfer(row, ctx.store, ctx.tz, { withExt: ctx.opts.variant === 'juno', v2: false });

/** JPA find(id) with a null id (a missing arg0). */
const nullIdFault = () => serverFault('id to load is required for loading');

/** DemographicDaoImpl.searchDemographicByNameString: "Last[,First]" prefix LIKEs, all statuses. */
function searchByName(ctx: CallContext, search: string | null, startIndex: number, itemsToReturn: number): WireObject[] {
  let ln = '';
  let fn = '';
  if (search !== null && search.length > 0) {
    const sh = javaSplit(search, ',');
    // Java: ",".split(",") is an empty array, and the else branch still reads sh[0]
    if (sh.length === 0) throw serverFault('Index 0 out of bounds for length 0');
    if ((sh[0] ?? '').trim().length > 0) ln = (sh[0] ?? '').trim();
    if (sh.length > 1 && (sh[1] ?? '').trim().length > 0) fn = (sh[1] ?? '').trim();
  }
  const rows = byPk(ctx, (d) => (!ln || like(d.lastName, `${ln}%`)) && (!fn || like(d.firstName, `${fn}%`)));
  return page(rows, startIndex, itemsToReturn).map((r) => dt(ctx, r));
}

const twoDigits = (n: number): string => (n >= 10 ? String(n) : `0${n}`);

/** DemographicDaoImpl.findByAttributes: AND of the non-null criteria (contract 4.5). */
function searchByAttributes(ctx: CallContext, c: {
  hin: string | null; firstName: string | null; lastName: string | null; gender: string | null; dob: ParsedCalendar | null;
  city: string | null; province: string | null; phone: string | null; email: string | null; alias: string | null;
}, startIndex: number, itemsToReturn: number): WireObject[] {
  if (Object.values(c).every((v) => v === null)) throw serverFault('at least one parameter must be present');
  const sub = (v: string | null, p: string | null): boolean => p === null || like(v, `%${p}%`);
  const rows = byPk(ctx, (d) =>
    sub(d.hin, c.hin) && sub(d.firstName, c.firstName) && sub(d.lastName, c.lastName)
    && (c.gender === null || equalsCi(d.sex, c.gender))
    // the Calendar's own fields, in the zone the client wrote (JAXB keeps the offset)
    && (c.dob === null || (equalsCi(d.yearOfBirth, twoDigits(c.dob.year)) && equalsCi(d.monthOfBirth, twoDigits(c.dob.month))
      && equalsCi(d.dateOfBirth, twoDigits(c.dob.day))))
    && sub(d.city, c.city) && (c.province === null || equalsCi(d.province, c.province))
    && (c.phone === null || like(d.phone, `%${c.phone}%`) || like(d.phone2, `%${c.phone}%`))
    && sub(d.email, c.email) && sub(d.alias, c.alias));
  return page(rows, startIndex, itemsToReturn).map((r) => dt(ctx, r));
}

/** getActiveDemographicAfter: patient_status 'AC', lastUpdateDate > lastUpdate (exclusive), optional projection. */
function activeAfter(ctx: CallContext, lastUpdate: ParsedCalendar | null, fields: string | null, v2: boolean): WireObject[] {
  const rows = byPk(ctx, (d) => equalsCi(d.patientStatus, 'AC')
    && (lastUpdate === null || epochOfWallClock(d.lastUpdateDate, ctx.tz) > lastUpdate.epochMs));
  const list = fields === null ? null : javaSplit(fields, ',');
  return rows.map((r) => {
    const full = demographicTransfer(r, ctx.store, ctx.tz, { withExt: false, v2 });
    return list === null ? full : projectDemographic(full, list);
  });
}

const operations: OperationDef[] = [
  {
    name: 'getDemographic', params: [['arg0', 'int']], returns: 'demographicTransfer',
    handler: (a, ctx) => {
      const id = a.int('arg0');
      if (id === null) throw nullIdFault();
      const row = ctx.store.demographic(id);
      // getDemographicWithExt: the ext rows fill cellPhone and phoneComment (contract 4.5)
      return row ? demographicTransfer(row, ctx.store, ctx.tz, { withExt: true, v2: false }) : null;
    },
  },
  {
    name: 'getDemographic2', params: [['arg0', 'int']], returns: 'demographicTransfer2',
    handler: (a, ctx) => {
      const id = a.int('arg0');
      if (id === null) throw nullIdFault();
      const row = ctx.store.demographic(id);
      return row ? demographicTransfer(row, ctx.store, ctx.tz, { withExt: false, v2: true }) : null;
    },
  },
  {
    name: 'searchDemographicByName', params: [['arg0', 'string'], ['arg1', 'int!'], ['arg2', 'int!']],
    returns: 'demographicTransfer[]',
    handler: (a, ctx) => searchByName(ctx, a.str('arg0'), a.intP('arg1'), a.intP('arg2')),
  },
  {
    name: 'searchDemographicsByAttributes',
    params: [['arg0', 'string'], ['arg1', 'string'], ['arg2', 'string'], ['arg3', 'gender'], ['arg4', 'dateTime'],
      ['arg5', 'string'], ['arg6', 'string'], ['arg7', 'string'], ['arg8', 'string'], ['arg9', 'string'],
      ['arg10', 'int!'], ['arg11', 'int!']],
    returns: 'demographicTransfer[]',
    handler: (a, ctx) => searchByAttributes(ctx, {
      hin: a.str('arg0'), firstName: a.str('arg1'), lastName: a.str('arg2'), gender: a.str('arg3'), dob: a.cal('arg4'),
      city: a.str('arg5'), province: a.str('arg6'), phone: a.str('arg7'), email: a.str('arg8'), alias: a.str('arg9'),
    }, a.intP('arg10'), a.intP('arg11')),
  },
  {
    // CAISI admissions are not simulated, so nobody is admitted to any program.
    name: 'getAdmittedDemographicIdsByProgramProvider', params: [['arg0', 'int'], ['arg1', 'string']], returns: 'int[]',
    handler: () => [],
  },
  {
    name: 'getDemographics', params: [['arg0', 'int[]']], returns: 'demographicTransfer[]',
    handler: (a, ctx) => {
      const ids = a.ints('arg0');
      if (ids.length > 500) throw serverFault('please chunk your requests to max : 500');
      const wanted = new Set(ids.filter((i): i is number => i !== null));
      return byPk(ctx, (d) => wanted.has(d.demographicNo)).map((r) => dt(ctx, r));
    },
  },
  {
    name: 'getActiveDemographicsAfter', params: [['lastUpdate', 'dateTime'], ['fields', 'string']], returns: 'demographicTransfer[]',
    handler: (a, ctx) => activeAfter(ctx, a.cal('lastUpdate'), a.str('fields'), false),
  },
  {
    name: 'getActiveDemographicsAfter2', params: [['lastUpdate', 'dateTime'], ['fields', 'string']], returns: 'demographicTransfer2[]',
    handler: (a, ctx) => activeAfter(ctx, a.cal('lastUpdate'), a.str('fields'), true),
  },
  {
    name: 'getConsentedDemographicIdsAfter', params: [['lastUpdate', 'dateTime']], returns: 'int[]',
    handler: (a, ctx) => {
      const type = providerConsentType(ctx.store, callerOf(ctx));
      if (a.cal('lastUpdate') === null) throw npeFault('java.util.Calendar.getTime()', 'lastUpdate');
      if (!type) throw npeFault('ca.openosp.openo.commn.model.ConsentType.getId()', 'consentType');
      // The store keeps no consent edit dates, so every consent row of the type counts as edited after the date.
      const ids: number[] = [];
      for (const c of ctx.store.data.consents) if (c.consentTypeId === type.id && !ids.includes(c.demographicNo)) ids.push(c.demographicNo);
      return ids;
    },
  },
];

export const demographicService: ServiceDef = { path: 'DemographicService', portType: 'DemographicWs', secured: true, operations };
