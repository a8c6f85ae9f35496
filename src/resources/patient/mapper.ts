// Patient ⇄ OSCAR demographic (mapping §2). REST DemographicTo1 and SOAP
// DemographicTransfer(2) are first reduced to one DemographicFacts shape, so the same record
// yields the same Patient whichever API it was read through.

import type { Address, ContactPoint, HumanName, Identifier, Patient } from 'fhir/r4.js';
import type { DemographicTo1, DemographicTransfer, DemographicTransfer2 } from '../../oscar/types.js';
import { isValidCalendarDate } from '../../time/zone.js';
import { nonBlank } from '../without-empty.js';
import { isLocalSystem, localSystem, type MappingConfig } from '../mapping-config.js';
import type { MappingError } from '../mapping-errors.js';
import { fhirCalendarDate, restDayMs, restMsOfDate, xsDate, xsInstant } from '../oscar-dates.js';
import { practitionerRef, referencedId } from '../references.js';
import { CA_BASELINE_PROFILES, IDENTIFIER_VERSION_EXTENSION, SYSTEMS } from '../systems.js';
import {
  ACTIVE_STATUS, DECEASED_STATUS, DEMOGRAPHIC_LIMITS, GENDER_TO_SEX, INACTIVE_STATUS, OFFICIAL_LANGUAGES, SEX_TO_GENDER,
} from './demographic-codes.js';
import { CANADIAN_PROVINCES, HEALTH_CARD_INPUT_ALIASES, HEALTH_CARD_SYSTEMS, LEGACY_HC_TYPES } from './health-card-systems.js';

// ---------- health-card systems ----------

// Looked up once per mapped Patient, by a string read from the answer: a Map (measured with
// officialLanguageOf's below, bench/reply-cpu.ts: the mapper stage 5-8 % less than a computed key
// on the record and a scan of its keys).
const SYSTEM_BY_HC_TYPE: ReadonlyMap<string, string> = new Map(Object.entries(HEALTH_CARD_SYSTEMS));

/** JHN system for an OSCAR hc_type (legacy NF/PQ included), or undefined for OT/unknown/blank. */
export function hcnSystemFor(hcType: string | null | undefined): string | undefined {
  const t = nonBlank(hcType)?.toUpperCase();
  return t ? SYSTEM_BY_HC_TYPE.get(t) : undefined;
}

/**
 * OSCAR hc_type for a health-card identifier system, accepting every emitted system and the two
 * eHealth Ontario aliases (mapping §8.2); undefined when the system is not a known one.
 */
export function hcTypeForSystem(system: string | null | undefined): string | undefined {
  const s = nonBlank(system);
  if (!s) return undefined;
  const alias = HEALTH_CARD_INPUT_ALIASES[s];
  if (alias) return alias;
  for (const [type, sys] of Object.entries(HEALTH_CARD_SYSTEMS)) if (sys === s && !LEGACY_HC_TYPES[type]) return type;
  return undefined;
}

// ---------- OSCAR → FHIR ----------

interface AddressFacts { line?: string; city?: string; province?: string; postal?: string }

/** One demographic record, whichever API it came from. Dates are already FHIR strings. */
export interface DemographicFacts {
  demographicNo?: number; chartNo?: string;
  hin?: string; ver?: string; hcType?: string; hcEffective?: string; hcRenew?: string;
  patientStatus?: string;
  lastName?: string; firstName?: string; middleNames?: string; title?: string; alias?: string; sex?: string;
  dobYear?: string; dobMonth?: string; dobDay?: string;
  homePhone?: string; workPhone?: string; cellPhone?: string; email?: string;
  mailing: AddressFacts; residential?: AddressFacts;
  officialLanguage?: string; providerNo?: string; providerDisplay?: string; lastUpdated?: string;
}

export interface PatientMappingOptions {
  /** Display for the generalPractitioner reference (SOAP transfers carry no provider name). */
  providerDisplay?: string;
}

