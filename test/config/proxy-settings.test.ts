// The outbound proxy settings (docs/proxy.md): which variable applies to which OSCAR scheme,
// OSCAR_PROXY over the environment ("none" ignores it), NO_PROXY's entries as curl and Node read
// them, start-up refusal of an unusable proxy URL with a message that never shows its password,
// and the header the proxy gets. Expected values are written out here, not computed by the code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { bypassesProxy, egressProxySettingsFrom, proxyRoute, proxySettingsFrom } from '../../src/oscar/proxy.js';

const CREDENTIALS = {
  OSCAR_CONSUMER_KEY: 'k', OSCAR_CONSUMER_SECRET: 's', OSCAR_ACCESS_TOKEN: 't', OSCAR_ACCESS_TOKEN_SECRET: 'ts',
  OSCAR_SOAP_USERNAME: 'u', OSCAR_SOAP_PASSWORD: 'p', LOG_LEVEL: 'silent',
  SMART_ISSUER: 'https://idp.example.org', SMART_JWKS_URL: 'https://idp.example.org/jwks', SMART_TOKEN_URL: 'https://idp.example.org/token',
};

const settings = (env: Record<string, string>, url = 'https://emr.example.org/oscar') => {
  const problems: string[] = [];
  return { s: proxySettingsFrom(env, url, problems), problems };
};

describe('which proxy applies', () => {
  it('HTTPS_PROXY for an https OSCAR, HTTP_PROXY for an http one, the lower-case spelling first', () => {
    const env = { HTTPS_PROXY: 'http://upper:3128', https_proxy: 'http://lower:3128', HTTP_PROXY: 'http://plain:8080' };
    assert.deepEqual(settings(env).s, { https: 'http://lower:3128/', noProxy: [] });
    assert.deepEqual(settings(env, 'http://emr.example.org/oscar').s, { http: 'http://plain:8080/', noProxy: [] });
    assert.equal(settings({ HTTP_PROXY: 'http://plain:8080' }).s, undefined, 'an https OSCAR does not take the http proxy');
    assert.deepEqual(settings({ HTTPS_PROXY: 'proxy.example.org:3128' }).s, { https: 'http://proxy.example.org:3128/', noProxy: [] }, 'scheme-less, as curl takes it');
    assert.deepEqual(settings({ HTTPS_PROXY: 'https://u:p@proxy.example.org' }).s, { https: 'https://u:p@proxy.example.org/', noProxy: [] }, 'an https:// proxy (TLS to the proxy itself)');
  });

  it('OSCAR_PROXY wins over the environment; "none" ignores it', () => {
    const env = { HTTPS_PROXY: 'http://env:3128', NO_PROXY: 'a.example.org, .b.example.org' };
    assert.deepEqual(settings({ ...env, OSCAR_PROXY: 'http://mine:8080' }).s, { https: 'http://mine:8080/', noProxy: ['a.example.org', '.b.example.org'] });
    assert.equal(settings({ ...env, OSCAR_PROXY: 'none' }).s, undefined);
    assert.equal(settings({ ...env, OSCAR_PROXY: 'NONE' }).s, undefined);
  });

  it('refuses an unusable proxy URL at start-up, naming the variable, never showing the password', () => {
    for (const [raw, words] of [
      ['socks5://user:Sekr3t@proxy.example.org:1080', /must be a proxy URL such as http:\/\/proxy\.example\.org:3128 .*got "socks5:\/\/\*\*\*@proxy\.example\.org:1080"/],
      ['http://user:Sekr3t@proxy.example.org:3128/path', /got "http:\/\/\*\*\*@proxy\.example\.org:3128\/path"/],
      ['http://user:Sekr3t@[bad', /got "http:\/\/\*\*\*@\[bad"/],
      ['http://user:Sekr3t%zz@proxy.example.org:3128', /a % that does not start a %XX escape/],
    ] as const) {
      const e = (() => { try { loadConfig({ ...CREDENTIALS, OSCAR_URL: 'https://emr.example.org/oscar', OSCAR_PROXY: raw }); } catch (x) { return x; } return undefined; })();
      assert.ok(e instanceof ConfigError, raw);
      assert.match(e.message, /OSCAR_PROXY/);
      assert.match(e.message, words);
      assert.ok(!e.message.includes('Sekr3t'), e.message);
    }
    const env = { ...CREDENTIALS, OSCAR_URL: 'https://emr.example.org/oscar', https_proxy: 'ftp://x:Sekr3t@h' };
    assert.throws(() => loadConfig(env), (e: Error) => /https_proxy/.test(e.message) && !e.message.includes('Sekr3t'));
    // A variable for the other scheme is not the facade's business.
    assert.equal(loadConfig({ ...CREDENTIALS, OSCAR_URL: 'https://emr.example.org/oscar', HTTP_PROXY: 'ftp://elsewhere' }).oscar?.proxy, undefined);
  });

  it('the configuration carries the settings of a real OSCAR only; the embedded simulator is always direct', () => {
    const c = loadConfig({ ...CREDENTIALS, OSCAR_URL: 'https://emr.example.org/oscar', HTTPS_PROXY: 'http://u:p@proxy:3128', NO_PROXY: 'internal' });
    assert.deepEqual(c.oscar?.proxy, { https: 'http://u:p@proxy:3128/', noProxy: ['internal'] });
    assert.equal(loadConfig({ LOG_LEVEL: 'silent', HTTPS_PROXY: 'http://proxy:3128', HTTP_PROXY: 'http://proxy:3128' }).oscar, null);
  });
});

