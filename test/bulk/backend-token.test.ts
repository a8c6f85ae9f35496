// The harness's own Backend Services client (scripts/bulk-check/backend-token.ts), which
// `npm run bulk:check` and the README's public-health recipe use: from a PEM private key and the
// token endpoint the server advertises to a token that starts an export.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportPKCS8 } from 'jose';
import { startSecureStack, type SecureStack } from '../auth/fixture.js';
import { backendToken, discoveredTokenUrl } from '../../scripts/bulk-check/backend-token.js';
import { KICK_OFF_HEADERS } from './export-helpers.js';

describe('the harness Backend Services client', () => {
  let stack: SecureStack;
  before(async () => { stack = await startSecureStack({ sim: { patients: 5 } }); });
  after(async () => { await stack.close(); });

  for (const name of ['es', 'rs'] as const) {
    it(`gets a token with a ${name === 'es' ? 'P-384 EC' : 'RSA'} key and starts an export with it`, async () => {
      const client = stack.clients[name];
      const keyFile = join(stack.dir, `${name}.pem`);
      writeFileSync(keyFile, await exportPKCS8(client.key.privateKey), { mode: 0o600 });
      const token = await backendToken({ tokenUrl: await discoveredTokenUrl(stack.base), clientId: client.clientId, keyFile, scope: 'system/Patient.rs', kid: client.key.kid });
      const res = await fetch(`${stack.base}/Patient/$export?_type=Patient`, { headers: { ...KICK_OFF_HEADERS, authorization: `Bearer ${token}` } });
      assert.equal(res.status, 202);
      await fetch(res.headers.get('content-location')!, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    });
  }
});
