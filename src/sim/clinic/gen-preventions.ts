// Preventions + preventionsExt (contract 5.4): age-appropriate immunizations with the ext rows
// AddPrevention2Action writes (lot, site, route, dose, manufacturer, brand name, expiry, DIN,
// trade-name SNOMED), screenings that are not immunizations (PAP, MAM, FOBT, Mantoux…), refusals
// ('1' + neverReason), ineligible ('2'), given elsewhere ('3', provider '-1'), and edits (the old
// row soft-deleted, a new row carrying ext previousId). DINs are illustrative, not catalogue values.
import type { LocalDate, PreventionExtRow, PreventionRow } from './model.js';
import { addDays, dayNumber, timeOfMinutes } from './calendar.js';
import { type GenContext, dateBetween, daysAgo, minDate, nextId, providerNumber, stampBetween, yesterday } from './gen-context.js';
import type { PatientInfo } from './gen-patients.js';
import { VACCINES, type VaccineType } from './vaccines.js';

export interface PreventionBuild { ctx: GenContext; out: PreventionRow[]; exts: PreventionExtRow[] }

type Kind = 'given' | 'refused' | 'ineligible' | 'external';

interface Spec {
  type: string;
  date: LocalDate;
  kind: Kind;
  vaccine?: VaccineType;
  result?: string;
  /** Partial date: stored as Jan 1 (contract 7.21). */
  yearOnly?: boolean;
}

const BY_TYPE = new Map(VACCINES.map((v) => [v.type, v]));

function vaccine(type: string): VaccineType {
  const v = BY_TYPE.get(type);
  if (!v) throw new Error(`unknown vaccine type ${type}`);
  return v;
}

const CHILD_SCHEDULE: readonly (readonly [string, number])[] = [
  ['DTaP-IPV-Hib', 61], ['DTaP-IPV-Hib', 122], ['DTaP-IPV-Hib', 183], ['DTaP-IPV-Hib', 548],
  ['Pneu-C', 61], ['Pneu-C', 122], ['Pneu-C', 365], ['Rot', 61], ['Rot', 122],
  ['MenC-C', 365], ['MMR', 365], ['VZ', 456], ['MMRV', 1642], ['Tdap-IPV', 1642],
  ['HepB', 4380], ['HepB', 4560], ['HPV Vaccine', 4380], ['HPV Vaccine', 4560], ['Men-C-ACYW-135', 4380], ['dTap', 5475],
];

const OUTSIDE = ['Shoppers Drug Mart - pharmacist', 'Toronto Public Health', 'Travel Health Clinic', 'Hôpital Sainte-Justine', 'Rexall pharmacy', 'School immunization program'];
const REFUSALS = ['Patient declined', 'Refus du patient', 'Parent declined', 'Wants to discuss with family', 'Vaccine hesitancy'];
const COMMENTS = ['No adverse reaction', 'Tolerated well', 'Patient observed 15 min', 'Dose 2 of 2', 'Bras gauche, aucune réaction'];

function site(ctx: GenContext, route: string, ageYears: number): string {
  const { rng } = ctx;
  switch (route) {
    case 'PO': return 'Mouth';
    case 'IN': return 'Nares (Lt and Rt)';
    case 'ID': return rng.pick(['Forearm Lt', 'Forearm Rt']);
    case 'SC': return rng.pick(['Arm Lt', 'Arm Rt', 'Deltoid Lt']);
    default:
      return ageYears < 2 ? rng.pick(['Anterolateral Thigh Lt', 'Anterolateral Thigh Rt'])
        : rng.pick(['Deltoid Lt', 'Deltoid Rt', 'Superior Deltoid Lt', 'Superior Deltoid Rt', 'Inferior Deltoid Lt', 'Arm Lt']);
  }
}

function lot(ctx: GenContext): string {
  const L = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  return ctx.rng.weighted([[`${ctx.rng.chars(1, L)}${ctx.rng.digits(3)}${ctx.rng.chars(2, L)}`, 50], [`${ctx.rng.chars(2, L)}${ctx.rng.digits(4)}`, 40], [ctx.rng.digits(6), 10]]);
}

