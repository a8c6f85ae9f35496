// LIMIT_* settings: defaults, overrides, and every out-of-range value reported at start-up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

function problems(env: Record<string, string>): string[] {
  try { loadConfig(env); } catch (e) { if (e instanceof ConfigError) return e.problems; throw e; }
  return [];
}

test('the limits default to what the README says and follow the environment', () => {
  assert.deepEqual(loadConfig({}).limits, { upstreamRows: 1000, ids: 50, patients: 20, statusPatients: 50, pageSize: 20, pageMax: 200, changeFeedRows: 1000 });
  const c = loadConfig({
    LIMIT_UPSTREAM_ROWS: '7', LIMIT_SEARCH_IDS: '3', LIMIT_SEARCH_PATIENTS: '2', LIMIT_STATUS_PATIENTS: '4', LIMIT_PAGE_SIZE: '5', LIMIT_PAGE_MAX: '9', LIMIT_CHANGE_FEED_ROWS: '11',
  });
  assert.deepEqual(c.limits, { upstreamRows: 7, ids: 3, patients: 2, statusPatients: 4, pageSize: 5, pageMax: 9, changeFeedRows: 11 });
});

test('limits out of range are refused, each named', () => {
  const p = problems({ LIMIT_UPSTREAM_ROWS: '5000', LIMIT_SEARCH_IDS: '0', LIMIT_SEARCH_PATIENTS: 'many', LIMIT_STATUS_PATIENTS: '1001', LIMIT_CHANGE_FEED_ROWS: '5001' }).join('\n');
  assert.match(p, /LIMIT_UPSTREAM_ROWS must be a whole number from 1 to 4999 \(got "5000"\)/);
  assert.match(p, /LIMIT_SEARCH_IDS must be a whole number from 1 to 1000/);
  assert.match(p, /LIMIT_SEARCH_PATIENTS must be a whole number/);
  assert.match(p, /LIMIT_STATUS_PATIENTS must be a whole number from 1 to 1000 \(got "1001"\)/);
  assert.match(p, /LIMIT_CHANGE_FEED_ROWS must be a whole number from 1 to 5000/);
  assert.deepEqual(problems({ LIMIT_PAGE_SIZE: '50', LIMIT_PAGE_MAX: '40' }), ['LIMIT_PAGE_SIZE (50) must not exceed LIMIT_PAGE_MAX (40)']);
});
