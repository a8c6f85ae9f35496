// Patients (demographic + demographicExt, contract 5.1). Besides random variety, fixed low indices
// carry the edge cases every seed must have (partial birth dates, each inactive status, each sex
// code, each province's card), so tests and demos can rely on them.
import type { DemographicExtRow, DemographicRow, LocalDate, LocalDateTime } from './model.js';
import { addDays, dayNumber, dateOfDay } from './calendar.js';
import { type GenContext, daysAgo, nextId, stampBetween, yesterday } from './gen-context.js';
import { healthCardFor } from './healthcards.js';
import {
  ALIASES, CITIES, type CityInfo, FEMALE_FIRST, LAST, MALE_FIRST, MIDDLE, NEUTRAL_FIRST, OTHER_LANGUAGES, STREETS_EN, STREETS_FR,
} from './names.js';

/** A generated patient plus facts later generators need (age, real birth date, status dates). */
export interface PatientInfo {
  row: DemographicRow;
  /** Full birth date even when the stored one is partial (drives age-appropriate records). */
  birthDate: LocalDate;
  ageYears: number;
  active: boolean;
  /** Last date the patient can have new records (status date for inactive patients). */
  lastSeen: LocalDate;
}

/** Per-index edge cases; indices past the list are random. */
const FORCED: Readonly<Record<number, Partial<{ dob: 'year' | 'yearMonth' | 'blank' | 'null'; status: string; sex: string; hcType: string; province: string; mixedCase: boolean }>>> = {
  1: { dob: 'year' }, 2: { dob: 'yearMonth' }, 3: { dob: 'blank' }, 4: { status: 'DE' }, 5: { status: 'IN' },
  6: { status: 'MO' }, 7: { status: 'FI' }, 8: { sex: 'X' }, 9: { sex: 'U' }, 10: { sex: 'O' },
  11: { hcType: 'OT' }, 12: { hcType: '' }, 13: { province: 'BC' }, 14: { province: 'QC' }, 15: { province: 'AB' },
  16: { province: 'MB' }, 17: { province: 'NS' }, 18: { mixedCase: true }, 19: { dob: 'null' }, 20: { status: 'DE' },
};

const POSTAL_LETTERS = 'ABCEGHJKLMNPRSTVWXYZ';