function ageAt(p: PatientInfo, date: LocalDate): number {
  return Math.floor((dayNumber(date) - dayNumber(p.birthDate)) / 365.25);
}

function addExt(b: PreventionBuild, preventionId: number, key: string, value: string): void {
  b.exts.push({ id: nextId(b.ctx, 'preventionExt'), preventionId, key, value });
}

function add(b: PreventionBuild, p: PatientInfo, spec: Spec): PreventionRow {
  const { ctx } = b;
  const { rng } = ctx;
  const v = spec.vaccine;
  const date = spec.yearOnly ? `${spec.date.slice(0, 4)}-01-01` : spec.date;
  const external = spec.kind === 'external';
  const given = spec.kind === 'given';
  const clinician = rng.pick(ctx.clinicians).providerNo;
  const providerNo = external ? rng.weighted([['-1', 80], ['', 20]]) : rng.weighted([[ctx.credentials.providerNo, 50], [clinician, 50]]);
  const enteredBy = external ? rng.pick([ctx.credentials.providerNo, clinician]) : providerNo;
  // Shots given here are charted the same day; outside ones when the patient mentions them.
  const created = external ? stampBetween(ctx, addDays(date, 1), addDays(date, 400)) : stampBetween(ctx, date, addDays(date, rng.chance(0.8) ? 0 : 14));
  const outside = external ? rng.pick(OUTSIDE) : null;
  const row: PreventionRow = {
    id: nextId(ctx, 'prevention'),
    demographicNo: p.row.demographicNo,
    creationDate: created,
    preventionDate: `${date}T${spec.yearOnly || rng.chance(0.85) ? '00:00:00' : timeOfMinutes(rng.int(8 * 12, 18 * 12) * 5)}`,
    providerNo,
    providerName: outside,
    preventionType: spec.type,
    deleted: '0',
    refused: ({ given: '0', refused: '1', ineligible: '2', external: '3' } as const)[spec.kind],
    nextDate: given && spec.type === 'Flu' && rng.chance(0.3) ? `${Number(date.slice(0, 4)) + 1}-10-01`
      : given && (spec.type === 'Td' || spec.type === 'dTap') && rng.chance(0.5) ? `${Number(date.slice(0, 4)) + 10}${date.slice(4)}`.replace(/-02-29$/, '-02-28') : null,
    never: spec.kind === 'refused' && rng.chance(0.5) ? '1' : rng.chance(0.02) ? '1' : '0',
    creator: providerNumber(enteredBy),
    lastUpdateDate: created,
    snomedId: v && rng.chance(0.9) ? v.genericSctid : null,
  };
  b.out.push(row);

  if (!v) {
    // Screenings: result and comments only.
    if (spec.kind === 'refused') addExt(b, row.id, 'neverReason', rng.pick(REFUSALS));
    else if (spec.kind === 'ineligible') addExt(b, row.id, 'reason', spec.type === 'PAP' ? 'Hysterectomy' : 'Not eligible');
    else {
      if (spec.result !== undefined) addExt(b, row.id, 'result', spec.result);
      if (external) addExt(b, row.id, 'providerName', outside ?? '');
    }
    addExt(b, row.id, 'comments', rng.chance(0.8) ? '' : 'Reminder letter sent');
    return row;
  }
  if (spec.kind === 'refused') {
    addExt(b, row.id, 'neverReason', rng.pick(REFUSALS));
    addExt(b, row.id, 'comments', '');
    return row;
  }
  if (spec.kind === 'ineligible') {
    addExt(b, row.id, 'reason', rng.pick(['Medical contraindication', 'Egg anaphylaxis', 'Immunocompromised', 'Already immune']));
    return row;
  }
  const brand = v.brands.length && rng.chance(0.9) ? rng.pick(v.brands) : null;
  const intranasal = brand?.name.includes('FLUMIST') ?? false;
  const route = intranasal ? 'IN' : v.route;
  // Old records (and many outside ones) carry only a few ext rows.
  const sparse = date < '2015-01-01' ? rng.chance(0.6) : external && rng.chance(0.5);
  addExt(b, row.id, 'location', site(ctx, route, ageAt(p, date)));
  addExt(b, row.id, 'lot', external && rng.chance(0.4) ? '' : lot(ctx));
  if (sparse) {
    if (external) addExt(b, row.id, 'providerName', outside ?? '');
    return row;
  }
  addExt(b, row.id, 'route', route);
  addExt(b, row.id, 'dose', intranasal ? '0.2 mL' : v.dose);
  addExt(b, row.id, 'comments', rng.chance(0.8) ? '' : rng.pick(COMMENTS));
  addExt(b, row.id, 'manufacture', brand?.manufacturer ?? '');
  addExt(b, row.id, 'name', brand?.name ?? '');
  addExt(b, row.id, 'expiryDate', addDays(date, rng.int(60, 540)));
  addExt(b, row.id, 'providerName', outside ?? '');
  if (brand) {
    addExt(b, row.id, 'din', `02${brand.sctid.slice(-6)}`);
    addExt(b, row.id, 'brandSnomedId', brand.sctid);
  }
  return row;
}