export const DEMO_CELL = 'demo_cell';

export function patientFromSoap(t: DemographicTransfer | DemographicTransfer2, cfg: MappingConfig, opts: PatientMappingOptions = {}): Patient {
  const tz = cfg.timezone;
  const t2 = t as DemographicTransfer2;
  return buildPatient({
    demographicNo: t.demographicNo,
    chartNo: nonBlank(t.chartNo),
    hin: nonBlank(t.hin), ver: nonBlank(t.ver), hcType: nonBlank(t.hcType),
    hcEffective: xsDate(t.effDate, tz), hcRenew: xsDate(t.hcRenewDate, tz),
    patientStatus: nonBlank(t.patientStatus),
    lastName: nonBlank(t.lastName), firstName: nonBlank(t.firstName), middleNames: nonBlank(t2.middleNames),
    title: nonBlank(t.title), alias: nonBlank(t.alias), sex: nonBlank(t.sex),
    // contract 4.5: SOAP dateOfBirth is the DAY of month.
    dobYear: nonBlank(t.yearOfBirth), dobMonth: nonBlank(t.monthOfBirth), dobDay: nonBlank(t.dateOfBirth),
    homePhone: nonBlank(t.phone), workPhone: nonBlank(t.phone2), cellPhone: nonBlank(t.cellPhone), email: nonBlank(t.email),
    mailing: { line: nonBlank(t.address), city: nonBlank(t.city), province: nonBlank(t.province), postal: nonBlank(t.postal) },
    residential: {
      line: nonBlank(t2.residentialAddress), city: nonBlank(t2.residentialCity),
      province: nonBlank(t2.residentialProvince), postal: nonBlank(t2.residentialPostal),
    },
    officialLanguage: nonBlank(t.officialLanguage),
    providerNo: nonBlank(t.providerNo),
    providerDisplay: nonBlank(opts.providerDisplay),
    lastUpdated: xsInstant(t.lastUpdateDate, tz),
  }, cfg);
}

/** The family name and given names of the official name, as buildPatient writes them. */
export interface NameParts { family?: string; given: string[] }

/** Blank parts already dropped (nonBlank): the middle names are split into given names of their own. */
export function namePartsOf(lastName: string | undefined, firstName: string | undefined, middleNames: string | undefined): NameParts {
  return { family: lastName, given: [firstName, ...(middleNames ? middleNames.split(/\s+/) : [])].filter((g): g is string => !!g) };
}

/**
 * A SOAP row's official name parts without mapping the row: the columns read as patientFromSoap
 * reads them, made into parts by the code buildPatient uses, so a name search can test a row
 * before mapping it (search-match.ts rowMatchesNames).
 */
export function soapNameParts(t: DemographicTransfer | DemographicTransfer2): NameParts {
  return namePartsOf(nonBlank(t.lastName), nonBlank(t.firstName), nonBlank((t as DemographicTransfer2).middleNames));
}

/**
 * YYYY-MM-DD, or a shorter precision when later parts are blank or invalid; undefined without a year
 * (four ASCII digits, not starting with 0; a month and a day of one or two). Read a character at a
 * time: the three patterns this replaces were a twentieth of the Patient mapper's time over the
 * 50-result page (bench/reply-cpu.ts: the mapper 257-260 against 267-274 µs).
 */
export function birthDateOf(year?: string, month?: string, day?: string): string | undefined {
  if (year?.length !== 4 || !(digitAt(year, 0) >= 1 && digitAt(year, 1) >= 0 && digitAt(year, 2) >= 0 && digitAt(year, 3) >= 0)) return undefined;
  const m = month === undefined ? NaN : oneOrTwoDigits(month);
  if (!(m >= 1 && m <= 12)) return year;
  const mm = month!.length === 1 ? `0${month}` : month!;
  const d = day === undefined ? NaN : oneOrTwoDigits(day);
  if (!isValidCalendarDate(Number(year), m, d)) return `${year}-${mm}`;
  return `${year}-${mm}-${day!.length === 1 ? `0${day}` : day}`;
}

