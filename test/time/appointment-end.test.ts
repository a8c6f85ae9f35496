// variants B11: every way OSCAR stores an appointment end reads back as the same exclusive end.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { exclusiveEndOf } from '../../src/time/appointment-end.js';

const at = (iso: string): number => Date.parse(iso);

it('reads the SOAP (end − 1 ms, cut to the second), REST (start + duration − 1 min) and screen forms as one end', () => {
  const cases: [stored: string, end: string][] = [
    ['2026-03-02T14:14:59.999Z', '2026-03-02T14:15:00.000Z'], // SOAP end − 1 ms
    ['2026-03-02T14:14:59.000Z', '2026-03-02T14:15:00.000Z'], // … cut to the second by the TIME column
    ['2026-03-02T14:14:00.000Z', '2026-03-02T14:15:00.000Z'], // REST /schedule/add: start + 15 − 1 min
    ['2026-03-02T14:15:00.000Z', '2026-03-02T14:16:00.000Z'], // the 14:15 minute itself is included
    ['1969-12-31T23:59:59.000Z', '1970-01-01T00:00:00.000Z'], // before the epoch
  ];
  for (const [stored, end] of cases) assert.equal(new Date(exclusiveEndOf(at(stored))).toISOString(), end, stored);
});
