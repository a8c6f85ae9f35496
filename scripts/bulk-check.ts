// Runs the Bulk Data checklist (scripts/bulk-check/checks.ts) against a FHIR server.
//   npm run bulk:check -- <base> [--token T] [--other-token T] [--group ID]
//   npm run bulk:check -- <base> --client-id ID --key PRIVATE_KEY.pem [--token-url URL] [--scope 'system/*.rs']
// With --client-id the token comes from the Backend Services token endpoint the server advertises (SMART:
// a client assertion signed with the key, ES384 or RS384). Exit 1 when a check fails.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { CHECKS, type CheckTarget } from './bulk-check/checks.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function backendToken(tokenUrl: string, clientId: string, keyFile: string, scope: string): Promise<string> {
  const pem = readFileSync(keyFile, 'utf8');
  const alg = pem.includes('BEGIN EC') || /prime|secp384/.test(pem) ? 'ES384' : (arg('alg') ?? 'ES384');
  const key = await importPKCS8(pem, alg);
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({}).setProtectedHeader({ alg, typ: 'JWT', ...(arg('kid') && { kid: arg('kid') }) })
    .setIssuer(clientId).setSubject(clientId).setAudience(tokenUrl).setIssuedAt(now).setExpirationTime(now + 240).setJti(randomUUID()).sign(key);
  const res = await fetch(tokenUrl, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }),
  });
  const body = await res.json() as { access_token?: string };
  if (!body.access_token) throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** The token endpoint the server advertises (SMART discovery). */
async function discoveredTokenUrl(base: string): Promise<string> {
  const res = await fetch(`${base}/.well-known/smart-configuration`);
  const body = await res.json() as { token_endpoint?: string };
  if (!body.token_endpoint) throw new Error(`${base}/.well-known/smart-configuration names no token_endpoint (give --token-url)`);
  return body.token_endpoint;
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
  target.token = () => backendToken(tokenUrl, clientId, arg('key')!, arg('scope') ?? 'system/*.rs');
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