/**
 * The ext rows of a prevention: written together when it was added, so they are one run, found
 * from the end (a clinic of thousands of patients makes a scan of every ext per edit too slow).
 */
function extsOf(b: PreventionBuild, preventionId: number): PreventionExtRow[] {
  const found: PreventionExtRow[] = [];
  for (let i = b.exts.length - 1; i >= 0; i--) {
    const e = b.exts[i]!;
    if (e.preventionId === preventionId) found.push(e);
    else if (found.length > 0) break;
  }
  return found.reverse();
}

/** An edit in OSCAR: the old row is soft-deleted and a corrected copy gets a new id + ext previousId. */
function edit(b: PreventionBuild, old: PreventionRow): PreventionRow {
  const { ctx } = b;
  const at = stampBetween(ctx, old.creationDate.slice(0, 10), addDays(old.creationDate.slice(0, 10), 30));
  old.deleted = '1';
  old.lastUpdateDate = at > old.lastUpdateDate ? at : old.lastUpdateDate;
  const copy: PreventionRow = { ...old, id: nextId(ctx, 'prevention'), deleted: '0', creationDate: old.lastUpdateDate, lastUpdateDate: old.lastUpdateDate };
  b.out.push(copy);
  for (const e of extsOf(b, old.id)) {
    addExt(b, copy.id, e.key, e.key === 'lot' ? lot(ctx) : e.value); // the edit corrected the lot number
  }
  addExt(b, copy.id, 'previousId', String(old.id));
  return copy;
}

function kindFor(ctx: GenContext): Kind {
  return ctx.rng.weighted([['given', 84], ['refused', 5], ['ineligible', 2], ['external', 9]]);
}

function fluSeasonDate(ctx: GenContext, year: number): LocalDate {
  return dateBetween(ctx, `${year}-10-01`, `${year}-12-15`);
}

