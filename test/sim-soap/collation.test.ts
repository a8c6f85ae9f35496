import assert from 'node:assert/strict';
import { test } from 'node:test';
import { equalsCi, like } from '../../src/sim/soap/query.js';

test('LIKE and = compare like MySQL general_ci: without case or accents', () => {
  assert.ok(like('CÔTÉ', '%cote%'));
  assert.ok(like('Cote', '%CÔTÉ%'));
  assert.ok(like('HÉLÈNE', 'hel%'));
  assert.ok(!like('Martin', '%cote%'));
  assert.ok(!like(null, '%'));
  assert.ok(equalsCi('Québec ', 'quebec'));
  assert.ok(!equalsCi('Quebec', 'Quebecx'));
});