/** The ASCII digit at `i` as a number, or NaN. */
function digitAt(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}

/** The number one or two ASCII digits spell, or NaN. */
function oneOrTwoDigits(s: string): number {
  if (s.length === 1) return digitAt(s, 0);
  return s.length === 2 ? digitAt(s, 0) * 10 + digitAt(s, 1) : NaN;
}

function codingOf(system: string, code: string, display: string): { coding: { code: string; display: string; system: string }[] } {
  return { coding: [{ code, display, system }] };
}

// buildPatient writes each member only when it holds something, in canonical order
// (src/fhir/canonical-order.ts): the Patient withoutEmpty would make of the mapper's free-form
// object (mapping §1.7), made directly. withoutEmpty walked the ~80 parts of every Patient to find
// nothing to drop on nearly every one: a third of the mapper's time over the 50-result page
// (bench/results.md, "SOAP reading CPU"). test/mappers/patient-no-empty.test.ts holds the two
// equal over blank and missing facts.

/** Whether `s` is a string withoutEmpty keeps: not blank (`trim()` leaves something). */
function filled(s: string | undefined): s is string {
  if (typeof s !== 'string' || s.length === 0) return false;
  const c = s.charCodeAt(0);
  return (c > 32 && c < 127) || s.trim() !== '';
}

function hasAddress(a: AddressFacts | undefined): a is AddressFacts {
  return !!a && !!(a.line || a.city || a.province || a.postal);
}

function sameAddress(a: AddressFacts, b: AddressFacts): boolean {
  const n = (s?: string): string => (s ?? '').replace(/\s+/g, '').toUpperCase();
  return n(a.line) === n(b.line) && n(a.city) === n(b.city) && n(a.province) === n(b.province) && n(a.postal) === n(b.postal);
}

function fhirAddress(a: AddressFacts, type?: Address['type']): Address {
  const out: Address = {};
  if (filled(a.city)) out.city = a.city;
  if (a.province !== undefined && CANADIAN_PROVINCES.has(a.province.toUpperCase())) out.country = 'CA';
  if (filled(a.line)) out.line = [a.line];
  if (filled(a.postal)) out.postalCode = a.postal;
  if (filled(a.province)) out.state = a.province;
  if (type !== undefined) out.type = type;
  out.use = 'home';
  return out;
}

function addTelecom(to: ContactPoint[], system: ContactPoint['system'], value: string | undefined, use?: ContactPoint['use']): void {
  if (!value) return; // CA Baseline: telecom.system and .value 1..1
  const point: ContactPoint = { system };
  if (use !== undefined) point.use = use;
  if (filled(value)) point.value = value;
  to.push(point);
}

/** A period of `start` and `end`, those that hold something; undefined when neither does. */
function periodOf(start: string | undefined, end: string | undefined): { end?: string; start?: string } | undefined {
  const e = filled(end);
  const s = filled(start);
  return e ? (s ? { end, start } : { end }) : s ? { start } : undefined;
}

/** OFFICIAL_LANGUAGES by their names in lower case: OSCAR's officialLanguage matched whatever its case. */
const LANGUAGE_BY_NAME: ReadonlyMap<string, { code: string; display: string }> = new Map(
  Object.entries(OFFICIAL_LANGUAGES).map(([name, language]) => [name.toLowerCase(), language]),
);

function officialLanguageOf(name: string | undefined): { code: string; display: string } | undefined {
  return name ? LANGUAGE_BY_NAME.get(name.toLowerCase()) : undefined;
}

