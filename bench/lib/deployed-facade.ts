// The facade as benchmark 6 runs it, for the tools that take one of its cases apart
// (page-http.ts, read-tail.ts): from the build in a process of its own, SMART on with tokens of an
// external issuer, an audit record per request written to a file, OSCAR (the benchmark's
// simulator) on loopback without gzip, at most 4 OSCAR calls at once, the change feed polling
// every 5 s.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type Child } from './proc.js';
import { startIssuer } from '../../test/auth/fixture.js';

export interface DeployedFacade {
  facade: Child<{ base: string }>;
  /** A bearer token for system/*.rs, good for an hour. */
  headers: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the facade against `simUrl`; `env` adds or overrides settings, `nodeArgs` go to its node. */
export async function startDeployedFacade(simUrl: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<DeployedFacade> {
  let audience = '';
  const issuer = await startIssuer(() => audience);
  const facade: Child<{ base: string }> = await startChild('servers/facade.ts', {
    BENCH_FACADE_FROM: 'dist', BENCH_SIM_URL: simUrl, CHANGE_POLL_SECONDS: '5', OSCAR_MAX_IN_FLIGHT: '4', OSCAR_MAX_QUEUE: '1000', OSCAR_GZIP: 'false',
    AUTH_MODE: 'smart', SMART_ISSUER: issuer.issuer, SMART_JWKS_URL: issuer.jwksUrl, SMART_TOKEN_URL: `${issuer.issuer}/token`,
    SMART_EXTERNAL_SYSTEM_SCOPES: 'true', AUDIT_LOG: join(mkdtempSync(join(tmpdir(), 'oscar-fhir-audit-')), 'audit.jsonl'),
    ...env,
  }, [], nodeArgs);
  audience = facade.info.base;
  const headers = { authorization: `Bearer ${await issuer.token({ scope: 'system/*.rs' }, { expiresIn: 3600 })}` };
  return { facade, headers, stop: async () => { await facade.stop(); await issuer.close(); } };
}
