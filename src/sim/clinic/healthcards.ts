// Health card numbers in each province's shape (mapping §8.1; contract 5.1 hc_type).
// Numbers are synthetic but well-formed: Ontario's 10th digit is a Luhn check digit, BC's PHN has
// its mod-11 check digit, Québec's RAMQ number is derived from name, birth date and sex.
import type { Rng } from './random.js';

export interface HealthCard { hin: string; ver: string }

function luhnCheckDigit(payload: string): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let d = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

function ontario(rng: Rng): HealthCard {
  const payload = String(rng.int(1, 9)) + rng.digits(8);
  // About one card in twenty is an old red-and-white card without a version code.
  const ver = rng.chance(0.05) ? '' : rng.chars(2, 'ABCDEFGHJKLMNPRSTUVWXYZ');
  return { hin: payload + String(luhnCheckDigit(payload)), ver };
}

const BC_WEIGHTS = [2, 4, 8, 5, 10, 9, 7, 3];

function britishColumbia(rng: Rng): HealthCard {
  for (;;) {
    const body = rng.digits(8);
    const sum = [...body].reduce((s, d, i) => s + ((Number(d) * (BC_WEIGHTS[i] ?? 0)) % 11), 0);
    const check = 11 - (sum % 11);
    if (check < 10) return { hin: `9${body}${check}`, ver: '' };
  }
}

function asciiLetters(s: string): string {
  return s.normalize('NFD').replace(/[^A-Za-z]/g, '').toUpperCase();
}

function quebec(rng: Rng, p: CardHolder): HealthCard {
  const last = (asciiLetters(p.lastName) + 'XXX').slice(0, 3);
  const first = (asciiLetters(p.firstName) + 'X').slice(0, 1);
  const yy = (p.year || '1970').slice(2, 4);
  const mm = Number(p.month || '1') + (p.sex === 'F' ? 50 : 0);
  const dd = (p.day || '01').padStart(2, '0');
  return { hin: `${last}${first}${yy}${String(mm).padStart(2, '0')}${dd}${rng.digits(2)}`, ver: '' };
}

export interface CardHolder { lastName: string; firstName: string; sex: string; year: string; month: string; day: string }

/** A well-formed health card number for `hcType` (empty number for unknown types). */
export function healthCardFor(hcType: string, rng: Rng, holder: CardHolder): HealthCard {
  switch (hcType) {
    case 'ON': return ontario(rng);
    case 'BC': return britishColumbia(rng);
    case 'QC': return quebec(rng, holder);
    case 'AB': case 'MB': case 'NB': case 'SK': case 'YT': return { hin: String(rng.int(1, 9)) + rng.digits(8), ver: '' };
    case 'NS': return { hin: String(rng.int(1, 9)) + rng.digits(9), ver: '' };
    case 'NL': return { hin: String(rng.int(1, 9)) + rng.digits(11), ver: '' };
    case 'PE': return { hin: String(rng.int(1, 9)) + rng.digits(7), ver: '' };
    case 'NT': return { hin: rng.pick(['N', 'M', 'T', 'D', 'H']) + rng.digits(7), ver: '' };
    case 'NU': return { hin: '1' + rng.digits(8), ver: '' };
    // Out of province/country: free-form numbers, often a passport or foreign insurance id.
    case 'OT': return { hin: rng.chars(2, 'ABCDEFGHJKLMNPRSTUVWXYZ') + rng.digits(7), ver: '' };
    default: return { hin: '', ver: '' };
  }
}
