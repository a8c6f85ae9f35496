// A configuration that must be refused, in-process (the ConfigError) and by the real entry point
// (src/main.ts: its exit code and everything it wrote), to check that a start-up problem names the
// setting and echoes no secret.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ConfigError } from '../../src/config.js';

/** The ConfigError `load` throws; the test fails when it accepts the configuration. */
export function refusal(load: () => unknown): ConfigError {
  try { load(); } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  assert.fail('the configuration was accepted');
}

/** src/main.ts with `env` over the test's environment (listening on a free port if it starts at all). */
export async function refusedStart(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug', CLINICS_FILE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { out += c.toString(); });
  // A server that starts instead is killed (and the test fails on its exit code) rather than left running.
  const started = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(started);
  return { code, out };
}
