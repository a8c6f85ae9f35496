// The server must never compile the schema at start-up: validators come from the generated
// standalone module, which is rebuilt only when its inputs change. Also: every rule in
// profiles/rules has code, and every invariant in code is used by a rule.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadValidators, validateResource } from '../../src/validation/index.js';
import { ajvVersion, computeInputHash, generatedHash, HASH_LINE_PREFIX, PATHS } from '../../src/validation/inputs.js';
import { INVARIANTS } from '../../src/validation/invariants.js';
import { loadRules, RULES_DIR, type RuleFile } from '../../src/validation/profile-rules.js';
import { valid } from './fixtures.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);

describe('ahead-of-time validators', () => {
  it('the build script leaves an up-to-date generated module', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-validators.ts'], { cwd: repo, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^(built|up to date)/);
    assert.equal(generatedHash(), computeInputHash(ajvVersion()));
  });

  it('loads the validators from the generated standalone code, without compiling anything', () => {
    const info = loadValidators();
    assert.equal(info.source, 'generated');
    assert.equal(info.buildMs, 0);
    assert.equal(info.file, PATHS.generated);
    assert.ok(require.cache[PATHS.generated], 'the generated module was required');
    const compilerLoaded = Object.keys(require.cache).filter((k) => /[\\/]ajv[\\/]dist[\\/](compile|core\.js|ajv\.js)/.test(k));
    assert.deepEqual(compilerLoaded, [], 'no ajv compiler module in this process');
    assert.deepEqual(validateResource(valid.patient()), []);
  });

  it('the generated file starts with the hash of its inputs', () => {
    const head = readFileSync(PATHS.generated, 'utf8').slice(0, 120);
    assert.ok(head.startsWith(HASH_LINE_PREFIX));
    const other = join(mkdtempSync(join(tmpdir(), 'validators-')), 'v.cjs');
    writeFileSync(other, `${HASH_LINE_PREFIX}abc123\n"use strict";\n`);
    assert.equal(generatedHash(other), 'abc123');
    assert.equal(generatedHash(join(tmpdir(), 'does-not-exist.cjs')), undefined);
    assert.notEqual(computeInputHash('8.20.0'), computeInputHash('8.21.0'), 'an ajv upgrade makes the output stale');
  });

  it('the build skips work when the inputs did not change', async () => {
    const { buildValidators } = await import('../../src/validation/build.js');
    const result = buildValidators();
    assert.equal(result.built, false);
    assert.equal(result.inputHash, generatedHash());
  });
});

describe('profile rule files', () => {
  const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.json'));
  const rules = files.flatMap((f) => (JSON.parse(readFileSync(join(RULES_DIR, f), 'utf8')) as RuleFile).rules);

  it('every invariant in code is used by a rule file', () => {
    const used = new Set(rules.filter((r) => r.type === 'invariant').map((r) => r.check ?? r.id));
    assert.deepEqual(Object.keys(INVARIANTS).filter((k) => !used.has(k)), []);
  });

  it('a rule file naming an invariant without code is refused at load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    const bad: RuleFile = {
      title: 't',
      source: 's',
      rules: [{ id: 'no-such-rule', type: 'invariant', context: 'Patient', human: 'h', expression: 'e', source: 's' }],
    };
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
    assert.throws(() => loadRules(`${dir}/`), /no-such-rule has no implementation/);
  });

  it('every rule names its source', () => {
    assert.deepEqual(rules.filter((r) => !r.source), []);
  });
});