/** The patient's age-appropriate records, before random edits/deletions. */
function plan(ctx: GenContext, p: PatientInfo): Spec[] {
  const { rng } = ctx;
  const specs: Spec[] = [];
  const last = minDate(p.lastSeen, yesterday(ctx));
  const push = (type: string, date: LocalDate, kind: Kind = kindFor(ctx)): void => {
    if (date > last || date < p.birthDate) return;
    specs.push({ type, date, kind, vaccine: vaccine(type) });
  };
  const todayYear = Number(ctx.today.slice(0, 4));
  const age = p.ageYears;

  // Childhood schedule: complete for children, occasionally transcribed for adults.
  const childRecords = age < 18 ? 0.6 : 0.05;
  for (const [type, days] of CHILD_SCHEDULE) {
    if (rng.chance(childRecords)) push(type, addDays(p.birthDate, days + rng.int(0, 20)), age < 18 ? kindFor(ctx) : 'external');
  }
  if (age < 1 && rng.chance(0.5)) push('RSVAb', addDays(p.birthDate, rng.int(1, 30)));

  if (age >= 18) {
    for (let y = todayYear - 5; y <= todayYear; y++) if (rng.chance(age >= 65 ? 0.7 : 0.4)) push('Flu', fluSeasonDate(ctx, y));
    if (rng.chance(0.55)) {
      push('COVID-19', dateBetween(ctx, '2021-04-15', '2021-06-30'));
      push('COVID-19', dateBetween(ctx, '2021-07-15', '2021-09-30'));
      if (rng.chance(0.5)) push('COVID-19', dateBetween(ctx, '2022-01-05', '2022-02-28'));
      if (rng.chance(0.4)) push('COVID-19', dateBetween(ctx, '2023-10-01', '2023-12-15'));
    }
    if (rng.chance(0.3)) push(rng.pick(['Td', 'dTap', 'Td-IPV']), daysAgo(ctx, 30, 3650));
    if (age >= 65 && rng.chance(0.6)) push('Pneumovax', daysAgo(ctx, 30, 1800));
    if (age >= 50 && rng.chance(0.3)) {
      const first = daysAgo(ctx, 200, 1500);
      push('RZV', first, 'given');
      push('RZV', addDays(first, rng.int(60, 180)), 'given');
    }
    if (age >= 65 && rng.chance(0.08)) push('HZV', daysAgo(ctx, 2500, 4000));
    if (age >= 60 && rng.chance(0.15)) push('RSV', dateBetween(ctx, '2023-10-01', '2024-12-15'));
    if (age <= 26 && rng.chance(0.2)) push('HPV Vaccine', daysAgo(ctx, 100, 2000));
    if (rng.chance(0.1)) push('HepB', daysAgo(ctx, 100, 4000));
    if (age >= 30 && rng.chance(0.05)) push('H1N1', dateBetween(ctx, '2009-10-26', '2009-12-20'), rng.weighted([['given', 70], ['external', 30]]));
    if (rng.chance(0.1)) {
      const trip = daysAgo(ctx, 30, 2500);
      for (const t of [rng.pick(['HepA', 'HepAB', 'HA-Typh-I']), rng.pick(['Typhoid', 'Typh-O', 'Chol-Ecol-O']), ...(rng.chance(0.3) ? [rng.pick(['YF', 'JE', 'TBE', 'Rabies', 'CHOLERA', 'rMenB', 'Men-C-ACYW-135'])] : [])]) {
        push(t, addDays(trip, rng.int(0, 10)), 'given');
      }
    }
  }

  const screen = (type: string, every: number, maxCount: number, results: readonly string[]): void => {
    const n = rng.int(1, maxCount);
    let date = daysAgo(ctx, 30, every);
    for (let i = 0; i < n && date >= p.birthDate; i++, date = addDays(date, -every - rng.int(0, 60))) {
      if (date > last) continue;
      const kind = rng.weighted<Kind>([['given', 88], ['refused', 5], ['ineligible', 2], ['external', 5]]);
      specs.push({ type, date, kind, result: rng.pick(results) });
    }
  };
  if (p.row.sex === 'F' && age >= 21 && age < 70 && rng.chance(0.5)) screen('PAP', 3 * 365, 3, ['Normal', 'Normal', 'ASCUS', 'LSIL', 'Unsatisfactory']);
  if (p.row.sex === 'F' && age >= 50 && age < 75 && rng.chance(0.5)) screen('MAM', 2 * 365, 2, ['Normal', 'BI-RADS 1', 'BI-RADS 2']);
  if (age >= 50 && age < 75 && rng.chance(0.35)) screen('FOBT', 2 * 365, 2, ['Negative', 'Negative', 'Positive']);
  if (p.row.sex === 'M' && age >= 50 && rng.chance(0.15)) screen('PSA', 365, 2, ['0.8 ng/mL', '1.9 ng/mL', '4.6 ng/mL']);
  if (rng.chance(0.05)) screen('Tuberculosis', 5 * 365, 1, ['Negative (0 mm)', 'Negative (4 mm)', 'Positive (12 mm)']);
  return specs;
}

