// STATE_DATABASE_URL: off by default (state in this process), read from the variable or its
// _FILE form like other secrets, and refused when it is not a PostgreSQL URL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try { loadConfig(env); } catch (e) { if (e instanceof ConfigError) return e.problems; throw e; }
  return [];
};

it('no STATE_DATABASE_URL: no shared state', () => {
  assert.equal(loadConfig({}).stateDatabaseUrl, undefined);
});

it('reads STATE_DATABASE_URL, or the file STATE_DATABASE_URL_FILE names (trailing newline trimmed)', () => {
  assert.equal(loadConfig({ STATE_DATABASE_URL: 'postgres://u:p@db:5432/fhir' }).stateDatabaseUrl, 'postgres://u:p@db:5432/fhir');
  const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-state-'));
  try {
    writeFileSync(join(dir, 'url'), 'postgresql://u:secret@db/fhir\n');
    assert.equal(loadConfig({ STATE_DATABASE_URL_FILE: join(dir, 'url') }).stateDatabaseUrl, 'postgresql://u:secret@db/fhir');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

it('refuses a URL that is not PostgreSQL, without echoing it', () => {
  const problems = problemsOf({ STATE_DATABASE_URL: 'mysql://u:hunter2@db/fhir' });
  assert.deepEqual(problems, ['STATE_DATABASE_URL must be a postgres:// or postgresql:// URL']);
});
