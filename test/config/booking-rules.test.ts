// BOOKING_* settings: the defaults the README states, overrides, every bad value named at start-up,
// and the default "bookable" rule against the seed template codes (docs/scheduling.md §1.2).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { bookableByDefault, isBookable, templateCodeTable } from '../../src/booking/template-codes.js';
import { DEFAULT_BOOKING_RULES } from '../../src/booking/rules.js';

function problems(env: Record<string, string>): string[] {
  try { loadConfig(env); } catch (e) { if (e instanceof ConfigError) return e.problems; throw e; }
  return [];
}

test('the booking rules default to what the README says and follow the environment', () => {
  assert.deepEqual(loadConfig({}).booking, { capacity: 'bookinglimit', noShowFreesSlot: false, leadMinutes: 60, horizonDays: 60, holidays: 'closed', plainCheck: 'overlap' });
  const c = loadConfig({
    BOOKING_PROVIDERS: '100101, -1', BOOKING_CODES: '{"*":"12","100103":"6,\\""}', BOOKING_CAPACITY: 'one',
    BOOKING_NOSHOW_FREES_SLOT: 'true', BOOKING_LEAD_MINUTES: '0', BOOKING_HORIZON_DAYS: '366', BOOKING_HOLIDAYS: 'open',
    BOOKING_PLAIN_CHECK: 'rules',
  });
  assert.deepEqual(c.booking, {
    providers: ['100101', '-1'], codes: { '*': '12', 100103: '6,"' }, capacity: 'one', noShowFreesSlot: true, leadMinutes: 0, horizonDays: 366, holidays: 'open', plainCheck: 'rules',
  });
});

test('bad booking rules are refused at start-up, each named', () => {
  const p = problems({
    BOOKING_PROVIDERS: 'a b', BOOKING_CODES: '["1"]', BOOKING_CAPACITY: 'two', BOOKING_NOSHOW_FREES_SLOT: 'yes',
    BOOKING_LEAD_MINUTES: '-5', BOOKING_HORIZON_DAYS: '367', BOOKING_HOLIDAYS: 'never',
    BOOKING_PLAIN_CHECK: 'slot',
  }).join('\n');
  assert.match(p, /BOOKING_PROVIDERS must be a comma-separated list of OSCAR provider numbers/);
  assert.match(p, /BOOKING_CODES must be a JSON object/);
  assert.match(p, /BOOKING_CAPACITY must be one of "bookinglimit", "one" \(got "two"\)/);
  assert.match(p, /BOOKING_NOSHOW_FREES_SLOT must be "true" or "false"/);
  assert.match(p, /BOOKING_LEAD_MINUTES must be a whole number from 0 to 43200/);
  assert.match(p, /BOOKING_HORIZON_DAYS must be a whole number from 1 to 366 \(got "367"\)/);
  assert.match(p, /BOOKING_HOLIDAYS must be one of "closed", "open"/);
  assert.match(p, /BOOKING_PLAIN_CHECK must be one of "overlap", "rules", "off" \(got "slot"\)/);
  assert.match(problems({ BOOKING_CODES: '{"*":"1_"}' }).join('\n'), /'_' is the blank cell/);
  assert.match(problems({ BOOKING_CODES: '{"bad no":"1"}' }).join('\n'), /"bad no" is not a provider number/);
  assert.match(problems({ BOOKING_CODES: '{' }).join('\n'), /BOOKING_CODES must be a JSON object/);
});

// The seed rows of scheduling §1.2 (code, description, duration, confirm, bookinglimit, id).
const SEED: [string, string, string, string, number, number][] = [
  ['A', 'Academic', '', 'N', 1, 1], ['B', 'Behavioral Science', '15', 'N', 1, 2], ['2', '30 Minute Appointment', '30', 'N', 1, 3],
  ['V', 'Vacation', '15', 'N', 1, 11], ['a', 'Administrative Work', '15', 'N', 1, 16], ['m', 'Meeting', '', 'N', 1, 18],
  ['1', '15 Minute Appointment', '15', 'N', 1, 19], ['s', 'Same Day', '15', 'Day', 1, 20], ['W', 'Same Week', '15', 'Wk', 1, 22],
  ['C', 'Chart Audit Rounds', '15', 'N', 1, 8], ['C', 'On Call Clinic', '15', 'Onc', 1, 23], ['R', 'Rounds', '15', 'N', 1, 9],
];
const table = templateCodeTable(SEED.map(([c, description, duration, confirm, bookinglimit, id]) => ({ code: c.charCodeAt(0), description, duration, confirm, bookinglimit, id })));

test('by default visits are bookable and non-clinical time is not; of two C rows the later one counts', () => {
  const bookable = [...table.values()].filter(bookableByDefault).map((c) => c.code).sort();
  assert.deepEqual(bookable, ['1', '2', 'B', 'W', 's']);
  assert.equal(table.get('C')?.description, 'On Call Clinic');
  assert.equal(table.get('A')?.durationMin, undefined);
});

test('BOOKING_CODES names exact characters per provider, with * for the others', () => {
  const rules = { ...DEFAULT_BOOKING_RULES, codes: { '*': '1', 100103: 'C' } };
  assert.equal(isBookable(table.get('1')!, '100101', rules), true);
  assert.equal(isBookable(table.get('2')!, '100101', rules), false);
  assert.equal(isBookable(table.get('C')!, '100103', rules), true); // listed: staff confirmation waived
  assert.equal(isBookable(table.get('1')!, '100103', rules), false);
  assert.equal(isBookable(table.get('s')!, '100101', { ...DEFAULT_BOOKING_RULES, codes: { '*': 'S' } }), false); // case matters
});
