// The simulator's cached zone arithmetic must agree exactly with src/time/zone.ts, DST gaps and
// overlaps included (it only exists to make bulk SOAP rendering fast).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { epochOfLocal, formatXsDateTime, localDateTimeOf } from '../../src/time/zone.js';
import { epochOf, formatDateTime } from '../../src/sim/soap/clock.js';

const ZONES = ['America/Toronto', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Europe/London'];
const WINDOWS = ['2024-03-09T00:00:00Z', '2024-03-30T12:00:00Z', '2024-04-06T00:00:00Z', '2024-10-05T00:00:00Z', '2024-10-26T12:00:00Z', '2024-11-02T00:00:00Z'];

describe('clock', () => {
  it('formats every 7 minutes around DST changes exactly like formatXsDateTime', () => {
    for (const tz of ZONES) {
      for (const w of WINDOWS) {
        for (let t = Date.parse(w); t < Date.parse(w) + 3 * 86_400_000; t += 7 * 60_000 + 123) {
          assert.equal(formatDateTime(t, tz, false), formatXsDateTime(t, tz, false), `${tz} ${t}`);
        }
      }
    }
    assert.equal(formatDateTime(Date.parse('2024-03-10T06:59:59.999Z'), 'America/Toronto', false), '2024-03-10T01:59:59.999-05:00');
    assert.equal(formatDateTime(Date.parse('2024-03-10T07:00:00Z'), 'America/Toronto', false), '2024-03-10T03:00:00-04:00');
  });

  it('reads wall-clock times like epochOfLocal, including the spring gap and the autumn overlap', () => {
    for (const tz of ZONES) {
      for (const w of WINDOWS) {
        for (let t = Date.parse(w); t < Date.parse(w) + 3 * 86_400_000; t += 15 * 60_000) {
          const local = localDateTimeOf(t, tz);
          assert.equal(epochOf(local, tz), epochOfLocal(local, tz), `${tz} ${local}`);
        }
      }
    }
    assert.equal(epochOf('2024-03-10T02:30:00', 'America/Toronto'), epochOfLocal('2024-03-10T02:30:00', 'America/Toronto'));
    assert.equal(epochOf('2024-11-03T01:30:00', 'America/Toronto'), Date.parse('2024-11-03T05:30:00Z')); // the earlier (EDT) instant
    assert.equal(epochOf('2024-07-01', 'America/Toronto'), Date.parse('2024-07-01T04:00:00Z'));
  });
});