export function generatePreventions(b: PreventionBuild, p: PatientInfo, index: number): void {
  const { ctx } = b;
  const { rng } = ctx;
  if (index === 0) {
    // samples §6: a Flu shot on 2023-10-11, charted 09:41:07, with the full set of ext rows.
    const demoNo = ctx.credentials.providerNo;
    const row: PreventionRow = {
      id: nextId(ctx, 'prevention'), demographicNo: p.row.demographicNo, creationDate: '2023-10-11T09:41:07',
      preventionDate: '2023-10-11T00:00:00', providerNo: demoNo, providerName: null, preventionType: 'Flu', deleted: '0',
      refused: '0', nextDate: null, never: '0', creator: providerNumber(demoNo), lastUpdateDate: '2023-10-11T09:41:07',
      snomedId: vaccine('Flu').genericSctid,
    };
    b.out.push(row);
    for (const [k, val] of [['location', 'Deltoid Lt'], ['lot', 'AB1234'], ['route', 'IM'], ['dose', '0.5 mL'], ['comments', ''],
      ['manufacture', 'Sanofi Pasteur Limited'], ['name', 'FLUZONE Quadrivalent'], ['expiryDate', '2024-06-30'], ['providerName', ''],
      ['din', '02432730'], ['brandSnomedId', '20691000087107']] as const) {
      addExt(b, row.id, k, val);
    }
    return;
  }
  for (const spec of plan(ctx, p)) {
    const row = add(b, p, spec);
    // Some records were later corrected (new id, previousId) or deleted outright.
    if (rng.chance(0.025)) edit(b, row);
    else if (rng.chance(0.015)) { row.deleted = '1'; row.lastUpdateDate = stampBetween(ctx, row.creationDate.slice(0, 10), addDays(row.creationDate.slice(0, 10), 60)); }
  }
}

/**
 * Whatever the seed: every immunization type at least once, each refused state, a screening of
 * each kind, an edit chain and a plain deletion, a partial (year-only) date, and an outside shot.
 */
export function guaranteeVariety(b: PreventionBuild, patients: readonly PatientInfo[]): void {
  const { ctx } = b;
  const { rng } = ctx;
  const adults = patients.filter((p) => p.active && p.ageYears >= 18);
  if (adults.length === 0) return;
  const women = adults.filter((p) => p.row.sex === 'F');
  const seen = new Set(b.out.map((r) => r.preventionType));
  const someAdult = (): PatientInfo => rng.pick(adults);
  const recent = (): LocalDate => addDays(ctx.today, -rng.int(30, 700));

  for (const v of VACCINES) {
    if (!seen.has(v.type)) add(b, someAdult(), { type: v.type, date: recent(), kind: 'given', vaccine: v });
  }
  add(b, someAdult(), { type: 'Flu', date: recent(), kind: 'refused', vaccine: vaccine('Flu') });
  add(b, someAdult(), { type: 'Flu', date: recent(), kind: 'ineligible', vaccine: vaccine('Flu') });
  add(b, someAdult(), { type: 'COVID-19', date: recent(), kind: 'external', vaccine: vaccine('COVID-19') });
  add(b, someAdult(), { type: 'Td', date: addDays(ctx.today, -rng.int(3000, 6000)), kind: 'external', vaccine: vaccine('Td'), yearOnly: true });
  edit(b, add(b, someAdult(), { type: 'Flu', date: recent(), kind: 'given', vaccine: vaccine('Flu') }));
  const gone = add(b, someAdult(), { type: 'HepB', date: recent(), kind: 'given', vaccine: vaccine('HepB') });
  gone.deleted = '1';
  gone.lastUpdateDate = stampBetween(ctx, gone.creationDate.slice(0, 10), yesterday(ctx));
  const woman = (): PatientInfo => (women.length ? rng.pick(women) : someAdult());
  add(b, woman(), { type: 'PAP', date: recent(), kind: 'given', result: 'Normal' });
  add(b, woman(), { type: 'MAM', date: recent(), kind: 'given', result: 'BI-RADS 1' });
  add(b, someAdult(), { type: 'FOBT', date: recent(), kind: 'given', result: 'Negative' });
  add(b, someAdult(), { type: 'Tuberculosis', date: recent(), kind: 'given', result: 'Negative (0 mm)' });
}
