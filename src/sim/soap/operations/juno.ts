// Juno's own SOAP operations (variants §3 card H, Appendix A "H"), those the facade can route to:
// DemographicWs.addDemographic / updateDemographic / getDemographicByHealthNumber and
// ScheduleWs.cancelAppointment. `throws Exception` methods fault with an `Exception` detail.
// Juno's DemographicTransfer.copyTo is BeanUtils: every property, nulls included, replaces the
// row's (so updateDemographic is a full replace); DemographicManager.validateDemographic checks
// names, sex M/F and the birth date parts before the save.
import type { DemographicRow } from '../../clinic/model.js';
import { isCalendarDate } from '../../wall-clock.js';
import { callerOf } from '../context.js';
import type { CallContext } from '../context.js';
import { SoapFault, serverFault } from '../faults.js';
import { escapeText } from '../render.js';
import { field } from '../parse.js';
import type { ArgObject } from '../parse.js';
import { equalsCi } from '../query.js';
import type { OperationDef } from '../schema.js';
import { demographicTransfer } from '../transfers.js';

/** A checked java.lang.Exception thrown by the method: its message, and the fault bean in the detail. */
function exceptionFault(ctx: CallContext, message: string): SoapFault {
  return new SoapFault('<faultcode>soap:Server</faultcode>', message,
    `<ns1:Exception xmlns:ns1="${ctx.schema.ns}"><message>${escapeText(message)}</message></ns1:Exception>`);
}

const int = (s: string | null): number => (s !== null && /^-?\d+$/.test(s.trim()) ? Number(s.trim()) : 0);

/** DemographicManager.validateDemographic (the checks the simulator reproduces), messages concatenated. */
function validationErrors(t: ArgObject): string {
  const s = (k: string): string | null => field.str(t, k);
  let e = '';
  if (!s('firstName')) e += 'firstName is a required field.  ';
  if (!s('lastName')) e += 'lastName is a required field.  ';
  const sex = s('sex');
  if (sex === null) e += 'sex is a required field.  ';
  else if (sex !== 'M' && sex !== 'F') e += 'sex must be either "M" or "F".  ';
  const y = s('yearOfBirth');
  if (y === null) e += 'yearOfBirth is a required field.  ';
  else if (!/^\d+$/.test(y)) e += 'yearOfBirth should be a numeric value. ';
  else if (Number(y) < 1000 || Number(y) >= 10000) e += 'yearOfBirth is expected to be a 4-digit number.';
  const m = s('monthOfBirth');
  if (m === null) e += 'monthOfBirth is a required field.  ';
  else if (int(m) < 1 || int(m) > 12) e += 'monthOfBirth should be a number between 1 and 12. ';
  const d = s('dateOfBirth');
  if (d === null) e += 'dateOfBirth is a required field.  ';
  else if (int(d) < 1 || int(d) > 31) e += 'dateOfBirth should be a number between 1 and 31 (depending on month).';
  if (!isCalendarDate(int(y), int(m), int(d))) e += 'Need a valid birth date.';
  return e;
}

const twoDigits = (v: string | null): string | null => (v !== null && /^\d$/.test(v) ? `0${v}` : v);

/** The row a DemographicTransfer becomes (BeanUtils: absent properties are null). */
function rowFrom(t: ArgObject, demographicNo: number, ctx: CallContext, dateJoined: string | null): DemographicRow {
  const s = (k: string): string | null => field.str(t, k);
  const day = (k: string): string | null => { const c = field.cal(t, k); return c ? `${c.year}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}` : null; };
  return {
    demographicNo, title: s('title'), lastName: s('lastName') ?? '', firstName: s('firstName') ?? '', middleNames: null,
    alias: s('alias'), sex: s('sex') ?? '', gender: null, pronoun: null,
    yearOfBirth: s('yearOfBirth'), monthOfBirth: twoDigits(s('monthOfBirth')), dateOfBirth: twoDigits(s('dateOfBirth')),
    address: s('address'), city: s('city'), province: s('province'), postal: s('postal'),
    residentialAddress: null, residentialCity: null, residentialProvince: null, residentialPostal: null,
    phone: s('phone'), phone2: s('phone2'), email: s('email'), consentToUseEmailForCare: null,
    hin: s('hin'), ver: s('ver'), hcType: s('hcType'), hcRenewDate: day('hcRenewDate'), effDate: day('effDate'),
    rosterStatus: s('rosterStatus'), rosterDate: day('rosterDate'), rosterTerminationDate: day('rosterTerminationDate'),
    rosterTerminationReason: s('rosterTerminationReason'), rosterEnrolledTo: null,
    patientStatus: s('patientStatus') ?? '', patientStatusDate: day('patientStatusDate'),
    dateJoined: day('dateJoined') ?? dateJoined, endDate: day('endDate'), chartNo: s('chartNo'), providerNo: s('providerNo'),
    familyDoctor: s('familyDoctor'), officialLanguage: s('officialLanguage'), spokenLanguage: s('spokenLanguage'),
    countryOfOrigin: s('countryOfOrigin'), newsletter: s('newsletter'), pcnIndicator: s('pcnIndicator'),
    previousAddress: s('previousAddress'), children: s('children'), sourceOfIncome: s('sourceOfIncome'),
    citizenship: s('citizenship'), sin: s('sin'), anonymous: s('anonymous'), genderId: null, pronounId: null,
    lastUpdateUser: callerOf(ctx).security.providerNo ?? '', lastUpdateDate: ctx.store.nowLocal(),
  };
}

