// The repository explains itself: every citation of docs/ in code, tests, scripts, benchmarks,
// the README and the docs themselves names a file and a section that exist, and code says why
// rather than naming the work item it came from.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as wireSamples from '../mappers/wire-samples.js';
import { checkCitations, checkProcessWords, checkRepoPaths, docsIndex, headingIds, REPO, repoFiles, type DocIndex, type Finding } from './citations.js';

// The checker's own files spell out the forms it looks for, dangling ones included.
const CHECKER = new Set(['test/docs/citations.ts', 'test/docs/citations.test.ts']);
const read = (file: string): string => readFileSync(join(REPO, file), 'utf8');
const show = (findings: Finding[]): string => findings.map((f) => `${f.file}:${f.line}: ${f.message}`).join('\n');

describe('citations of docs/', () => {
  it('every citation in src, test, scripts, bench, profiles, docs and README.md resolves to a doc and a section', () => {
    const docs = docsIndex();
    const files = [...repoFiles(['src', 'test', 'scripts', 'bench', 'profiles', 'docs']), 'README.md'].filter((f) => !CHECKER.has(f));
    assert.ok(files.length > 300, `scanned only ${files.length} files`);
    const findings = files.flatMap((f) => checkCitations(f, read(f), docs));
    assert.equal(findings.length, 0, `unresolved citations:\n${show(findings)}`);
  });

  it('code and tests give reasons, not work items', () => {
    const files = [...repoFiles(['src', 'test', 'scripts', 'bench']), 'README.md'].filter((f) => !CHECKER.has(f));
    const findings = files.flatMap((f) => checkProcessWords(f, read(f)));
    assert.equal(findings.length, 0, show(findings));
  });

  it('the files that describe this repository name only paths that exist', () => {
    // The studies of other projects (SMART, Bulk Data, variants, scheduling) quote their paths.
    const describing = ['README.md', 'docs/README.md', 'docs/design.md', 'docs/mapping.md', 'docs/oscar-contract.md', 'docs/oscar-samples.md',
      ...repoFiles(['src', 'profiles', 'test', 'bench', 'scripts'], /README\.md$/)];
    const findings = describing.flatMap((f) => checkRepoPaths(f, read(f)));
    assert.equal(findings.length, 0, show(findings));
  });

  it('docs/README.md indexes every doc', () => {
    const index = read('docs/README.md');
    const missing = readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md') && f !== 'README.md' && !index.includes(`(${f})`));
    assert.deepEqual(missing, []);
  });

  it('the wire fixtures of the mapper tests are the bodies of docs/oscar-samples.md, verbatim', () => {
    const samples = read('docs/oscar-samples.md');
    const bodies = Object.entries(wireSamples as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');
    assert.ok(bodies.length >= 5);
    for (const [name, body] of bodies) assert.ok(samples.includes(body), `${name} is not in docs/oscar-samples.md`);
  });
});

describe('the citation checker', () => {
  // A docs/ of two files, so these cases do not depend on the real docs' contents.
  const fake: DocIndex = (name) => ({
    'oscar-contract.md': new Set(['1', '1.3', '7', '7.8', '7.23', '7.24', '7.25']),
    'oscar-samples.md': new Set(['1', '2a', '10d']),
    'design.md': new Set(['principle 1', 'principle 5']),
  } as Record<string, Set<string>>)[name];
  const check = (text: string, file = 'src/x.ts'): string[] => checkCitations(file, text, fake).map((f) => f.message);

  it('accepts citations that resolve, in every form the convention allows', () => {
    assert.deepEqual(check([
      '// contract 7.8: stored end is the last included minute',
      '// (contract 1.3, 7.23–7.25) and (contracts 1.3/7.8), contract section 7, contract §7.8',
      '// samples §2a and §10d; samples §1; design principle 5; design principles 1 and 5',
      '// docs/oscar-contract.md §7.8 and [the samples](../../docs/oscar-samples.md)',
      '// (design',
      '// principle 1) wrapped over two comment lines',
    ].join('\n'), 'src/a/b.ts'), []);
  });

  it('reports a contract section that has no heading', () => {
    assert.deepEqual(check('// contract 7.9: consent gates'), ['contract 7.9: docs/oscar-contract.md has no section 7.9']);
  });

  it('reports every section of a list and of a range that has no heading', () => {
    assert.deepEqual(check('// contract 1.3, 7.22–7.24, 9.1'), [
      'contract 1.3, 7.22, 7.23, 7.24, 9.1: docs/oscar-contract.md has no section 7.22',
      'contract 1.3, 7.22, 7.23, 7.24, 9.1: docs/oscar-contract.md has no section 9.1',
    ]);
  });

  it('reports a citation wrapped over two comment lines', () => {
    assert.deepEqual(check('// the reason (contract\n// 7.9) follows'), ['contract 7.9: docs/oscar-contract.md has no section 7.9']);
  });

  it('reports a short-name section that has no heading, and a doc that does not exist', () => {
    assert.deepEqual(check('// samples §2b; mapping §3.2; design principle 2'), [
      'samples §2b: docs/oscar-samples.md has no section 2b',
      'mapping §3.2: docs/mapping.md does not exist',
      'design principle 2: docs/design.md has no section principle 2',
    ]);
  });

  it('reports a short name followed by a bare number, which the check cannot follow', () => {
    assert.deepEqual(check('// as samples 4 shows'), ['samples 4: write samples §4']);
  });

  it('reports a docs/ path or link to a file that does not exist', () => {
    assert.deepEqual(check('// see docs/oscar-contrat.md and [x](docs/nope.md)', 'README.md'), [
      'docs/oscar-contrat.md does not exist',
      'docs/nope.md does not exist',
      'link to docs/nope.md that does not exist',
    ]);
  });

  it('reports study files cited by a name or path outside the repository', () => {
    assert.deepEqual(check('// (mapping' + '.md "Dates"), canadian-' + 'profiles §2, /work/' + 'shared/oscar/samples' + '.md').length, 3);
  });

  it('reports work-item words and leaves ordinary words alone', () => {
    const found = checkProcessWords('src/x.ts', ['// the cache (issue ' + '8)', '// landed in wave' + ' 2', '// issue[0] of the OperationOutcome; a wave of requests', '// as the ' + 'review\'s reproduction showed', '// Diabetes review; reviewer'].join('\n'));
    assert.deepEqual(found.map((f) => f.line), [1, 2, 4]);
  });

  it('reads section ids from headings, outside code fences', () => {
    assert.deepEqual([...headingIds('## 1. Wiring\n### 1.3 JSON\n```\n# 9.9 not a heading\n```\n### 2a. Booking\n### (a) Checklist\n### Principle 5: bounded\n')],
      ['1', '1.3', '2a', 'a', 'Principle', 'principle 5']);
  });
});
