// DemographicConverter.getAsDomainObject (contract 3.1, 7.24, 7.25): the domain object is rebuilt
// from the request TO, so whatever the TO omits (or cannot carry) is written as null.

import { wallClockOf, wallDateOf } from '../wall-clock.js';
import type { DemographicExtRow, DemographicRow } from '../clinic/model.js';
import type { ClinicStore } from '../clinic/store.js';
import type { FieldType, JsonEntity, Schema } from './body.js';
import { DEMOGRAPHIC_DATE_FIELDS, type DemographicDates, type DemographicDomain } from './demographic-to.js';
import { ContainerError } from './errors.js';

const ADDRESS: Schema = { province: 'String', postal: 'String', city: 'String', address: 'String' };
export const PROVIDER_TO1: Schema = {
  providerNo: 'String', lastName: 'String', firstName: 'String', name: 'String', comments: 'String', phone: 'String',
  billingNo: 'String', workPhone: 'String', address: { object: ADDRESS }, team: 'String', enabled: 'boolean',
  providerType: 'String', sex: 'String', ohipNo: 'String', specialty: 'String', dob: 'Date', hsoNo: 'String',
  providerActivity: 'String', rmaNo: 'String', signedConfidentiality: 'Date', practitionerNo: 'String',
  practitionerNoType: 'String', email: 'String', title: 'String', lastUpdateUser: 'String', lastUpdateDate: 'Date',
};
const EXT: Schema = {
  id: 'Integer', demographicNo: 'Integer', providerNo: 'String', key: 'String', value: 'String', dateCreated: 'Date', hidden: 'boolean',
};
const CONTACT: Schema = {
  role: 'String', sdm: 'String', ec: 'String', category: 'String', lastName: 'String', firstName: 'String', phone: 'String',
};
const anyList: FieldType = { list: 'any' };

/** Every property of DemographicTo1 (contract 3.7); anything else in a body is a 400. */
export const DEMOGRAPHIC_TO1: Schema = {
  demographicNo: 'Integer', address: { object: ADDRESS }, phone: 'String', alternativePhone: 'String',
  patientStatus: 'String', patientStatusDate: 'Date', rosterStatus: 'String', providerNo: 'String', hin: 'String',
  ver: 'String', dateOfBirth: 'Date', dobYear: 'String', dobMonth: 'String', dobDay: 'String', sex: 'String',
  sexDesc: 'String', dateJoined: 'Date', familyDoctor: 'String', firstName: 'String', lastName: 'String',
  hcRenewDate: 'Date', pcnIndicator: 'String', endDate: 'Date', hcType: 'String', chartNo: 'String', email: 'String',
  effDate: 'Date', rosterDate: 'Date', rosterTerminationDate: 'Date', rosterTerminationReason: 'String',
  links: 'String', alias: 'String', previousAddress: { object: ADDRESS }, children: 'String',
  sourceOfIncome: 'String', citizenship: 'String', sin: 'String', anonymous: 'String', spokenLanguage: 'String',
  activeCount: 'int', hsAlertCount: 'int', displayName: 'String', provider: { object: PROVIDER_TO1 },
  lastUpdateUser: 'String', lastUpdateDate: 'Date', title: 'String', officialLanguage: 'String',
  countryOfOrigin: 'String', newsletter: 'String', nurse: 'String', resident: 'String', alert: 'String',
  midwife: 'String', notes: 'String', waitingListID: 'Integer', waitingListNote: 'String',
  onWaitingListSinceDate: 'Date', age: { object: { days: 'int', months: 'int', years: 'int' } },
  admissionProgramId: 'Integer', middleNames: 'String', gender: 'String', pronoun: 'String', genderId: 'Integer',
  pronounId: 'Integer', cellPhone: 'String', phoneComment: 'String', demoContacts: { list: { object: CONTACT } },
  demoContactPros: { list: { object: CONTACT } }, extras: { list: { object: EXT } },
  doctors: { list: { object: PROVIDER_TO1 } }, nurses: { list: { object: PROVIDER_TO1 } },
  midwives: { list: { object: PROVIDER_TO1 } }, referralDoctors: anyList, waitingListNames: anyList,
  patientStatusList: { list: { object: { value: 'String' } } }, rosterStatusList: { list: { object: { value: 'String' } } },
  allergies: anyList, measurements: anyList, consultationRequests: anyList, consultationResponses: anyList,
  encounterNotes: anyList, documents: anyList, medicationSummary: { list: 'String' },
};

