// Runs the Bulk Data checklist (scripts/bulk-check/checks.ts) against a FHIR server.
//   npm run bulk:check -- <base> [--token T] [--other-token T] [--group ID]
//   npm run bulk:check -- <base> --client-id ID --key PRIVATE_KEY.pem [--token-url URL] [--scope 'system/*.rs']
// With --client-id the token comes from the Backend Services token endpoint the server advertises (SMART:
// a client assertion signed with the key, ES384 or RS384). Exit 1 when a check fails.
import { backendToken, discoveredTokenUrl } from './bulk-check/backend-token.js';
import { CHECKS, type CheckTarget } from './bulk-check/checks.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const base = process.argv[2]?.replace(/\/$/, '');
if (!base || base.startsWith('--')) {
  console.error('usage: npm run bulk:check -- <fhir base> [--token T] [--other-token T] [--group ID] [--client-id ID --key key.pem [--token-url URL] [--scope S] [--kid K]]');
  process.exit(2);
}
const target: CheckTarget = { base, ...(arg('group') && { group: arg('group') }) };
const given = arg('token');
const clientId = arg('client-id');
if (given) target.token = async () => given;
else if (clientId && arg('key')) {
  const tokenUrl = arg('token-url') ?? await discoveredTokenUrl(base);
  target.token = () => backendToken({ tokenUrl, clientId, keyFile: arg('key')!, scope: arg('scope') ?? 'system/*.rs', ...(arg('kid') && { kid: arg('kid') }) });
}
const other = arg('other-token');
if (other) target.otherToken = async () => other;

let failed = 0;
for (const c of CHECKS) {
  try {
    const r = await c.run(target);
    console.log(`${r ? 'SKIP' : 'PASS'}  ${c.id}  ${c.title}${r ? `  (${r.slice('skipped: '.length)})` : ''}`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${c.id}  ${c.title}\n      ${(e as Error).message}`);
  }
}
console.log(failed ? `${failed} of ${CHECKS.length} checks failed` : `all ${CHECKS.length} checks passed or did not apply`);
process.exit(failed ? 1 : 0);
