// Wall-clock columns read from OSCAR (variants B10, §7.5): the wall clock the JVM spelled, given
// the clinic's offset; a value already in the clinic's zone comes back as it is. Expected values
// are literals (Toronto: -05:00 in winter, -04:00 in summer; DST 2024-03-10 02:00 and 2024-11-03 02:00).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readWallClock } from '../../src/oscar/normalise/clinic-time.js';

const TORONTO = 'America/Toronto';
const read = (value: string, zone = TORONTO): unknown => readWallClock({ at: value, other: value }, ['at'], zone);

describe('readWallClock', () => {
  it('gives the wall clock the clinic offset, whatever zone the JVM wrote it in', () => {
    for (const [value, zone, clinic] of [
      ['2024-03-08T10:00:00-05:00', TORONTO, '2024-03-08T10:00:00-05:00'], // the JVM runs in the clinic's zone
      ['2024-07-08T10:00:00-04:00', TORONTO, '2024-07-08T10:00:00-04:00'],
      ['2024-03-08T10:00:00-08:00', TORONTO, '2024-03-08T10:00:00-05:00'], // the JVM runs in Vancouver
      ['2024-07-08T10:00:00-05:00', TORONTO, '2024-07-08T10:00:00-04:00'],
      ['2024-03-08T10:00:00+05:00', TORONTO, '2024-03-08T10:00:00-05:00'], // the clinic's offset with the other sign
      ['2024-03-08T10:00:00-05:30', TORONTO, '2024-03-08T10:00:00-05:00'], // and with minutes
      ['2024-11-03T01:30:00-05:00', TORONTO, '2024-11-03T01:30:00-04:00'], // the repeated hour: the earlier, as Java reads it
      ['2024-11-03T01:30:00-04:00', TORONTO, '2024-11-03T01:30:00-04:00'],
      ['2024-11-02T21:30:00-05:00', TORONTO, '2024-11-02T21:30:00-04:00'], // the evening before the change
      ['2024-03-10T02:30:00-05:00', TORONTO, '2024-03-10T03:30:00-04:00'], // in the gap: moved on by it, as Java does
      ['2024-03-10T03:30:00-04:00', TORONTO, '2024-03-10T03:30:00-04:00'],
      ['2024-03-08T10:00:00+00:00', 'UTC', '2024-03-08T10:00:00+00:00'],
      ['2024-03-08T10:00:00Z', TORONTO, '2024-03-08T10:00:00-05:00'],
      ['2024-03-08T10:00:00.5-05:00', TORONTO, '2024-03-08T10:00:00.500-05:00'],
      ['1880-03-08T10:00:00-05:00', TORONTO, '1880-03-08T10:00:28-05:18'], // local mean time, -5:17:32, its offset printed in whole minutes
    ] as const) {
      assert.deepEqual(read(value, zone), { at: clinic, other: value }, `${value} in ${zone}`);
    }
  });

  it('leaves what is no wall clock as OSCAR sent it', () => {
    for (const bad of ['yesterday', '2024-03-08', '2024-03-08T10:00:00-05:00x', '']) assert.deepEqual(read(bad), { at: bad, other: bad });
    // a day or hour that does not exist is not rolled into the next one (the mapper drops it)
    for (const bad of ['2024-02-30T10:00:00-05:00', '2024-02-30T10:00:00-08:00', '2024-13-01T10:00:00', '2024-01-01T24:00:00-05:00']) assert.deepEqual(read(bad), { at: bad, other: bad });
  });
});