const NPE = (what: string): ContainerError => new ContainerError(`java.lang.NullPointerException: ${what}`);

type Obj = Record<string, unknown>;
const str = (o: Obj, k: string): string | null => (o[k] ?? null) as string | null;
const int = (o: Obj, k: string): number | null => (o[k] ?? null) as number | null;

/** The AddressTo1 of a TO: absent → the TO's default empty address; explicit null → NPE. */
function addressOf(to: Obj, key: 'address' | 'previousAddress'): Obj {
  if (to[key] === null) throw NPE(`${key} is null`);
  return (to[key] ?? {}) as Obj;
}

/** The row a TO turns into. Columns the TO cannot carry (residential address, …) become null. */
export function demographicRowFromTo(to: JsonEntity, demographicNo: number, store: ClinicStore, caller: string): DemographicRow {
  const tz = store.serverZone;
  // contract 7.25: a Date arrives as an instant; the DATE column keeps its calendar day in the server zone
  const date = (k: string): string | null => (to[k] == null ? null : wallDateOf(to[k] as number, tz));
  const address = addressOf(to, 'address');
  const previous = addressOf(to, 'previousAddress');
  const row: DemographicRow = {
    demographicNo, title: str(to, 'title'), lastName: str(to, 'lastName') as string, firstName: str(to, 'firstName') as string,
    middleNames: str(to, 'middleNames'), alias: str(to, 'alias'), sex: str(to, 'sex') as string,
    gender: str(to, 'gender'), pronoun: str(to, 'pronoun'),
    yearOfBirth: str(to, 'dobYear'), monthOfBirth: str(to, 'dobMonth'), dateOfBirth: str(to, 'dobDay'),
    address: str(address, 'address'), city: str(address, 'city'), province: str(address, 'province'), postal: str(address, 'postal'),
    // contract 7.24: DemographicTo1 has no residential address, so an update clears it
    residentialAddress: null, residentialCity: null, residentialProvince: null, residentialPostal: null,
    phone: str(to, 'phone'), phone2: str(to, 'alternativePhone'), email: str(to, 'email'), consentToUseEmailForCare: null,
    hin: str(to, 'hin'), ver: str(to, 'ver'), hcType: str(to, 'hcType'), hcRenewDate: date('hcRenewDate'),
    effDate: date('effDate'), rosterStatus: str(to, 'rosterStatus'), rosterDate: date('rosterDate'),
    rosterTerminationDate: date('rosterTerminationDate'), rosterTerminationReason: str(to, 'rosterTerminationReason'),
    rosterEnrolledTo: null, patientStatus: str(to, 'patientStatus') ?? '', patientStatusDate: date('patientStatusDate'),
    dateJoined: date('dateJoined'), endDate: date('endDate'), chartNo: str(to, 'chartNo'), providerNo: str(to, 'providerNo'),
    familyDoctor: str(to, 'familyDoctor'), officialLanguage: str(to, 'officialLanguage'),
    spokenLanguage: str(to, 'spokenLanguage'), countryOfOrigin: str(to, 'countryOfOrigin'), newsletter: str(to, 'newsletter'),
    pcnIndicator: str(to, 'pcnIndicator'), previousAddress: str(previous, 'address'), children: str(to, 'children'),
    sourceOfIncome: str(to, 'sourceOfIncome'), citizenship: str(to, 'citizenship'), sin: str(to, 'sin'),
    anonymous: str(to, 'anonymous'), genderId: int(to, 'genderId'), pronounId: int(to, 'pronounId'),
    lastUpdateUser: caller, lastUpdateDate: store.nowLocal(),
  };
  for (const col of ['lastName', 'firstName', 'sex'] as const) {
    if (row[col] === null) throw new ContainerError(`org.hibernate.PropertyValueException: not-null property references a null value: Demographic.${col}`);
  }
  return row;
}

