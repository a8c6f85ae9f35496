// The OSCAR credentials file `oscar-fhir connect` writes and the server reads
// (OSCAR_CREDENTIALS_FILE): a JSON object keyed by the environment variables it stands for, so
// one set of names documents both. It holds secrets: written 0600, refused when others may read it.
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, basename } from 'node:path';

export const CREDENTIAL_KEYS = [
  'OSCAR_URL', 'OSCAR_CONSUMER_KEY', 'OSCAR_CONSUMER_SECRET', 'OSCAR_ACCESS_TOKEN', 'OSCAR_ACCESS_TOKEN_SECRET',
  'OSCAR_SOAP_USERNAME', 'OSCAR_SOAP_PASSWORD',
] as const;
export type CredentialKey = (typeof CREDENTIAL_KEYS)[number];

export interface CredentialsFile extends Partial<Record<CredentialKey, string>> {
  /** The OSCAR provider the access token acts as (from /ws/services/oauth/info). */
  providerNo?: string;
  /** When the handshake completed (ISO 8601). */
  connectedAt?: string;
}

/** Writes atomically (temp file + rename) with mode 0600 from the first byte. */
export function writeCredentialsFile(file: string, creds: CredentialsFile): void {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(creds, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600); // a umask can only remove bits, but be explicit
  renameSync(tmp, file);
}

/**
 * The OSCAR_* values of a credentials file. Problems (unreadable, not JSON, readable by group or
 * others) are pushed as configuration problems.
 */
export function readCredentialsFile(file: string, problems: string[]): Partial<Record<CredentialKey, string>> {
  let text: string;
  try {
    const st = statSync(file);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      problems.push(`OSCAR_CREDENTIALS_FILE: ${file} holds secrets but others may read it (mode ${(st.mode & 0o777).toString(8)}): run chmod 600 ${file}`);
      return {};
    }
    text = readFileSync(file, 'utf8');
  } catch (e) {
    problems.push(`OSCAR_CREDENTIALS_FILE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    return {};
  }
  let json: unknown;
  try { json = JSON.parse(text); } catch {
    problems.push(`OSCAR_CREDENTIALS_FILE: ${file} is not valid JSON (write it with "oscar-fhir connect")`);
    return {};
  }
  const out: Partial<Record<CredentialKey, string>> = {};
  for (const k of CREDENTIAL_KEYS) {
    const v = (json as Record<string, unknown> | null)?.[k];
    if (typeof v === 'string' && v !== '') out[k] = v;
  }
  return out;
}
