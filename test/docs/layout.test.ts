// docs/design.md describes the source tree as it is: every folder and top-level file of src/
// has a line in its layout, and the layout names nothing that is gone.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from './citations.js';

/** The `src/` block of the layout in docs/design.md: the names at its first indentation level. */
function layoutEntries(): string[] {
  const design = readFileSync(join(REPO, 'docs/design.md'), 'utf8');
  const block = /^## Layout\n+```\n([\s\S]*?)\n```/m.exec(design)?.[1];
  assert.ok(block, 'docs/design.md has a "## Layout" section with a code block');
  const lines = block.split('\n');
  const start = lines.indexOf('src/');
  assert.ok(start >= 0, 'the layout starts the source tree with a line "src/"');
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith(' ')) break; // the next top-level entry (profiles/, test/…)
    const m = /^ {2}(\S+)/.exec(line);
    if (m) names.push(m[1]!);
  }
  return names;
}

describe('docs/design.md layout', () => {
  it('names every folder and top-level file of src/, and nothing that is not there', () => {
    const actual = readdirSync(join(REPO, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory() || e.name.endsWith('.ts'))
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
      .sort();
    const documented = layoutEntries();
    const missing = actual.filter((n) => !documented.includes(n));
    const gone = documented.filter((n) => !actual.includes(n));
    assert.deepEqual({ missing, gone }, { missing: [], gone: [] }, 'src/ entries missing from the layout in docs/design.md, and layout entries no longer in src/');
  });
});