describe('NO_PROXY', () => {
  const direct = (entries: string, url: string): boolean => bypassesProxy(entries.split(','), new URL(url));

  it('a host name matches itself and its subdomains, case-insensitively; a leading . or *. the same', () => {
    for (const e of ['example.org', '.example.org', '*.example.org', 'EXAMPLE.org', ' example.org ']) {
      assert.equal(direct(e, 'https://emr.example.org/oscar'), true, e);
      assert.equal(direct(e, 'https://a.b.Example.ORG/oscar'), true, e);
      assert.equal(direct(e, 'https://example.org./oscar'), true, `${e}, trailing dot`);
      assert.equal(direct(e, 'https://badexample.org/oscar'), false, `${e} is not a suffix of another word`);
      assert.equal(direct(e, 'https://example.org.evil.net/oscar'), false, e);
    }
    assert.equal(direct('emr.example.org', 'https://example.org/'), false, 'a subdomain entry does not match its parent');
  });

  it('* matches everything; empty entries match nothing', () => {
    assert.equal(direct('*', 'https://anything.example/'), true);
    assert.equal(direct('', 'https://anything.example/'), false);
    assert.equal(direct(',,', 'https://anything.example/'), false);
  });

  it('host:port matches that port only (the scheme\'s default when the URL has none)', () => {
    assert.equal(direct('emr.example.org:8443', 'https://emr.example.org:8443/'), true);
    assert.equal(direct('emr.example.org:8443', 'https://emr.example.org/'), false);
    assert.equal(direct('emr.example.org:443', 'https://emr.example.org/'), true);
    assert.equal(direct('emr.example.org:80', 'https://emr.example.org/'), false);
  });

  it('IP literals and CIDR ranges, IPv4 and IPv6 (bracketed with a port)', () => {
    assert.equal(direct('10.1.2.3', 'http://10.1.2.3:8080/'), true);
    assert.equal(direct('10.1.2.3', 'http://10.1.2.4/'), false);
    assert.equal(direct('10.0.0.0/8', 'http://10.200.3.4/'), true);
    assert.equal(direct('10.0.0.0/8', 'http://11.0.0.1/'), false);
    assert.equal(direct('::1', 'http://[::1]:8080/'), true);
    assert.equal(direct('[::1]:8080', 'http://[::1]:8080/'), true);
    assert.equal(direct('[::1]:8080', 'http://[::1]:9090/'), false);
    assert.equal(direct('fd00::/8', 'https://[fd12:3456::1]/'), true);
    assert.equal(direct('10.1.2.3', 'http://host-10.1.2.3.example/'), false, 'an IP entry does not match a name');
  });
});