function addDemographic(ctx: CallContext, t: ArgObject | null): number {
  if (t === null) throw serverFault('Fault occurred while processing.'); // copyTo on a null transfer: a message-less NPE
  if (field.int(t, 'demographicNo') !== null) throw exceptionFault(ctx, 'Demographic number can not be specified on creation. It is automatically generated.');
  const hin = field.str(t, 'hin')?.trim() || null;
  // HinValidationService.validateNoDuplication (the province-specific HIN check is not reproduced)
  if (hin !== null && ctx.store.data.demographics.some((d) => equalsCi(d.hin, hin))
    && !(equalsCi(field.str(t, 'hcType'), 'BC') && field.str(t, 'ver') === '66')) throw serverFault('Duplicate Hin');
  const errors = validationErrors(t);
  if (errors) throw exceptionFault(ctx, errors);
  const id = ctx.store.nextId('demographic');
  ctx.store.insertDemographic(rowFrom(t, id, ctx, ctx.store.nowLocal().slice(0, 10)));
  return id;
}

function updateDemographic(ctx: CallContext, t: ArgObject | null): null {
  if (t === null) throw serverFault('Fault occurred while processing.');
  const id = field.int(t, 'demographicNo');
  if (id === null) throw exceptionFault(ctx, 'You must specify a demographic number.');
  const row = ctx.store.demographic(id);
  if (!row) throw exceptionFault(ctx, `Demographic ${id} doesn't exist.`);
  const errors = validationErrors(t);
  if (errors) throw exceptionFault(ctx, errors);
  Object.assign(row, rowFrom(t, id, ctx, ctx.store.nowLocal().slice(0, 10)));
  return null;
}

export const junoDemographicOperations: OperationDef[] = [
  {
    name: 'addDemographic', params: [['arg0', 'demographicTransfer'], ['arg1', 'demographicIntegrationTransfer']], returns: 'int',
    faults: ['Exception'], handler: (a, ctx) => addDemographic(ctx, a.obj('arg0')),
  },
  {
    name: 'updateDemographic', params: [['arg0', 'demographicTransfer']], returns: 'void',
    faults: ['Exception'], handler: (a, ctx) => updateDemographic(ctx, a.obj('arg0')),
  },
  {
    name: 'getDemographicByHealthNumber', params: [['arg0', 'string'], ['arg1', 'string']], returns: 'demographicTransfer',
    faults: ['Exception'],
    handler: (a, ctx) => {
      const hin = a.str('arg0');
      if (hin === null || hin === '') throw exceptionFault(ctx, 'null or empty health numbers are not permitted');
      const ver = a.str('arg1');
      const row = [...ctx.store.data.demographics].sort((x, y) => x.demographicNo - y.demographicNo)
        .find((d) => equalsCi(d.hin, hin) && (ver === null || ver === '' || equalsCi(d.ver, ver)));
      return row ? demographicTransfer(row, ctx.store, ctx.tz, { withExt: true, v2: false }) : null;
    },
  },
];

/** Juno's ProviderWs.getProviderProperties returns a single ProviderPropertyTransfer, not an array (variants §3 card H). */
export const junoProviderProperties: OperationDef = {
  name: 'getProviderProperties', params: [['arg0', 'string'], ['arg1', 'string']], returns: 'providerPropertyTransfer', handler: () => null,
};

export const junoScheduleOperations: OperationDef[] = [
  {
    // ScheduleManager.getAppointment then setStatus(Appointment.CANCELLED = "C"); an unknown id is a message-less NPE.
    name: 'cancelAppointment', params: [['arg0', 'int']], returns: 'void',
    handler: (a, ctx) => {
      const id = a.int('arg0');
      const row = id === null ? undefined : ctx.store.appointment(id);
      if (!row) throw serverFault('Fault occurred while processing.');
      row.status = 'C';
      row.lastUpdateUser = callerOf(ctx).security.providerNo ?? '';
      row.updateDateTime = ctx.store.nowLocal();
      return null;
    },
  },
];
