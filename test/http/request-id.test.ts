// Request ids and audit record ids: a caller's safe X-Request-Id is kept; new ids are UUID-shaped,
// never repeat within a process, and differ between processes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { requestIdFor, uniqueId } from '../../src/http/request-id.js';

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('keeps a safe caller id, replaces anything else with a new one', () => {
  assert.equal(requestIdFor('abc-123.x:y_z'), 'abc-123.x:y_z');
  assert.equal(requestIdFor(['first', 'second']), 'first');
  for (const bad of [undefined, '', 'has space', 'a'.repeat(65), 'new\nline']) assert.match(requestIdFor(bad), UUID_SHAPE);
});

test('new ids are UUID-shaped and never repeat', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 20_000; i++) {
    const id = uniqueId();
    assert.match(id, UUID_SHAPE);
    seen.add(id);
  }
  assert.equal(seen.size, 20_000);
});

test('two processes make different ids', () => {
  const script = "import('./src/http/request-id.ts').then((m) => process.stdout.write(m.uniqueId()))";
  const run = (): string => execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  const a = run();
  const b = run();
  assert.match(a, UUID_SHAPE);
  assert.notEqual(a, b);
});
