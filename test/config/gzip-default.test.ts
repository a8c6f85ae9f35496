// OSCAR_GZIP's default follows where OSCAR is: compressed answers across a WAN, plain ones from
// this host or a private network (gzip would cost CPU on both sides for bytes that cross in
// microseconds); the setting itself always wins.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadConfig } from '../../src/config.js';

const CREDENTIALS = {
  OSCAR_CONSUMER_KEY: 'k', OSCAR_CONSUMER_SECRET: 's', OSCAR_ACCESS_TOKEN: 't', OSCAR_ACCESS_TOKEN_SECRET: 'ts',
  OSCAR_SOAP_USERNAME: 'u', OSCAR_SOAP_PASSWORD: 'p', LOG_LEVEL: 'silent',
  SMART_ISSUER: 'https://idp.example.org', SMART_JWKS_URL: 'https://idp.example.org/jwks', SMART_TOKEN_URL: 'https://idp.example.org/token',
};
const gzip = (url: string | undefined, setting?: string): boolean =>
  loadConfig({ ...(url && { ...CREDENTIALS, OSCAR_URL: url }), ...(setting !== undefined && { OSCAR_GZIP: setting }) }).upstream.gzip;

it('asks for gzip by default from an OSCAR across the internet', () => {
  for (const url of ['https://emr.example.org/oscar', 'https://203.0.113.7/oscar', 'https://[2001:db8::1]/oscar', 'https://172.32.0.1/oscar']) {
    assert.equal(gzip(url), true, url);
  }
});

it('does not by default from this host or a private network, nor from the embedded simulator', () => {
  for (const url of ['http://localhost:8080/oscar', 'http://127.0.0.1:8080/oscar', 'http://[::1]:8080/oscar', 'http://10.0.4.2/oscar',
    'http://172.16.0.9/oscar', 'http://172.31.255.1/oscar', 'http://192.168.1.20/oscar', 'http://169.254.1.1/oscar', 'http://[fd12:3456::1]/oscar',
    'http://[fe80::1]/oscar', 'http://[::ffff:192.168.0.1]/oscar']) {
    assert.equal(gzip(url), false, url);
  }
  assert.equal(gzip(undefined), false);
});

it('OSCAR_GZIP decides when set', () => {
  assert.equal(gzip('http://127.0.0.1:8080/oscar', 'true'), true);
  assert.equal(gzip('https://emr.example.org/oscar', 'false'), false);
});
