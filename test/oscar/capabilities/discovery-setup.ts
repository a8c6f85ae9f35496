// Discovery against an OSCAR at a URL (a simulator or a small fake), with the demo credentials.
import { OscarClient } from '../../../src/oscar/client.js';
import { discover, type Discovery } from '../../../src/oscar/capabilities/discover.js';
import { demoCredentials } from '../../../src/sim/options.js';

export const CREDENTIALS = demoCredentials({});

export function clientFor(url: string, timeoutMs = 5_000): OscarClient {
  const c = CREDENTIALS;
  return new OscarClient({
    baseUrl: url, timezone: 'America/Toronto', timeoutMs, retries: 0,
    oauth: { consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, token: c.accessToken, tokenSecret: c.accessTokenSecret },
    soap: { userName: c.soapUserName, password: c.soapPassword },
  });
}

export async function discoverAt(url: string, clinicZone = 'America/Toronto', timeoutMs = 5_000): Promise<Discovery> {
  const client = clientFor(url, timeoutMs);
  try {
    return await discover({ channel: client.probeChannel(), soapCredentials: client.options.soap, clinicZone });
  } finally {
    client.close();
  }
}
