// Which halves /readyz checks live on a given OSCAR (its calls must exist there).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assumedCapabilityMap } from '../../../src/oscar/capabilities/assumed.js';
import { liveChecks, usable } from '../../../src/oscar/capabilities/live-checks.js';
import type { CapabilityMap } from '../../../src/oscar/capabilities/map.js';

const open: CapabilityMap = {
  probedAt: '2026-12-06T15:00:00.000Z', source: 'probe', variant: 'openo',
  soap: { reach: 'ok', operations: { SystemInfoService: ['getServerTimeGmtOffset', 'isAlive'] } },
  rest: { reach: 'ok', dialect: 'oscar', paths: ['/demographics', '/oauth/info'] },
  time: { clinicZone: 'America/Toronto', mismatch: false },
};

test('both halves on an Open-O with everything, and on the assumed map', () => {
  assert.deepEqual(liveChecks(open), { soap: true, rest: true });
  assert.deepEqual(liveChecks(assumedCapabilityMap('America/Toronto')), { soap: true, rest: true });
});

test('a half that is off or refused is not checked', () => {
  assert.deepEqual(liveChecks({ ...open, rest: { reach: 'module-off', dialect: 'oscar' } }), { soap: true, rest: false });
  assert.deepEqual(liveChecks({ ...open, soap: { ...open.soap, reach: 'edge-blocked' } }), { soap: false, rest: true });
});

test('a half whose check call the instance lacks is not checked: CARLOS (no SystemInfoService), OSCAR 15.0 and Juno (no /oauth/info)', () => {
  assert.equal(liveChecks({ ...open, soap: { reach: 'ok', operations: { SystemInfoService: [] } } }).soap, false);
  assert.equal(liveChecks({ ...open, rest: { reach: 'ok', dialect: 'oscar', paths: ['/providerService/providers_json'] } }).rest, false);
  assert.equal(liveChecks({ ...open, rest: { reach: 'ok', dialect: 'juno-v1', paths: ['/v1/demographic/{id}'] } }).rest, false);
});

test('usable while one half works', () => {
  assert.equal(usable(open), true);
  assert.equal(usable({ ...open, rest: { reach: 'module-off', dialect: 'oscar' } }), true);
  assert.equal(usable({ ...open, soap: { ...open.soap, reach: 'ip-not-allowed' }, rest: { reach: 'ip-not-allowed', dialect: 'juno-v1' } }), false);
});
