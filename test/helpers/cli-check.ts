// `oscar-fhir check` run in-process against a credentials file of the simulator's demo clinic,
// shared by the CLI tests that vary only how OSCAR is reached (a proxy, its certificate, a redirect).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { writeCredentialsFile } from '../../src/config/credentials-file.js';
import { demoCredentials } from '../../src/sim/options.js';

export const demoCreds = demoCredentials({});

/** A credentials file (in a new temporary directory named from `prefix`) for the demo clinic at `url`. */
export function demoCredentialsFile(prefix: string, url: string): string {
  const file = join(mkdtempSync(join(tmpdir(), prefix)), 'oscar-credentials.json');
  writeCredentialsFile(file, {
    OSCAR_URL: url, OSCAR_CONSUMER_KEY: demoCreds.consumerKey, OSCAR_CONSUMER_SECRET: demoCreds.consumerSecret,
    OSCAR_ACCESS_TOKEN: demoCreds.accessToken, OSCAR_ACCESS_TOKEN_SECRET: demoCreds.accessTokenSecret,
    OSCAR_SOAP_USERNAME: demoCreds.soapUserName, OSCAR_SOAP_PASSWORD: demoCreds.soapPassword,
  });
  return file;
}

/** `oscar-fhir check --credentials file` with `env`: its exit code and everything it printed. */
export async function runCheck(file: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({ write(chunk: Buffer, _e, cb) { out += chunk.toString(); cb(); } });
  const code = await main(['check', '--credentials', file], { stdin: new PassThrough(), stdout: sink, stderr: sink }, { OSCAR_TIMEZONE: 'America/Toronto', ...env });
  return { code, out };
}
