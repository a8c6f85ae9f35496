// Discovery against hand-made OSCARs playing lines and hosts the simulator cannot play yet
// (variants §3, §5, §6): Juno behind its IP allow-list, refused credentials, a Cloudflare WAF that
// blocks even WSDL GETs, CARLOS's missing SystemInfoService, OSCAR 19 and 15, a REST OAuth fault,
// and an OSCAR that does not answer at all.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  CLOUDFLARE_403, CXF_NO_SERVICE, HAPROXY_403, LOGIN_OK, soapFault, soapReturn, startFakeOscar, TOMCAT_404, wadl, wsdl,
  type Canned, type FakeOscarSpec,
} from './fake-oscar.js';
import { discoverAt } from './discovery-setup.js';
import type { FakeServer } from '../fake-http.js';

const OSCAR_NS = 'http://ws.oscarehr.org/';
const JUNO_NS = 'http://v1.soap.external.ws.oscarehr.org/';

/** Per service, the operations of a line (variants §4.1, Appendix A), trimmed to what matters here. */
const OPEN_O: Record<string, string[]> = {
  SystemInfoService: ['getMaxListReturnSize', 'getServerTimeGmtOffset', 'isAlive'],
  LoginService: ['login', 'login2'],
  DemographicService: ['getActiveDemographicsAfter', 'getDemographic', 'getDemographic2', 'searchDemographicsByAttributes'],
  ScheduleService: ['getAppointment2', 'getAppointmentsByDemographicIdAfter'],
  AllergyService: ['getAllergy'], PreventionService: ['getPrevention'], DocumentService: ['getDocument'], ProviderService: ['getProviders2'],
};
const without = (ops: Record<string, string[]>, drop: readonly string[]): Record<string, string[]> =>
  Object.fromEntries(Object.entries(ops).map(([s, list]) => [s, list.filter((op) => !drop.includes(op))]));

function line(ns: string, ops: Record<string, string[]>, gender: string[]): (service: string) => Canned | undefined {
  return (service) => ops[service] && wsdl(ns, ops[service]!, service === 'DemographicService' ? gender : undefined);
}

const servers: FakeServer[] = [];
after(async () => { await Promise.all(servers.map((s) => s.close())); });
async function fake(spec: FakeOscarSpec): Promise<FakeServer> {
  const s = await startFakeOscar(spec);
  servers.push(s);
  return s;
}

const OSCAR_REST = (method: string, path: string): Canned | undefined => {
  if (path === '/ws/services?_wadl') return wadl(['/demographics', '/demographics/basic/{id}', '/oauth/info', '/status/checkIfAuthed']);
  if (method === 'GET' && path === '/ws/services/oauth/info') return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"login":"999998"}' };
  if (method === 'PUT' && path === '/ws/services/status/checkIfAuthed') return { status: 405, body: '' };
  return undefined;
};