export function buildPatient(f: DemographicFacts, cfg: MappingConfig): Patient {
  const identifiers: Identifier[] = [];
  const jhnSystem = hcnSystemFor(f.hcType);
  // per-1: a period whose end precedes its start is invalid FHIR; keep the start only.
  const end = f.hcEffective && f.hcRenew && f.hcRenew < f.hcEffective ? undefined : f.hcRenew;
  if (f.hin) {
    const period = periodOf(f.hcEffective, end);
    const card: Identifier = {};
    if (jhnSystem) {
      if (f.ver) card.extension = [filled(f.ver) ? { url: IDENTIFIER_VERSION_EXTENSION, valueString: f.ver } : { url: IDENTIFIER_VERSION_EXTENSION }];
      if (period) card.period = period;
      card.system = jhnSystem;
      card.type = codingOf(SYSTEMS.v2IdentifierType, 'JHN', 'Jurisdictional health number (Canada)');
    } else {
      // mapping §8.1: OT / out-of-country cards have no JHN system; keep the number locally.
      if (f.hcType && filled(f.hcType)) card.assigner = { display: f.hcType };
      if (period) card.period = period;
      card.system = localSystem(cfg, 'healthCard');
    }
    if (filled(f.hin)) card.value = f.hin;
    identifiers.push(card);
  }
  if (f.demographicNo !== undefined) {
    identifiers.push({ system: localSystem(cfg, 'demographicNo'), type: codingOf(SYSTEMS.v2IdentifierType, 'MR', 'Medical record number'), use: 'usual', value: String(f.demographicNo) });
  }
  if (f.chartNo) {
    const chart: Identifier = { system: localSystem(cfg, 'chartNo'), type: codingOf(SYSTEMS.v2IdentifierType, 'MR', 'Medical record number') };
    if (filled(f.chartNo)) chart.value = f.chartNo;
    identifiers.push(chart);
  }

  const official = namePartsOf(f.lastName, f.firstName, f.middleNames);
  const name: HumanName = {};
  if (filled(official.family)) name.family = official.family;
  const given = official.given.filter((g) => filled(g));
  if (given.length) name.given = given;
  if (filled(f.title)) name.prefix = [f.title];
  name.use = 'official';
  const names: HumanName[] = [name];
  if (f.alias) names.push(filled(f.alias) ? { text: f.alias, use: 'nickname' } : { use: 'nickname' });

  const addresses: Address[] = [];
  if (hasAddress(f.mailing)) addresses.push(fhirAddress(f.mailing));
  if (hasAddress(f.residential) && !(hasAddress(f.mailing) && sameAddress(f.mailing, f.residential))) {
    addresses.push(fhirAddress(f.residential, 'physical'));
  }

  const language = officialLanguageOf(f.officialLanguage);
  const gp = practitionerRef(f.providerNo, f.providerDisplay);
  const birthDate = birthDateOf(f.dobYear, f.dobMonth, f.dobDay);
  const telecom: ContactPoint[] = [];
  addTelecom(telecom, 'phone', f.homePhone, 'home');
  addTelecom(telecom, 'phone', f.workPhone, 'work');
  addTelecom(telecom, 'phone', f.cellPhone, 'mobile');
  addTelecom(telecom, 'email', f.email);

  const p: Patient = { resourceType: 'Patient' };
  if (f.demographicNo !== undefined) p.id = String(f.demographicNo);
  p.meta = filled(f.lastUpdated) ? { lastUpdated: f.lastUpdated, profile: [CA_BASELINE_PROFILES.Patient] } : { profile: [CA_BASELINE_PROFILES.Patient] };
  if (f.patientStatus !== undefined) p.active = f.patientStatus === ACTIVE_STATUS;
  if (addresses.length) p.address = addresses;
  if (birthDate !== undefined) p.birthDate = birthDate;
  if (language) p.communication = [{ language: { coding: [{ code: language.code, display: language.display, system: SYSTEMS.bcp47 }], text: language.display }, preferred: true }];
  if (f.patientStatus === DECEASED_STATUS) p.deceasedBoolean = true;
  if (f.sex) p.gender = SEX_TO_GENDER[f.sex.toUpperCase()] ?? 'unknown';
  if (gp && gp.reference) p.generalPractitioner = [filled(gp.display) ? gp : { reference: gp.reference }];
  if (identifiers.length) p.identifier = identifiers;
  p.name = names;
  if (telecom.length) p.telecom = telecom;
  return p;
}

