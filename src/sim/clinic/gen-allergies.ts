// Allergies (contract 5.3): drug allergies coded by brand (13), generic (11) or ATC class (8) with
// their DIN in regional_identifier, free-text allergens (typeCode 0), NKDA entered as a custom
// allergy, archived rows, and partial start dates stored as Jan 1 / the 1st (contract 7.21).
// DINs are illustrative 8-digit numbers, not verified catalogue entries.
import type { AllergyRow, LocalDate } from './model.js';
import { addDays } from './calendar.js';
import { type GenContext, dateBetween, minDate, nextId, stampBetween, yesterday } from './gen-context.js';
import type { PatientInfo } from './gen-patients.js';

interface Allergen { description: string; typeCode: number; din: string | null; drugrefId: string | null }

const DRUGS: readonly Allergen[] = [
  { description: 'AMOXIL', typeCode: 13, din: '02238829', drugrefId: '21304' },
  { description: 'SEPTRA DS', typeCode: 13, din: '00445274', drugrefId: '18650' },
  { description: 'ADVIL', typeCode: 13, din: '02186934', drugrefId: '30547' },
  { description: 'BIAXIN BID', typeCode: 13, din: '02126710', drugrefId: '26105' },
  { description: 'KEFLEX', typeCode: 13, din: '00342084', drugrefId: '12877' },
  { description: 'TYLENOL WITH CODEINE NO.3', typeCode: 13, din: '00653241', drugrefId: '9810' },
  { description: 'AMOXICILLIN', typeCode: 11, din: '02401495', drugrefId: null },
  { description: 'SULFAMETHOXAZOLE', typeCode: 11, din: null, drugrefId: null },
  { description: 'CODEINE', typeCode: 11, din: '00779474', drugrefId: null },
  { description: 'ACETYLSALICYLIC ACID', typeCode: 11, din: '02244993', drugrefId: null },
  { description: 'MORPHINE SULFATE', typeCode: 11, din: '02014203', drugrefId: null },
  { description: 'PENICILLINS', typeCode: 8, din: null, drugrefId: 'J01C' },
  { description: 'SULFONAMIDES', typeCode: 8, din: null, drugrefId: 'J01E' },
  { description: 'CEPHALOSPORINS', typeCode: 8, din: null, drugrefId: 'J01D' },
];

const FREE_TEXT: readonly string[] = ['PEANUTS', 'LATEX', 'BEE STINGS', 'SHELLFISH', 'CATS', 'EGGS', 'IODINE CONTRAST', 'Arachides', 'TREE NUTS'];

const REACTIONS: readonly string[] = ['Hives', 'Rash', 'Anaphylaxis', 'Nausea', 'Swelling of lips', 'Urticaire', 'Difficulty breathing', 'Itching', ''];

export interface AllergyBuild { ctx: GenContext; out: AllergyRow[] }

function startDate(ctx: GenContext, from: LocalDate, to: LocalDate): LocalDate | null {
  const d = dateBetween(ctx, from, to);
  return ctx.rng.weighted<LocalDate | null>([
    [null, 30], [d, 40],
    [`${d.slice(0, 4)}-01-01`, 20], // year only: stored as Jan 1
    [`${d.slice(0, 7)}-01`, 10], // year and month: stored as the 1st
  ]);
}