describe('discovery of lines and hosts', () => {
  it('Juno behind its IP allow-list: SOAP ip-not-allowed, Juno namespace and variant, REST v1 from its WADL', async () => {
    const s = await fake({
      wsdl: line(JUNO_NS, without(OPEN_O, ['getDemographic2', 'getActiveDemographicsAfter', 'getAppointmentsByDemographicIdAfter']), ['M', 'F', 'T', 'O', 'U']),
      login2: soapFault('Unauthorized IP Address (203.0.113.9)'),
      other: (_m, path) => (path === '/ws/services/v1?_wadl' ? wadl(['/demographic/{demographicId}', '/demographics/search']) : undefined),
    });
    const { map } = await discoverAt(s.base);
    assert.equal(map.soap.reach, 'ip-not-allowed');
    assert.equal(map.soap.namespace, JUNO_NS);
    assert.equal(map.variant, 'juno');
    assert.deepEqual(map.soap.genderCodes, ['M', 'F', 'T', 'O', 'U']);
    assert.equal(map.rest.dialect, 'juno-v1');
    assert.deepEqual(map.rest.paths, ['/v1/demographic/{demographicId}', '/v1/demographics/search']);
    assert.ok(!s.requests.some((r) => r.url.startsWith('/oscar/ws/services?_wadl')), 'the OSCAR-line listing is not asked for on Juno');
  });

  it('Juno with the IP allowed: the signed v1 probe and the PUT probe name the provider login2 returned', async () => {
    const s = await fake({
      wsdl: line(JUNO_NS, OPEN_O, ['M', 'F', 'T', 'O', 'U']),
      login2: LOGIN_OK('101'),
      systemInfo: () => soapReturn('x', '-18000000', JUNO_NS),
      other: (method, path) => {
        if (path === '/ws/services/v1?_wadl') return wadl(['/provider/{id}', '/demographic/{id}']);
        if (path === '/ws/services/v1/provider/101') return method === 'GET' ? { status: 200, headers: { 'content-type': 'application/json' }, body: '{"body":{}}' } : { status: 405, body: '' };
        return undefined;
      },
    });
    const { map } = await discoverAt(s.base);
    assert.equal(map.soap.reach, 'ok');
    assert.equal(map.rest.reach, 'ok');
    assert.equal(map.rest.putAllowed, true);
    assert.ok(s.requests.some((r) => r.method === 'PUT' && r.url === '/oscar/ws/services/v1/provider/101'));
  });

  it('refused SOAP credentials: auth-failed, saying an MFA-managed account is one cause', async () => {
    const s = await fake({ wsdl: line(OSCAR_NS, OPEN_O, ['M', 'F', 'X', 'O', 'U']), login2: soapFault('Invalid Username/Password'), other: OSCAR_REST });
    const { map } = await discoverAt(s.base);
    assert.equal(map.soap.reach, 'auth-failed');
    assert.match(map.soap.detail ?? '', /MFA/);
    assert.equal(map.soap.namespace, OSCAR_NS);
    assert.equal(map.rest.reach, 'ok');
  });

  describe('the token check after login2 (variants §7.2 step 3)', () => {
    const WITH_TOKEN_CHECK = { ...OPEN_O, ProviderService: ['getLoggedInProviderTransfer', 'getProviders2'] };
    const provider = (answer: Canned) => (method: string, path: string): Canned | undefined =>
      (method === 'POST' && path === '/ws/ProviderService' ? answer : OSCAR_REST(method, path));

    it('sends login2\'s security id and token as a PasswordText UsernameToken, and SOAP is ok when it answers', async () => {
      const s = await fake({
        wsdl: line(OSCAR_NS, WITH_TOKEN_CHECK, ['M', 'F', 'X', 'O', 'U']),
        other: provider(soapReturn('getLoggedInProviderTransfer', '<providerNo>999998</providerNo>')),
      });
      const { map } = await discoverAt(s.base);
      assert.equal(map.soap.reach, 'ok');
      const check = s.requests.find((r) => r.method === 'POST' && r.url === '/oscar/ws/ProviderService');
      assert.ok(check, 'the check was made');
      assert.match(check.body, /<wsse:Username>1<\/wsse:Username><wsse:Password Type="[^"]+#PasswordText">tok<\/wsse:Password>/);
      assert.match(check.body, /<tns:getLoggedInProviderTransfer>/);
    });

    it('a refused token is auth-failed, though login2 succeeded', async () => {
      const s = await fake({
        wsdl: line(OSCAR_NS, WITH_TOKEN_CHECK, ['M', 'F', 'X', 'O', 'U']),
        other: provider(soapFault('The security token could not be authenticated or authorized', 'ns1:FailedAuthentication')),
      });
      const { map } = await discoverAt(s.base);
      assert.equal(map.soap.reach, 'auth-failed');
      assert.match(map.soap.detail ?? '', /refused its token on ProviderService/);
      assert.equal(map.rest.reach, 'ok');
    });

    it('an IP allow-list or a proxy refusing the checked call is classified as for login2', async () => {
      const ip = await fake({ wsdl: line(OSCAR_NS, WITH_TOKEN_CHECK, ['M', 'F', 'X', 'O', 'U']), other: provider(soapFault('Unauthorized IP Address (203.0.113.9)')) });
      assert.equal((await discoverAt(ip.base)).map.soap.reach, 'ip-not-allowed');
      const proxy = await fake({ wsdl: line(OSCAR_NS, WITH_TOKEN_CHECK, ['M', 'F', 'X', 'O', 'U']), other: provider(HAPROXY_403) });
      const { map } = await discoverAt(proxy.base);
      assert.deepEqual([map.soap.reach, map.soap.detail], ['edge-blocked', 'a proxy in front of OSCAR refuses SOAP']);
    });

    it('is skipped where ProviderService has no getLoggedInProviderTransfer', async () => {
      const s = await fake({ wsdl: line(OSCAR_NS, OPEN_O, ['M', 'F', 'X', 'O', 'U']), other: OSCAR_REST });
      await discoverAt(s.base);
      assert.ok(!s.requests.some((r) => r.url === '/oscar/ws/ProviderService' && r.method === 'POST'));
    });
  });

  it('a proxy answering login2 with an HTML 403: SOAP edge-blocked by a proxy (not Cloudflare)', async () => {
    const s = await fake({
      wsdl: line(OSCAR_NS, OPEN_O, ['M', 'F', 'X', 'O', 'U']), other: OSCAR_REST,
      login2: { status: 403, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>403 Forbidden</h1></body></html>' },
    });
    const { map } = await discoverAt(s.base);
    assert.equal(map.soap.reach, 'edge-blocked');
    assert.equal(map.soap.detail, 'a proxy in front of OSCAR refuses SOAP');
    assert.equal(map.rest.reach, 'ok');
  });

  it('a Cloudflare WAF refusing even the WSDLs: both halves edge-blocked after three calls', async () => {
    const s = await fake({ wsdl: () => CLOUDFLARE_403, other: () => CLOUDFLARE_403 });
    const d = await discoverAt(s.base);
    assert.equal(d.map.soap.reach, 'edge-blocked');
    assert.match(d.map.soap.detail ?? '', /Cloudflare/);
    assert.equal(d.map.rest.reach, 'edge-blocked');
    assert.equal(d.calls, 3);
  });

  it('CARLOS: SystemInfoService 404 at the edge, the rest of Open-O there: SOAP ok, no server zone, variant carlos', async () => {
    const s = await fake({ wsdl: (svc) => (svc === 'SystemInfoService' ? TOMCAT_404 : line(OSCAR_NS, OPEN_O, ['M', 'F', 'X', 'O', 'U'])(svc)), other: OSCAR_REST });
    const { map } = await discoverAt(s.base);
    assert.equal(map.soap.reach, 'ok');
    assert.equal(map.variant, 'carlos');
    assert.deepEqual(map.soap.operations.SystemInfoService, [], 'a service whose WSDL is absent has no operations');
    assert.equal(map.time.serverOffsetMinutes, undefined);
    assert.equal(map.time.mismatch, false);
  });

  it('OSCAR 19 (getDemographic2, T) and OSCAR 15.0 (neither getDemographic2 nor getActiveDemographicsAfter; only providerService over OAuth)', async () => {
    const o19 = await fake({ wsdl: line(OSCAR_NS, OPEN_O, ['M', 'F', 'T', 'O', 'U']), other: OSCAR_REST });
    assert.equal((await discoverAt(o19.base)).map.variant, 'oscar19');
    const o15 = await fake({
      wsdl: line(OSCAR_NS, without(OPEN_O, ['getDemographic2', 'getActiveDemographicsAfter', 'getAppointmentsByDemographicIdAfter']), ['M', 'F', 'T', 'O', 'U']),
      other: (_m, path) => (path === '/ws/services?_wadl' ? wadl(['/providerService/providers_json', '/providerService/provider/{id}']) : undefined),
    });
    const { map } = await discoverAt(o15.base);
    assert.equal(map.variant, 'oscar15');
    assert.deepEqual(map.rest.paths, ['/providerService/provider/{id}', '/providerService/providers_json']);
    assert.equal(map.rest.reach, 'ok');
    assert.ok(!o15.requests.some((r) => r.url.includes('/oauth/info')), 'no oauth/info where the listing has none');
  });

  it('REST OAuth refused (500 XMLFault, contract 1.6): auth-failed naming the OAuth1Exception code', async () => {
    const s = await fake({
      wsdl: line(OSCAR_NS, OPEN_O, ['M', 'F', 'X', 'O', 'U']),
      other: (method, path) => (path === '/ws/services/oauth/info'
        ? { status: 500, headers: { 'content-type': 'application/json;charset=UTF-8' }, body: '<ns1:XMLFault xmlns:ns1="http://cxf.apache.org/bindings/xformat"><ns1:faultstring xmlns:ns1="http://cxf.apache.org/bindings/xformat">ca.openosp.openo.webserv.oauth.OAuth1Exception: invalid_signature</ns1:faultstring></ns1:XMLFault>' }
        : OSCAR_REST(method, path)),
    });
    const { map } = await discoverAt(s.base);
    assert.equal(map.rest.reach, 'auth-failed');
    assert.match(map.rest.detail ?? '', /invalid_signature/);
    assert.equal(map.rest.putAllowed, undefined, 'no PUT probe without working credentials');
  });

  it('a 500 that only echoes the words (an error page, another exception\'s faultstring) is no OAuth refusal; a real XMLFault is read, not the echo before it', async () => {
    const xmlFault = (code: string): string => '<ns1:XMLFault xmlns:ns1="http://cxf.apache.org/bindings/xformat"><ns1:faultstring xmlns:ns1="http://cxf.apache.org/bindings/xformat">'
      + `ca.openosp.openo.webserv.oauth.OAuth1Exception: ${code}</ns1:faultstring></ns1:XMLFault>`;
    const at = async (body: string, type: string): Promise<{ reach: string; detail?: string | undefined }> => {
      const s = await fake({
        wsdl: line(OSCAR_NS, OPEN_O, ['M', 'F', 'X', 'O', 'U']),
        other: (method, path) => (path === '/ws/services/oauth/info' ? { status: 500, headers: { 'content-type': type }, body } : OSCAR_REST(method, path)),
      });
      return (await discoverAt(s.base)).map.rest;
    };
    const echoes = [
      '<html><body><h1>HTTP Status 500</h1><p>No such name: OAuth1Exception: invalid_signature</p></body></html>',
      '<ns1:XMLFault xmlns:ns1="http://cxf.apache.org/bindings/xformat"><ns1:faultstring>java.lang.NumberFormatException: For input string: "OAuth1Exception: invalid_consumer"</ns1:faultstring></ns1:XMLFault>',
    ];
    for (const body of echoes) {
      const rest = await at(body, 'text/html');
      assert.equal(rest.reach, 'unreachable', body);
      assert.equal(rest.detail, 'the signed probe got HTTP 500', body);
    }
    // An echo before OSCAR's own fault does not take its place.
    const rest = await at(`<p>You searched for OAuth1Exception: unknown_provider</p>${xmlFault('invalid_consumer')}`, 'application/json;charset=UTF-8');
    assert.equal(rest.reach, 'auth-failed');
    assert.equal(rest.detail, 'OSCAR refused the OAuth credentials (invalid_consumer)');
  });

  it('REST module off behind CXF: /ws/services?_wadl "No service was found." → module-off', async () => {
    const s = await fake({ wsdl: line(OSCAR_NS, OPEN_O, ['M', 'F', 'X', 'O', 'U']), other: () => CXF_NO_SERVICE });
    const { map } = await discoverAt(s.base);
    assert.equal(map.rest.reach, 'module-off');
  });

  it('PUT refused by HAProxy: putAllowed false; a 405 from CXF: true', async () => {
    const s = await fake({
      wsdl: line(OSCAR_NS, OPEN_O, ['M', 'F', 'X', 'O', 'U']),
      other: (method, path) => (method === 'PUT' ? HAPROXY_403 : OSCAR_REST(method, path)),
    });
    assert.equal((await discoverAt(s.base)).map.rest.putAllowed, false);
    const t = await fake({ wsdl: line(OSCAR_NS, OPEN_O, ['M', 'F', 'X', 'O', 'U']), other: OSCAR_REST });
    assert.equal((await discoverAt(t.base)).map.rest.putAllowed, true);
  });

  it('nothing listening: both halves unreachable after two calls', async () => {
    const s = await fake({});
    await s.close();
    const d = await discoverAt(s.base, 'America/Toronto', 1_000);
    assert.equal(d.map.soap.reach, 'unreachable');
    assert.equal(d.map.rest.reach, 'unreachable');
    assert.equal(d.calls, 2);
  });

  it('a wrong context path (Tomcat 404 everywhere): SOAP unreachable, naming the context path', async () => {
    const s = await fake({});
    const { map } = await discoverAt(s.base);
    assert.equal(map.soap.reach, 'unreachable');
    assert.match(map.soap.detail ?? '', /context path/);
  });
});
