// Fuzz: the byte scan that refuses deep JSON before parsing agrees with the depth of the parsed
// value, whatever brackets, quotes and escapes the strings hold, and judges junk without crashing.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { checkJsonDepth } from '../../src/http/body.js';
import { INPUT_LIMITS } from '../../src/http/input-guard.js';
import { Rng } from './generators.js';
import { depthCase } from './json-depth.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_207);
const COUNT = Number(process.env.FUZZ_COUNT ?? 1_500);
const LIMIT = INPUT_LIMITS.maxJsonDepth;

/** Containers on the deepest path of a parsed value: the independent answer. */
function depthOf(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
  return 1 + children.reduce<number>((m, c) => Math.max(m, depthOf(c)), 0);
}

const refused = (text: string): boolean => {
  try { checkJsonDepth(Buffer.from(text, 'utf8')); return false; } catch (e) {
    assert.equal((e as { status?: number }).status, 400);
    return true;
  }
};

it(`${COUNT} generated JSON texts around the depth limit are refused exactly when deeper than ${LIMIT} (seed ${SEED})`, () => {
  const rng = new Rng(SEED);
  let over = 0;
  for (let i = 0; i < COUNT; i++) {
    const c = depthCase(rng, LIMIT);
    const parsedDepth = depthOf(JSON.parse(c.text));
    assert.equal(parsedDepth, c.depth, 'the generator builds what it says');
    assert.equal(refused(c.text), c.depth > LIMIT, `depth ${c.depth}: ${c.text.slice(0, 120)}`);
    if (c.depth > LIMIT) over++;
  }
  assert.ok(over > COUNT / 4 && over < (3 * COUNT) / 4, 'both sides of the limit were exercised');
});

it('junk (unbalanced, truncated, random bytes) is scanned without throwing anything but the 400', () => {
  const rng = new Rng(SEED + 1);
  for (let i = 0; i < 500; i++) {
    const bytes = Buffer.from(Array.from({ length: rng.int(200) }, () => rng.pick([0x5b, 0x5d, 0x7b, 0x7d, 0x22, 0x5c, rng.int(256)])));
    try { checkJsonDepth(bytes); } catch (e) { assert.equal((e as { status?: number }).status, 400); }
  }
});
