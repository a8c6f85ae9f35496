// The HTTP-protection and upstream-resilience settings: defaults, parsing, and clear refusals.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try { loadConfig(env); } catch (e) { if (e instanceof ConfigError) return e.problems; throw e; }
  return [];
};

it('has protective defaults: 20 MiB documents, 1 MiB other bodies, bounded connections, CORS and rate limiting off, 10 s shutdown grace', () => {
  const c = loadConfig({});
  assert.deepEqual(c.http, {
    maxBodyBytes: 20 * 1024 * 1024, maxResourceBodyBytes: 1024 * 1024, maxConnections: 1_000, headersTimeoutMs: 10_000, requestTimeoutMs: 60_000,
    keepAliveTimeoutMs: 65_000, idleTimeoutMs: 120_000, corsOrigins: [], rateLimitPerMinute: 0, shutdownGraceMs: 10_000, readyCacheMs: 5_000,
  });
  assert.equal(c.upstream.breakerThreshold, 5);
  assert.equal(c.upstream.breakerCooldownMs, 30_000);
});

it('reads every setting', () => {
  const c = loadConfig({
    MAX_BODY_BYTES: '65536', CORS_ORIGINS: 'https://App.example.org, http://localhost:3000/', RATE_LIMIT_PER_MINUTE: '600',
    SHUTDOWN_GRACE_MS: '2500', READY_CACHE_MS: '0', OSCAR_BREAKER_THRESHOLD: '3', OSCAR_BREAKER_COOLDOWN_MS: '1500',
    MAX_RESOURCE_BODY_BYTES: '4096', HTTP_MAX_CONNECTIONS: '50', HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_REQUEST_TIMEOUT_MS: '3000',
    HTTP_KEEP_ALIVE_TIMEOUT_MS: '4000', HTTP_IDLE_TIMEOUT_MS: '5000',
  });
  assert.deepEqual(c.http, {
    maxBodyBytes: 65536, maxResourceBodyBytes: 4096, maxConnections: 50, headersTimeoutMs: 2000, requestTimeoutMs: 3000, keepAliveTimeoutMs: 4000,
    idleTimeoutMs: 5000, corsOrigins: ['https://app.example.org', 'http://localhost:3000'], rateLimitPerMinute: 600, shutdownGraceMs: 2500, readyCacheMs: 0,
  });
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
  assert.ok(problemsOf({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' }).some((p) => /HTTP_HEADERS_TIMEOUT_MS \(5000\) cannot be longer/.test(p)));
  assert.ok(problemsOf({ HTTP_MAX_CONNECTIONS: '0' }).some((p) => p.startsWith('HTTP_MAX_CONNECTIONS')));
});
