// Fuzz: generated If-Match / If-None-Match lists parse to exactly the version ids they name, and
// hostile members (white-space runs with stray quotes) name nothing and cost linear time.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { etagMatches, MAX_ETAGS, parseEtagList } from '../../src/fhir/version.js';
import { etagCase } from './etag-headers.js';
import { Rng } from './generators.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);
const COUNT = Number(process.env.FUZZ_COUNT ?? 2_000);

it(`${COUNT} generated entity-tag lists parse to the tags they name (seed ${SEED})`, () => {
  const rng = new Rng(SEED);
  for (let i = 0; i < COUNT; i++) {
    const c = etagCase(rng);
    assert.deepEqual(parseEtagList(c.header), c.tags, JSON.stringify(c.header.slice(0, 200)));
    for (const t of c.tags) assert.equal(etagMatches(c.header, t), true);
    assert.equal(etagMatches(c.header, 'not-listed-0000'), false);
  }
});

it('a header at the size limit of a request line is parsed in about the time of reading it', () => {
  // 16 KB is node's default header limit; a backtracking pattern needed minutes for this.
  const started = performance.now();
  for (const ws of [' ', '\t']) parseEtagList(`a,${ws.repeat(16_000)}x"y`);
  const hostile = performance.now() - started;
  const t1 = performance.now();
  for (let i = 0; i < 2; i++) parseEtagList(`a,${'b'.repeat(16_000)}`);
  const plain = performance.now() - t1;
  assert.ok(hostile < 50 * plain + 50, `hostile ${hostile.toFixed(2)} ms, plain ${plain.toFixed(2)} ms`);
});

it(`more than ${MAX_ETAGS} members is refused`, () => {
  assert.equal((parseEtagList(Array(MAX_ETAGS).fill('"a"').join(',')) as string[]).length, MAX_ETAGS);
  assert.throws(() => parseEtagList(Array(MAX_ETAGS + 1).fill('"a"').join(',')), { status: 400 });
});
