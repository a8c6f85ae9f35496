// The per-zone memo of conversions: values are kept apart by zone, and memory stays bounded.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ZoneMemo } from '../../src/time/zone-memo.js';

describe('ZoneMemo', () => {
  it('keeps the same key apart in different zones', () => {
    const m = new ZoneMemo<string, string>(10);
    m.set('America/Toronto', '2026-03-02T09:00:00', 'a');
    m.set('America/Vancouver', '2026-03-02T09:00:00', 'b');
    assert.equal(m.get('America/Toronto', '2026-03-02T09:00:00'), 'a');
    assert.equal(m.get('America/Vancouver', '2026-03-02T09:00:00'), 'b');
    assert.equal(m.get('Europe/Paris', '2026-03-02T09:00:00'), undefined);
  });

  it('holds at most its bound: a full memo starts afresh', () => {
    const m = new ZoneMemo<number, number>(3);
    for (const k of [1, 2, 3]) assert.equal(m.set('UTC', k, k * 10), k * 10);
    assert.deepEqual([1, 2, 3].map((k) => m.get('UTC', k)), [10, 20, 30]);
    m.set('UTC', 4, 40);
    assert.deepEqual([1, 2, 3, 4].map((k) => m.get('UTC', k)), [undefined, undefined, undefined, 40]);
  });
});
