// An autumn overlap before 1970 still resolves to its first pass (the daylight offset), like any
// other: instants before the epoch are negative, which the choice between the two readings must
// not depend on. Expected instants are written out, never computed by src/time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { epochOfLocal, parseXsDateTime } from '../../src/time/zone.js';

// Toronto left daylight time at 02:00 on the last Sunday of October from 1957 to 1973.
const OVERLAPS = [
  { local: '1965-10-31T01:30:00', first: '1965-10-31T05:30:00Z' },
  { local: '1969-10-26T01:59:59', first: '1969-10-26T05:59:59Z' },
  { local: '1972-10-29T01:00:00', first: '1972-10-29T05:00:00Z' },
];

describe('zone arithmetic before 1970', () => {
  it('reads an overlap time as its first pass, before and after the epoch alike', () => {
    for (const o of OVERLAPS) {
      assert.equal(epochOfLocal(o.local, 'America/Toronto'), Date.parse(o.first), o.local);
      assert.equal(parseXsDateTime(o.local, 'America/Toronto'), Date.parse(o.first), `xs:dateTime ${o.local}`);
    }
  });

  it('reads times on either side of a pre-1970 change with the offset in force then', () => {
    assert.equal(epochOfLocal('1965-10-31T00:59:00', 'America/Toronto'), Date.parse('1965-10-31T04:59:00Z'));
    assert.equal(epochOfLocal('1965-10-31T02:00:00', 'America/Toronto'), Date.parse('1965-10-31T07:00:00Z'));
    assert.equal(epochOfLocal('1965-04-25T02:30:00', 'America/Toronto'), Date.parse('1965-04-25T07:30:00Z'));
  });
});