// ---------- FHIR → OSCAR ----------

export interface DemographicWrite {
  /** Full DemographicTo1 for POST/PUT /demographics: the current record with the FHIR changes applied. */
  to: DemographicTo1;
  /** FHIR elements present in the Patient that OSCAR cannot store (for an information issue). */
  notStored: string[];
  /** Why OSCAR cannot store this Patient at all (422). */
  errors: MappingError[];
}

/** A blank DemographicTo1 with every property the REST API knows (unknown properties are a 400, contract 1.3). */
export function emptyDemographic(): DemographicTo1 {
  const address = (): DemographicTo1['address'] => ({ province: '', postal: '', city: '', address: '' });
  return {
    demographicNo: null, address: address(), phone: '', alternativePhone: '', patientStatus: ACTIVE_STATUS,
    patientStatusDate: null, rosterStatus: '', providerNo: '', hin: '', ver: '', dateOfBirth: null,
    dobYear: '', dobMonth: '', dobDay: '', sex: '', sexDesc: null, dateJoined: null, familyDoctor: null,
    firstName: '', lastName: '', hcRenewDate: null, pcnIndicator: null, endDate: null, hcType: '', chartNo: '',
    email: '', effDate: null, rosterDate: null, rosterTerminationDate: null, rosterTerminationReason: '', links: '',
    alias: '', previousAddress: { province: null, postal: null, city: null, address: '' }, children: '',
    sourceOfIncome: '', citizenship: '', sin: '', anonymous: null, spokenLanguage: '', activeCount: 0,
    hsAlertCount: 0, displayName: null, provider: null, lastUpdateUser: null, lastUpdateDate: null, title: '',
    officialLanguage: '', countryOfOrigin: null, newsletter: null, nurse: null, resident: null, alert: null,
    midwife: null, notes: null, waitingListID: null, waitingListNote: null, onWaitingListSinceDate: null, age: null,
    admissionProgramId: null, middleNames: '', gender: '', pronoun: '', genderId: null, pronounId: null,
    cellPhone: '', phoneComment: null, demoContacts: [], demoContactPros: [], extras: [],
  };
}

/** FHIRPath reported when a DemographicTo1 field exceeds its column width. */
const LIMIT_EXPRESSIONS: Readonly<Record<string, string>> = {
  lastName: 'Patient.name.family', firstName: 'Patient.name.given', middleNames: 'Patient.name.given',
  title: 'Patient.name.prefix', hin: 'Patient.identifier', ver: 'Patient.identifier.extension', chartNo: 'Patient.identifier',
  phone: 'Patient.telecom', alternativePhone: 'Patient.telecom', postal: 'Patient.address.postalCode',
  province: 'Patient.address.state', email: 'Patient.telecom',
};

/** Patient elements OSCAR's demographic has no column for. */
const UNSTORED_ELEMENTS = [
  'extension', 'modifierExtension', 'maritalStatus', 'multipleBirthBoolean', 'multipleBirthInteger', 'photo',
  'contact', 'link', 'managingOrganization', 'deceasedDateTime',
] as const;

function isJhnType(id: Identifier): boolean {
  return !!id.type?.coding?.some((c) => c.system === SYSTEMS.v2IdentifierType && c.code === 'JHN');
}

/** A FHIR date for a REST date-only column; `current` (OSCAR's own value) is kept when it already names that day. */
function msOfFhirDate(value: string | undefined, current: number | null, cfg: MappingConfig): number | null {
  const d = fhirCalendarDate(value, cfg.timezone);
  return d ? restDayMs(d, current, cfg.timezone) : null;
}