function add(b: AllergyBuild, p: PatientInfo, a: Allergen, position: number, over: Partial<AllergyRow> = {}): AllergyRow {
  const { ctx } = b;
  const { rng } = ctx;
  const entry = dateBetween(ctx, p.row.dateJoined && p.row.dateJoined > p.birthDate ? p.row.dateJoined : p.birthDate, minDate(p.lastSeen, yesterday(ctx)));
  const nkda = a.description === 'NKDA';
  const row: AllergyRow = {
    allergyId: nextId(ctx, 'allergy'),
    demographicNo: p.row.demographicNo,
    entryDate: entry,
    description: a.description,
    hiclSeqno: null, hicSeqno: null, agcsp: null, agccs: null,
    typeCode: a.typeCode,
    reaction: nkda ? '' : rng.pick(REACTIONS),
    drugrefId: a.drugrefId,
    archived: rng.chance(0.12),
    startDate: nkda ? null : startDate(ctx, p.birthDate, entry),
    ageOfOnset: rng.weighted<string | null>([['0', 50], ['', 20], [null, 15], [String(rng.int(1, Math.max(1, p.ageYears))), 15]]),
    severityOfReaction: nkda ? null : rng.weighted<string | null>([['1', 25], ['2', 30], ['3', 15], ['4', 15], ['5', 5], [null, 10]]),
    onsetOfReaction: nkda ? null : rng.weighted<string | null>([['1', 40], ['2', 25], ['3', 10], ['4', 15], [null, 10]]),
    regionalIdentifier: a.din ?? (a.typeCode === 0 ? null : ''),
    lifeStage: rng.weighted<string | null>([['A', 40], ['', 30], ['C', 10], ['I', 5], ['T', 5], [null, 10]]),
    position,
    lastUpdateDate: stampBetween(ctx, entry, addDays(entry, 400)),
    providerNo: rng.weighted([[ctx.credentials.providerNo, 60], [rng.pick(ctx.clinicians).providerNo, 40]]),
    ...over,
  };
  b.out.push(row);
  return row;
}

export function generateAllergies(b: AllergyBuild, p: PatientInfo, index: number): void {
  const { rng } = b.ctx;
  if (index === 0) {
    // samples §3, §5: PENICILLIN G (brand, drugref 12345) and PEANUTS.
    add(b, p, { description: 'PENICILLIN G', typeCode: 13, din: null, drugrefId: '12345' }, 0, {
      entryDate: '2021-06-01', reaction: 'Hives', archived: false, startDate: '2015-04-01', ageOfOnset: '0', severityOfReaction: '2',
      onsetOfReaction: '1', regionalIdentifier: '', lifeStage: 'A', lastUpdateDate: '2021-06-01T10:15:42',
    });
    add(b, p, { description: 'PEANUTS', typeCode: 0, din: null, drugrefId: null }, 1, {
      entryDate: '2022-02-10', reaction: 'Anaphylaxis', archived: false, startDate: null, ageOfOnset: '0', severityOfReaction: '3',
      onsetOfReaction: '1', regionalIdentifier: null, lifeStage: '', lastUpdateDate: '2022-02-10T14:02:11',
    });
    return;
  }
  // Fixed indices guarantee NKDA, an archived row and the free-text allergens for every seed.
  const kind = index === 21 || index === 22 ? 'nkda' : index === 23 ? 'archived' : index === 24 ? 'freeText'
    : rng.weighted([['none', 50], ['nkda', 12], ['some', 38]]);
  if (kind === 'none') return;
  let position = 0;
  if (kind === 'nkda') {
    add(b, p, { description: 'NKDA', typeCode: 0, din: null, drugrefId: null }, position++);
    if (rng.chance(0.3)) add(b, p, { description: rng.pick(FREE_TEXT), typeCode: 0, din: null, drugrefId: null }, position++);
    return;
  }
  if (kind === 'archived') {
    add(b, p, rng.pick(DRUGS), position++, { archived: true });
    add(b, p, rng.pick(DRUGS), position++, { archived: false });
    return;
  }
  if (kind === 'freeText') {
    for (const description of ['PEANUTS', 'LATEX', 'BEE STINGS']) add(b, p, { description, typeCode: 0, din: null, drugrefId: null }, position++);
    return;
  }
  const n = rng.weighted([[1, 60], [2, 30], [3, 10]]);
  for (let i = 0; i < n; i++) {
    const a = rng.chance(0.7) ? rng.pick(DRUGS) : { description: rng.pick(FREE_TEXT), typeCode: 0, din: null, drugrefId: null };
    add(b, p, a, position++);
  }
}
