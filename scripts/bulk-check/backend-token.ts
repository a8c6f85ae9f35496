// A SMART Backend Services access token (smart §4): a client assertion (JWT, ES384 for an EC key,
// RS384 for an RSA one) signed with the client's private key, exchanged at the token endpoint
// the server advertises. Used by `npm run bulk:check` and `npm run -s backend:token`.
//   npm run -s backend:token -- <fhir base> --client-id ID --key key.pem [--scope S] [--kid K]
import { createPrivateKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { importPKCS8, SignJWT } from 'jose';

export interface BackendClientKey { tokenUrl: string; clientId: string; keyFile: string; scope: string; kid?: string }

/** The token endpoint the server advertises (SMART discovery). */
export async function discoveredTokenUrl(base: string): Promise<string> {
  const res = await fetch(`${base}/.well-known/smart-configuration`);
  const body = await res.json() as { token_endpoint?: string };
  if (!body.token_endpoint) throw new Error(`${base}/.well-known/smart-configuration names no token_endpoint`);
  return body.token_endpoint;
}

export async function backendToken(c: BackendClientKey): Promise<string> {
  const pem = readFileSync(c.keyFile, 'utf8');
  const alg = createPrivateKey(pem).asymmetricKeyType === 'ec' ? 'ES384' : 'RS384';
  const key = await importPKCS8(createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }).toString(), alg);
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({}).setProtectedHeader({ alg, typ: 'JWT', ...(c.kid && { kid: c.kid }) })
    .setIssuer(c.clientId).setSubject(c.clientId).setAudience(c.tokenUrl).setIssuedAt(now).setExpirationTime(now + 240).setJti(randomUUID()).sign(key);
  const res = await fetch(c.tokenUrl, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: c.scope, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }),
  });
  const body = await res.json() as { access_token?: string };
  if (!body.access_token) throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const base = process.argv[2]?.replace(/\/$/, '');
  const clientId = arg('client-id');
  const keyFile = arg('key');
  if (!base || !clientId || !keyFile) {
    console.error('usage: npm run -s backend:token -- <fhir base> --client-id ID --key key.pem [--scope S] [--kid K]');
    process.exit(2);
  }
  const kid = arg('kid');
  console.log(await backendToken({ tokenUrl: arg('token-url') ?? await discoveredTokenUrl(base), clientId, keyFile, scope: arg('scope') ?? 'system/*.rs', ...(kid && { kid }) }));
}