export function patientToDemographic(p: Patient, current: DemographicTo1 | undefined, cfg: MappingConfig): DemographicWrite {
  const errors: MappingError[] = [];
  const notStored: string[] = [];
  const to: DemographicTo1 = current ? structuredClone(current) : emptyDemographic();
  const tz = cfg.timezone;

  for (const k of UNSTORED_ELEMENTS) if (p[k] !== undefined) notStored.push(`Patient.${k}`);

  applyNames(p, to, errors, notStored);
  applyIdentifiers(p, to, current, cfg, errors, notStored);
  applyTelecom(p, to, notStored);
  applyAddress(p, to, notStored);

  // gender → sex ('other' keeps an existing O rather than turning it into X)
  if (!p.gender) errors.push({ expression: 'Patient.gender', message: 'OSCAR requires a sex: gender is missing' });
  else to.sex = p.gender === 'other' && current?.sex === 'O' ? 'O' : GENDER_TO_SEX[p.gender];

  // birthDate: OSCAR stores three parts and cannot mark a partial date (contract 7.21).
  const full = p.birthDate && /^(\d{4})-(\d{2})-(\d{2})$/.exec(p.birthDate);
  if (!p.birthDate) errors.push({ expression: 'Patient.birthDate', message: 'OSCAR requires a birth date' });
  else if (!full) errors.push({ expression: 'Patient.birthDate', message: 'OSCAR can only store a full birth date (YYYY-MM-DD)' });
  else {
    [, to.dobYear = '', to.dobMonth = '', to.dobDay = ''] = full;
    to.dateOfBirth = restMsOfDate(p.birthDate, tz); // contract 7.25: local midnight, never a bare date string
  }

  // status: deceased wins; active=false keeps a specific inactive status (MO, FI…) already recorded.
  const was = nonBlank(current?.patientStatus);
  if (p.deceasedBoolean === true || p.deceasedDateTime) to.patientStatus = DECEASED_STATUS;
  else if (p.active === false) to.patientStatus = was && was !== ACTIVE_STATUS && was !== DECEASED_STATUS ? was : INACTIVE_STATUS;
  else if (p.active === true || was === DECEASED_STATUS || !was) to.patientStatus = ACTIVE_STATUS;

  // communication → officialLanguage (en / fr only)
  const comms = p.communication ?? [];
  const chosen = comms.findIndex((c) => c.preferred) >= 0 ? comms.findIndex((c) => c.preferred) : 0;
  to.officialLanguage = '';
  comms.forEach((c, i) => {
    const code = c.language.coding?.find((x) => x.system === SYSTEMS.bcp47)?.code?.toLowerCase().split('-')[0];
    const name = Object.keys(OFFICIAL_LANGUAGES).find((k) => OFFICIAL_LANGUAGES[k]?.code === code);
    if (i === chosen && name) to.officialLanguage = name;
    else notStored.push(`Patient.communication[${i}]`);
  });

  // generalPractitioner → MRP provider number
  const gps = p.generalPractitioner ?? [];
  const gpIndex = gps.findIndex((r) => referencedId(r, 'Practitioner') !== undefined);
  const providerNo = gpIndex >= 0 ? referencedId(gps[gpIndex], 'Practitioner') ?? '' : '';
  gps.forEach((_, i) => { if (i !== gpIndex) notStored.push(`Patient.generalPractitioner[${i}]`); });
  if (providerNo !== (current?.providerNo ?? '')) to.provider = null; // the embedded MRP object would contradict the new number
  to.providerNo = providerNo;

  keepAbsentValues(to, current);

  for (const [field, limit] of Object.entries(DEMOGRAPHIC_LIMITS)) {
    const v = field === 'postal' || field === 'province' ? to.address[field] : to[field];
    if (typeof v === 'string' && v.length > limit) {
      errors.push({ expression: LIMIT_EXPRESSIONS[field] ?? 'Patient', message: `OSCAR stores at most ${limit} characters here` });
    }
  }
  return { to, notStored, errors };
}