function titleCase(s: string): string {
  return s.toLowerCase().replace(/(^|[\s\-'.])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

function ascii(s: string): string {
  return s.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
}

function postal(ctx: GenContext, prefix: string): string {
  const { rng } = ctx;
  const code = `${prefix}${rng.int(0, 9)}${rng.chars(1, POSTAL_LETTERS)}${rng.int(0, 9)}${rng.chars(1, POSTAL_LETTERS)}${rng.int(0, 9)}`;
  return rng.chance(0.3) ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}

function phone(ctx: GenContext, city: CityInfo): string {
  const { rng } = ctx;
  const area = rng.pick(city.areaCodes);
  const line = `01${rng.digits(2)}`; // 555-0100…0199: reserved for fiction
  return rng.weighted([[`${area}-555-${line}`, 75], [`(${area}) 555-${line}`, 20], [`${area}555${line}`, 5]]);
}

function streetAddress(ctx: GenContext, province: string): string {
  const { rng } = ctx;
  const street = province === 'QC' || (province === 'NB' && rng.chance(0.3)) ? rng.pick(STREETS_FR) : rng.pick(STREETS_EN);
  return rng.weighted([
    [`${rng.int(1, 2999)} ${street}`, 70],
    [`${rng.int(1, 2400)}-${rng.int(10, 999)} ${street}`, 20],
    [`PO Box ${rng.int(10, 999)}`, 5],
    [`RR ${rng.int(1, 9)}`, 5],
  ]);
}

function pickProvince(ctx: GenContext): string {
  return ctx.rng.weighted([['ON', 72], ['QC', 7], ['BC', 5], ['AB', 4], ['MB', 3], ['NS', 3], ['NB', 1], ['SK', 1], ['NL', 1], ['PE', 1], ['YT', 0.5], ['NT', 0.5], ['NU', 0.5]]);
}

function birthDateFor(ctx: GenContext): { birthDate: LocalDate; age: number } {
  const age = ctx.rng.weighted<readonly [number, number]>([[[0, 2], 6], [[3, 12], 10], [[13, 17], 6], [[18, 39], 28], [[40, 64], 30], [[65, 99], 20]]);
  const days = ctx.rng.int(age[0] * 365 + 1, age[1] * 365 + 364);
  const birthDate = addDays(ctx.today, -days);
  return { birthDate, age: ageOn(birthDate, ctx.today) };
}

export function ageOn(birthDate: LocalDate, date: LocalDate): number {
  let age = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  if (date.slice(5) < birthDate.slice(5)) age--;
  return Math.max(0, age);
}

function ext(ctx: GenContext, demographicNo: number, providerNo: string, key: string, value: string, at: LocalDateTime): DemographicExtRow {
  return { id: nextId(ctx, 'demographicExt'), demographicNo, providerNo, key, value, dateCreated: at, hidden: false };
}

export function generatePatient(ctx: GenContext, index: number, demographicNo: number, exts: DemographicExtRow[]): PatientInfo {
  if (index === 0) return janeDoe(ctx, demographicNo, exts);
  const { rng } = ctx;
  const forced = FORCED[index] ?? {};
  const demoNo = ctx.credentials.providerNo;

  const sex = forced.sex ?? rng.weighted([['F', 48], ['M', 46], ['X', 2], ['U', 2], ['O', 2]]);
  let firstName: string = sex === 'F' ? rng.pick(FEMALE_FIRST) : sex === 'M' ? rng.pick(MALE_FIRST)
    : rng.pick([...NEUTRAL_FIRST, ...FEMALE_FIRST.slice(0, 5), ...MALE_FIRST.slice(0, 5)]);
  let lastName: string = rng.pick(LAST);
  let middleNames = rng.chance(0.25) ? rng.pick(MIDDLE) : '';
  // Most clinics type names in capitals; some records were entered in mixed case.
  if (forced.mixedCase || rng.chance(0.08)) { firstName = titleCase(firstName); lastName = titleCase(lastName); middleNames = titleCase(middleNames); }

  const { birthDate, age } = birthDateFor(ctx);
  const dobKind = forced.dob ?? rng.weighted([['full', 96], ['year', 1.5], ['yearMonth', 1.5], ['blank', 0.5], ['null', 0.5]]);
  const [y, m, d] = [birthDate.slice(0, 4), birthDate.slice(5, 7), birthDate.slice(8, 10)];
  const dob = {
    full: [y, m, d], year: [y, '', ''], yearMonth: [y, m, ''], blank: ['', '', ''], null: [null, null, null],
  }[dobKind] ?? [y, m, d];

  const province = forced.province ?? pickProvince(ctx);
  const city = rng.pick(CITIES[province] ?? CITIES.ON ?? []);
  let hcType = forced.hcType ?? (rng.chance(0.02) ? 'OT' : rng.chance(0.02) ? '' : province);
  if (forced.hcType === undefined && province === 'ON' && rng.chance(0.01)) hcType = 'QC'; // moved, card not yet changed
  const card = healthCardFor(hcType, rng, { lastName, firstName, sex, year: y, month: m, day: d });
  const hin = hcType === '' ? (rng.chance(0.5) ? '' : null) : card.hin;

  const joined = daysAgo(ctx, 30, 20 * 365);
  const status = forced.status ?? rng.weighted([['AC', 88], ['IN', 4], ['DE', 3], ['MO', 3], ['FI', 2]]);
  const statusDate = status === 'AC' ? joined : daysAgo(ctx, 20, Math.max(21, dayNumber(ctx.today) - dayNumber(joined) - 1));
  const lastSeen = status === 'AC' ? ctx.today : statusDate;

  const effDate = hin ? addDays(joined, -rng.int(0, 5 * 365)) : null;
  // Ontario cards renew on the birthday, every five years; some are expired.
  const renew = effDate && hcType === 'ON' ? `${Number(effDate.slice(0, 4)) + 5}-${birthDate.slice(5)}`.replace(/-02-29$/, '-02-28') : null;

  const rosterStatus = status === 'DE' || (status !== 'AC' && rng.chance(0.6)) ? 'TE'
    : rng.weighted([['RO', 60], ['NR', 15], ['FS', 10], ['', 10], ['TE', 5]]);
  const rosterDate = rosterStatus === '' ? null : joined;
  const terminated = rosterStatus === 'TE';

  const french = province === 'QC' ? rng.chance(0.8) : rng.chance(0.08);
  const officialLanguage = french ? 'French' : 'English';
  const spokenLanguage = rng.weighted([[officialLanguage, 75], [rng.pick(OTHER_LANGUAGES), 20], ['', 5]]);

  const mrp = rng.weighted<string | null>([[demoNo, 50], [rng.pick(ctx.doctors).providerNo, 40], [ctx.retired?.providerNo ?? demoNo, 5], [null, 3], ['', 2]]);
  const updated = stampBetween(ctx, addDays(ctx.today, -5 * 365) > joined ? addDays(ctx.today, -5 * 365) : joined, yesterday(ctx));
  const updatedBy = rng.weighted([[demoNo, 60], [ctx.receptionistNo, 40]]);

  const hasAddress = rng.chance(0.97);
  const residential = rng.weighted([['none', 85], ['different', 10], ['same', 5]]);
  const address = hasAddress ? streetAddress(ctx, province) : '';
  const cityName = hasAddress ? city.city : '';
  const postalCode = hasAddress ? postal(ctx, city.postalPrefix) : '';

  const title = age < 16 ? rng.weighted([['', 80], [null, 20]])
    : sex === 'F' ? rng.weighted([['MS', 45], ['MRS', 20], ['MISS', 5], [french ? 'MME' : 'MS', 8], ['DR', 3], ['', 19]])
      : sex === 'M' ? rng.weighted([['MR', 65], ['DR', 3], [french ? 'M' : 'MR', 5], ['', 27]])
        : rng.weighted([['MX', 40], ['', 60]]);

  const row: DemographicRow = {
    demographicNo, title, lastName, firstName, middleNames, alias: rng.chance(0.08) ? rng.pick(ALIASES) : '',
    sex,
    gender: sex === 'X' || sex === 'O' ? rng.pick(['Non-binary', 'Two-Spirit', 'Genderqueer']) : rng.chance(0.9) ? '' : null,
    pronoun: sex === 'X' || sex === 'O' ? rng.pick(['they/them', 'iel', 'ze/zir']) : rng.chance(0.9) ? '' : null,
    yearOfBirth: dob[0] ?? null, monthOfBirth: dob[1] ?? null, dateOfBirth: dob[2] ?? null,
    address, city: cityName, province: hasAddress || rng.chance(0.5) ? province : '', postal: postalCode,
    residentialAddress: residential === 'none' ? null : residential === 'same' ? address : streetAddress(ctx, province),
    residentialCity: residential === 'none' ? null : residential === 'same' ? cityName : rng.pick(CITIES[province] ?? []).city,
    residentialProvince: residential === 'none' ? null : province,
    residentialPostal: residential === 'none' ? null : residential === 'same' ? postalCode : postal(ctx, city.postalPrefix),
    phone: rng.chance(0.88) ? phone(ctx, city) : '',
    phone2: rng.chance(0.3) ? phone(ctx, city) : '',
    email: rng.chance(0.55) ? `${ascii(firstName)}.${ascii(lastName)}${rng.chance(0.4) ? rng.int(1, 99) : ''}@${rng.pick(['example.org', 'example.com', 'example.net'])}` : rng.chance(0.5) ? '' : null,
    consentToUseEmailForCare: rng.weighted([[true, 40], [false, 20], [null, 40]]),
    hin, ver: hin === null ? null : card.ver, hcType,
    hcRenewDate: renew, effDate,
    rosterStatus, rosterDate,
    rosterTerminationDate: terminated ? statusDate : null,
    rosterTerminationReason: terminated ? (status === 'DE' ? '14' : rng.pick(['12', '24', '33', '57'])) : '',
    rosterEnrolledTo: rosterStatus === 'RO' && mrp ? mrp : null,
    patientStatus: status, patientStatusDate: statusDate, dateJoined: joined,
    endDate: status === 'AC' ? null : rng.chance(0.7) ? statusDate : null,
    chartNo: rng.weighted([[String(10000 + demographicNo), 50], ['', 30], [`C-${demographicNo}`, 20]]),
    providerNo: mrp,
    familyDoctor: rng.weighted([['<rdohip></rdohip><rd></rd>', 80], [`<rdohip>0${rng.digits(5)}</rdohip><rd>Bernier, Luc</rd>`, 10], [null, 10]]),
    officialLanguage, spokenLanguage,
    countryOfOrigin: rng.weighted([['-1', 80], [rng.pick(['VN', 'IN', 'CN', 'PH', 'FR', 'HT', 'LB', 'PK', 'MX', 'IE']), 20]]),
    newsletter: rng.weighted([['Unknown', 90], ['No', 7], ['Paper', 3]]),
    pcnIndicator: null, previousAddress: '', children: '', sourceOfIncome: '', citizenship: '', sin: '', anonymous: null,
    genderId: null, pronounId: null,
    lastUpdateUser: updatedBy, lastUpdateDate: updated,
  };

  const at = updated;
  if (rng.chance(0.55)) exts.push(ext(ctx, demographicNo, updatedBy, 'demo_cell', phone(ctx, city), at));
  if (row.phone2 && rng.chance(0.35)) exts.push(ext(ctx, demographicNo, updatedBy, 'wPhoneExt', String(rng.int(100, 9999)), at));
  if (row.phone && rng.chance(0.04)) exts.push(ext(ctx, demographicNo, updatedBy, 'hPhoneExt', String(rng.int(1, 99)), at));
  if (rng.chance(0.06)) exts.push(ext(ctx, demographicNo, updatedBy, 'phoneComment', rng.pick(['Call after 5pm', 'Cell preferred', 'Ne pas laisser de message']), at));
  if (rng.chance(0.1)) exts.push(ext(ctx, demographicNo, updatedBy, 'informedConsent', 'yes', at));

  return { row, birthDate, ageYears: age, active: status === 'AC', lastSeen };
}

/** Patient 1001 is JANE DOE of samples §1, so wire samples can be replayed against the simulator. */
function janeDoe(ctx: GenContext, demographicNo: number, exts: DemographicExtRow[]): PatientInfo {
  const demoNo = ctx.credentials.providerNo;
  const row: DemographicRow = {
    demographicNo, title: 'MS', lastName: 'DOE', firstName: 'JANE', middleNames: '', alias: '', sex: 'F', gender: '', pronoun: '',
    yearOfBirth: '1980', monthOfBirth: '01', dateOfBirth: '17',
    address: '123 Main St', city: 'Toronto', province: 'ON', postal: 'M5V1A1',
    residentialAddress: null, residentialCity: null, residentialProvince: null, residentialPostal: null,
    phone: '416-555-0100', phone2: '', email: 'jane.doe@example.org', consentToUseEmailForCare: true,
    hin: '9876543217', ver: 'AB', hcType: 'ON', hcRenewDate: '2026-01-17', effDate: '2019-03-01',
    rosterStatus: 'RO', rosterDate: '2019-03-01', rosterTerminationDate: null, rosterTerminationReason: '', rosterEnrolledTo: demoNo,
    patientStatus: 'AC', patientStatusDate: '2020-01-15', dateJoined: '2019-03-01', endDate: null, chartNo: 'C-1001',
    providerNo: demoNo, familyDoctor: '<rdohip></rdohip><rd></rd>', officialLanguage: 'English', spokenLanguage: 'English',
    countryOfOrigin: '-1', newsletter: 'Unknown', pcnIndicator: null, previousAddress: '', children: '', sourceOfIncome: '',
    citizenship: '', sin: '', anonymous: null, genderId: null, pronounId: null,
    lastUpdateUser: demoNo, lastUpdateDate: '2024-03-08T10:00:00',
  };
  exts.push(ext(ctx, demographicNo, demoNo, 'demo_cell', '647-555-0199', '2024-03-08T10:00:00'));
  return { row, birthDate: '1980-01-17', ageYears: ageOn('1980-01-17', ctx.today), active: true, lastSeen: ctx.today };
}