describe('the route to a proxied origin', () => {
  it('Basic credentials from the URL, percent-decoded, in the header; the label without them', () => {
    const r = proxyRoute({ https: 'http://clinic%40net:p%3Ass%20w@proxy.example.org:3128/', noProxy: [] }, new URL('https://emr.example.org/oscar'));
    assert.deepEqual(r, {
      host: 'proxy.example.org', port: 3128,
      // base64('clinic@net:p:ss w')
      authorization: 'Proxy-Authorization: Basic Y2xpbmljQG5ldDpwOnNzIHc=\r\n',
      label: 'http://proxy.example.org:3128',
      tls: false,
    });
    assert.deepEqual(proxyRoute({ http: 'https://proxy.example.org/', noProxy: [] }, new URL('http://emr.example.org/')), {
      host: 'proxy.example.org', port: 443, tls: true, authorization: '', label: 'https://proxy.example.org',
    }, 'an https:// proxy: TLS to it, port 443 by default');
    assert.equal(proxyRoute({ https: 'http://proxy.example.org/', noProxy: [] }, new URL('https://emr.example.org/'))?.port, 80);
    assert.equal(proxyRoute({ https: 'http://proxy.example.org/', noProxy: [] }, new URL('https://emr.example.org/'))?.authorization, '');
    assert.equal(proxyRoute({ https: 'http://proxy.example.org/', noProxy: ['example.org'] }, new URL('https://emr.example.org/')), undefined);
    assert.equal(proxyRoute({ https: 'http://proxy.example.org/', noProxy: [] }, new URL('http://emr.example.org/')), undefined, 'no http proxy set');
  });
});

describe('the proxy of the calls that are not OSCAR traffic (docs/proxy.md §5)', () => {
  const egress = (env: Record<string, string>, urls: string[]) => {
    const problems: string[] = [];
    return { s: egressProxySettingsFrom(env, urls, problems), problems };
  };

  it('reads the standard variables for the schemes of the addresses named, never OSCAR_PROXY', () => {
    const env = { https_proxy: 'http://lower:3128', HTTPS_PROXY: 'http://upper:3128', HTTP_PROXY: 'http://plain:8080', NO_PROXY: 'idp.example.org,10.0.0.0/8', OSCAR_PROXY: 'http://oscar-only:1' };
    assert.deepEqual(egress(env, ['https://idp.example.org/jwks']).s, { https: 'http://lower:3128/', noProxy: ['idp.example.org', '10.0.0.0/8'] });
    assert.deepEqual(egress(env, ['https://idp.example.org/jwks', 'http://127.0.0.1:9000/keys']).s, { https: 'http://lower:3128/', http: 'http://plain:8080/', noProxy: ['idp.example.org', '10.0.0.0/8'] });
    assert.equal(egress({ OSCAR_PROXY: 'http://oscar-only:1' }, ['https://idp.example.org/jwks']).s, undefined);
    assert.equal(egress(env, []).s, undefined, 'no address to fetch, nothing read');
  });

  it('checks only the variables it reads: a broken HTTP_PROXY for other programs does not matter to https keys', () => {
    assert.deepEqual(egress({ HTTP_PROXY: 'socks5://x:1080' }, ['https://idp.example.org/jwks']), { s: undefined, problems: [] });
    const { problems } = egress({ HTTPS_PROXY: 'socks5://user:Sekr3t@proxy.example.org:1080' }, ['https://idp.example.org/jwks']);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^HTTPS_PROXY must be a proxy URL/);
    assert.ok(!problems[0]!.includes('Sekr3t'));
  });

  it('in the configuration: the SMART keys\' proxy, one message when OSCAR and the keys read the same broken variable', () => {
    const config = loadConfig({ ...CREDENTIALS, OSCAR_URL: 'http://emr.example.org/oscar', HTTPS_PROXY: 'http://keys-proxy:3128', OSCAR_PROXY: 'none' });
    assert.deepEqual(config.smart.egressProxy, { https: 'http://keys-proxy:3128/', noProxy: [] });
    assert.equal(config.oscar?.proxy, undefined);
    try {
      loadConfig({ ...CREDENTIALS, OSCAR_URL: 'https://emr.example.org/oscar', HTTPS_PROXY: 'socks5://proxy.example.org:1080' });
      assert.fail('expected a ConfigError');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.problems.filter((p) => p.startsWith('HTTPS_PROXY')).length, 1, e.problems.join('\n'));
    }
  });
});