const CLEARABLE_TEXT = [
  'phone', 'alternativePhone', 'email', 'cellPhone', 'chartNo', 'title', 'middleNames', 'alias', 'hin', 'ver',
  'hcType', 'officialLanguage', 'providerNo',
] as const;
const CLEARABLE_ADDRESS = ['address', 'city', 'province', 'postal'] as const;

/**
 * The mapping writes '' for "no value"; where the current record already has no value (NULL or
 * blank) keep it as it is, so an update changes only what the Patient changed.
 */
function keepAbsentValues(to: DemographicTo1, current: DemographicTo1 | undefined): void {
  if (!current) return;
  const keep = (next: string | null, was: string | null | undefined): string | null =>
    next === '' && was !== undefined && (was === null || was.trim() === '') ? was : next;
  for (const f of CLEARABLE_TEXT) to[f] = keep(to[f], current[f]);
  for (const f of CLEARABLE_ADDRESS) to.address[f] = keep(to.address[f], current.address?.[f]);
}

function applyNames(p: Patient, to: DemographicTo1, errors: MappingError[], notStored: string[]): void {
  const names = p.name ?? [];
  let official = names.findIndex((n) => n.use === 'official');
  if (official < 0) official = names.findIndex((n) => n.use === undefined || n.use === 'usual');
  const nickname = names.findIndex((n) => n.use === 'nickname');
  names.forEach((n, i) => {
    if (i === official) {
      if (n.suffix?.length) notStored.push(`Patient.name[${i}].suffix`);
      if ((n.prefix?.length ?? 0) > 1) notStored.push(`Patient.name[${i}].prefix`);
      if (n.period) notStored.push(`Patient.name[${i}].period`);
    } else if (i !== nickname) notStored.push(`Patient.name[${i}]`);
  });
  const o = official >= 0 ? names[official] : undefined;
  const family = nonBlank(o?.family);
  const given = (o?.given ?? []).map(nonBlank).filter((g): g is string => !!g);
  if (!family) errors.push({ expression: 'Patient.name.family', message: 'OSCAR requires a family name' });
  if (!given[0]) errors.push({ expression: 'Patient.name.given', message: 'OSCAR requires a given name' });
  to.lastName = family ?? '';
  to.firstName = given[0] ?? '';
  to.middleNames = given.slice(1).join(' ');
  to.title = nonBlank(o?.prefix?.[0]) ?? '';
  const nick = nickname >= 0 ? names[nickname] : undefined;
  to.alias = nonBlank(nick?.text) ?? nonBlank([...(nick?.given ?? []), nick?.family].filter(Boolean).join(' ')) ?? '';
}

function applyIdentifiers(
  p: Patient, to: DemographicTo1, current: DemographicTo1 | undefined, cfg: MappingConfig,
  errors: MappingError[], notStored: string[],
): void {
  const jhns: { index: number; id: Identifier; hcType: string }[] = [];
  let localCard: Identifier | undefined;
  let chartNo: string | undefined;
  (p.identifier ?? []).forEach((id, i) => {
    const system = nonBlank(id.system);
    const hcType = hcTypeForSystem(system);
    if (hcType || isJhnType(id)) {
      if (!hcType) errors.push({ expression: `Patient.identifier[${i}].system`, message: 'Health card number with an unknown province system' });
      else jhns.push({ index: i, id, hcType });
    } else if (isLocalSystem(cfg, system, 'demographicNo')) {
      // server-assigned: the record number comes from the URL / current record, never from the body
    } else if (isLocalSystem(cfg, system, 'chartNo') && chartNo === undefined) chartNo = nonBlank(id.value) ?? '';
    else if (isLocalSystem(cfg, system, 'healthCard') && !localCard) localCard = id;
    else notStored.push(`Patient.identifier[${i}]`);
  });
  to.chartNo = chartNo ?? '';

  if (jhns.length > 1) {
    errors.push({ expression: 'Patient.identifier', message: 'OSCAR stores one health card number: more than one JHN identifier' });
    return;
  }
  const jhn = jhns[0];
  const card = jhn?.id ?? localCard;
  if (!card) {
    to.hin = ''; to.ver = ''; to.effDate = null; to.hcRenewDate = null; // hcType kept: harmless without a number
    return;
  }
  const value = nonBlank(card.value);
  if (!value) errors.push({ expression: `Patient.identifier[${jhn?.index ?? 0}].value`, message: 'Health card identifier without a value' });
  to.hin = value ?? '';
  to.ver = nonBlank(card.extension?.find((e) => e.url === IDENTIFIER_VERSION_EXTENSION)?.valueString) ?? '';
  to.effDate = msOfFhirDate(card.period?.start, to.effDate, cfg);
  to.hcRenewDate = msOfFhirDate(card.period?.end, to.hcRenewDate, cfg);
  const was = nonBlank(current?.hcType);
  if (jhn) {
    // keep a legacy spelling (NF, PQ) when it denotes the same province
    to.hcType = was && hcnSystemFor(was) === hcnSystemFor(jhn.hcType) ? was : jhn.hcType;
  } else {
    const assigner = nonBlank(card.assigner?.display);
    to.hcType = assigner && !hcnSystemFor(assigner) ? assigner : was && !hcnSystemFor(was) ? was : 'OT';
  }
}