/**
 * Saves the TO's `extras` (unique per demographic and key). contract 7.24: this is the only way a
 * cell phone reaches the database; the TO's `cellPhone` is not persisted.
 */
export function saveExtras(store: ClinicStore, to: JsonEntity, demographicNo: number, caller: string): DemographicExtRow[] {
  const saved: DemographicExtRow[] = [];
  for (const ext of (to.extras ?? []) as Obj[]) {
    const key = str(ext, 'key');
    if (key === null) throw new ContainerError('org.hibernate.PropertyValueException: not-null property references a null value: DemographicExt.key');
    const dateCreated = ext.dateCreated == null ? store.nowLocal() : wallClockOf(ext.dateCreated as number, store.serverZone);
    const owner = int(ext, 'demographicNo') ?? demographicNo;
    let row = store.data.demographicExts.find((e) => e.demographicNo === owner && e.key === key);
    if (row) {
      Object.assign(row, { value: str(ext, 'value') ?? '', providerNo: str(ext, 'providerNo') ?? caller, dateCreated, hidden: ext.hidden === true });
    } else {
      row = {
        id: store.nextId('demographicExt'), demographicNo: owner, providerNo: str(ext, 'providerNo') ?? caller, key,
        value: str(ext, 'value') ?? '', dateCreated, hidden: ext.hidden === true,
      };
      store.data.demographicExts.push(row);
    }
    saved.push(row);
  }
  return saved;
}

/** The ProviderTo1 of a request after the converter's round trip through a Provider entity. */
function providerRoundTrip(p: Obj | null): Record<string, unknown> | null {
  if (p === null) return null;
  const last = str(p, 'lastName');
  const first = str(p, 'firstName');
  const addr = (p.address ?? null) as Obj | null;
  return {
    providerNo: str(p, 'providerNo'), lastName: last, firstName: first, name: `${last}, ${first}`,
    comments: str(p, 'comments'), phone: str(p, 'phone'), billingNo: str(p, 'billingNo'), workPhone: str(p, 'workPhone'),
    address: { province: null, postal: null, city: null, address: addr ? str(addr, 'address') : null }, team: str(p, 'team'),
    enabled: p.enabled === true, providerType: str(p, 'providerActivity'),
    sex: p.sex === 'M' || p.sex === 'F' ? p.sex : null, ohipNo: str(p, 'ohipNo'), specialty: str(p, 'specialty'),
    dob: int(p, 'dob'), hsoNo: str(p, 'hsoNo'), providerActivity: str(p, 'providerActivity'), rmaNo: str(p, 'rmaNo'),
    signedConfidentiality: int(p, 'signedConfidentiality'), practitionerNo: str(p, 'practitionerNo'), practitionerNoType: null,
    email: str(p, 'email'), title: str(p, 'title'), lastUpdateUser: str(p, 'lastUpdateUser'), lastUpdateDate: int(p, 'lastUpdateDate'),
  };
}

/** The in-memory Demographic a POST/PUT returns through the converter (its Dates are the TO's instants). */
export function domainFromTo(to: JsonEntity, row: DemographicRow, extras: DemographicExtRow[], nowMs: number): DemographicDomain {
  const dates = Object.fromEntries(DEMOGRAPHIC_DATE_FIELDS.map((f) => [f, (to[f] ?? null) as number | null])) as DemographicDates;
  dates.lastUpdateDate = nowMs; // set by the manager on the same object
  return {
    dates,
    row, sexDesc: str(to, 'sexDesc'), extras, cellPhone: str(to, 'cellPhone'), phoneComment: str(to, 'phoneComment'),
    provider: providerRoundTrip((to.provider ?? null) as Obj | null),
  };
}
