// The HTTP-protection and upstream-resilience settings: defaults, parsing, and clear refusals.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try { loadConfig(env); } catch (e) { if (e instanceof ConfigError) return e.problems; throw e; }
  return [];
};

it('has protective defaults: 20 MiB bodies, CORS and rate limiting off, 10 s shutdown grace', () => {
  const c = loadConfig({});
  assert.deepEqual(c.http, { maxBodyBytes: 20 * 1024 * 1024, corsOrigins: [], rateLimitPerMinute: 0, shutdownGraceMs: 10_000, readyCacheMs: 5_000 });
  assert.equal(c.upstream.breakerThreshold, 5);
  assert.equal(c.upstream.breakerCooldownMs, 30_000);
});

it('reads every setting', () => {
  const c = loadConfig({
    MAX_BODY_BYTES: '65536', CORS_ORIGINS: 'https://App.example.org, http://localhost:3000/', RATE_LIMIT_PER_MINUTE: '600',
    SHUTDOWN_GRACE_MS: '2500', READY_CACHE_MS: '0', OSCAR_BREAKER_THRESHOLD: '3', OSCAR_BREAKER_COOLDOWN_MS: '1500',
  });
  assert.deepEqual(c.http, { maxBodyBytes: 65536, corsOrigins: ['https://app.example.org', 'http://localhost:3000'], rateLimitPerMinute: 600, shutdownGraceMs: 2500, readyCacheMs: 0 });
  assert.deepEqual([c.upstream.breakerThreshold, c.upstream.breakerCooldownMs], [3, 1500]);
  assert.deepEqual(loadConfig({ CORS_ORIGINS: '*' }).http.corsOrigins, ['*']);
});

it('refuses bad values with messages naming the variable', () => {
  const problems = problemsOf({
    MAX_BODY_BYTES: '10', CORS_ORIGINS: 'https://app.example.org/path, ftp://x.org, *.example.org', RATE_LIMIT_PER_MINUTE: '-5',
    SHUTDOWN_GRACE_MS: 'soon', OSCAR_BREAKER_THRESHOLD: '0',
  });
  for (const name of ['MAX_BODY_BYTES', 'RATE_LIMIT_PER_MINUTE', 'SHUTDOWN_GRACE_MS', 'OSCAR_BREAKER_THRESHOLD']) {
    assert.ok(problems.some((p) => p.startsWith(name)), name);
  }
  assert.equal(problems.filter((p) => p.startsWith('CORS_ORIGINS')).length, 3, 'each bad origin is named');
  assert.ok(problemsOf({ CORS_ORIGINS: '*, https://a.org' }).some((p) => /cannot be combined/.test(p)));
});