function applyTelecom(p: Patient, to: DemographicTo1, notStored: string[]): void {
  const slots: Record<'home' | 'work' | 'mobile' | 'email', string | undefined> = { home: undefined, work: undefined, mobile: undefined, email: undefined };
  (p.telecom ?? []).forEach((c, i) => {
    const value = nonBlank(c.value);
    let slot: keyof typeof slots | undefined;
    if (c.system === 'email') slot = 'email';
    else if (c.system === 'phone') slot = c.use === 'work' ? 'work' : c.use === 'mobile' ? 'mobile' : c.use === undefined || c.use === 'home' ? 'home' : undefined;
    if (slot && value && slots[slot] === undefined) slots[slot] = value;
    else notStored.push(`Patient.telecom[${i}]`);
  });
  to.phone = slots.home ?? '';
  to.alternativePhone = slots.work ?? '';
  to.email = slots.email ?? '';
  to.cellPhone = slots.mobile ?? '';
  // contract 7.24: a PUT persists the cell number only through the demo_cell entry of extras.
  const extras = [...(to.extras ?? [])];
  const at = extras.findIndex((e) => e.key === DEMO_CELL);
  if (at >= 0) extras[at] = { ...extras[at]!, value: to.cellPhone };
  else if (to.cellPhone) {
    extras.push({ id: null, demographicNo: to.demographicNo, providerNo: null, key: DEMO_CELL, value: to.cellPhone, dateCreated: null, hidden: false });
  }
  to.extras = extras;
}

function applyAddress(p: Patient, to: DemographicTo1, notStored: string[]): void {
  const all = p.address ?? [];
  const homes = all.map((a, i) => ({ a, i })).filter(({ a }) => a.use === undefined || a.use === 'home');
  const mailing = homes.find(({ a }) => a.type !== 'physical') ?? homes[0];
  all.forEach((a, i) => {
    // contract 7.24: the REST object has no residential address (and a PUT clears it).
    if (i !== mailing?.i) notStored.push(`Patient.address[${i}]`);
  });
  const a = mailing?.a;
  if (a && a.country && !/^(ca|can|canada)$/i.test(a.country.trim())) notStored.push(`Patient.address[${mailing.i}].country`);
  if (a?.district) notStored.push(`Patient.address[${mailing!.i}].district`);
  const lines = (a?.line ?? []).map(nonBlank).filter(Boolean).join(', ');
  to.address = {
    ...to.address,
    address: nonBlank(lines) ?? (a && !a.line?.length ? nonBlank(a.text) : undefined) ?? '',
    city: nonBlank(a?.city) ?? '',
    province: nonBlank(a?.state) ?? '',
    postal: nonBlank(a?.postalCode) ?? '',
  };
}
