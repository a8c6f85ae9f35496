// SIM_EDGE_REDIRECT (src/sim/edge/redirect.ts, docs/oscar-redirects.md): the redirects a web
// server in front of OSCAR sends, as nginx writes them. 'https': every request on the plain-HTTP
// port gets nginx's 301 to https:// with the Host header's name (its port dropped) and the request
// URI, query included; 'front-page': a path outside the context gets a 302 to the context's front
// page, the context itself is served. The expected bytes are nginx's, written out here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { readSimSettings } from '../../src/sim/main.js';

const NGINX_301 = '<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n<center><h1>301 Moved Permanently</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const NGINX_302 = '<html>\r\n<head><title>302 Found</title></head>\r\n<body>\r\n<center><h1>302 Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

describe('SIM_EDGE_REDIRECT=https', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ patients: 3, edgeRedirect: 'https' }); });
  after(async () => { await sim.close(); });

  it('answers every request, SOAP POSTs included, with nginx\'s 301 to the same URI on https://', async () => {
    for (const [method, path] of [['GET', '/oscar/ws/services/demographics/quickSearch?query=abc'], ['POST', '/oscar/ws/DemographicService'], ['GET', '/']] as const) {
      const r = await fetch(`${sim.url.replace(/\/oscar$/, '')}${path}`, { method, redirect: 'manual', ...(method === 'POST' && { body: '<x/>', headers: { 'content-type': 'text/xml' } }) });
      assert.equal(r.status, 301, path);
      assert.equal(r.headers.get('location'), `https://127.0.0.1${path}`);
      assert.equal(r.headers.get('server'), 'nginx');
      assert.equal(r.headers.get('content-type'), 'text/html');
      assert.equal(await r.text(), NGINX_301);
    }
    assert.equal(sim.stats.snapshot().total, 0, 'OSCAR saw none of them');
  });
});

describe('SIM_EDGE_REDIRECT=front-page', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator({ patients: 3, edgeRedirect: 'front-page' }); });
  after(async () => { await sim.close(); });

  it('sends a path outside the context to the front page, and serves the context', async () => {
    const origin = sim.url.replace(/\/oscar$/, '');
    const r = await fetch(`${origin}/ws/services/oauth/info`, { redirect: 'manual' });
    assert.equal(r.status, 302);
    assert.equal(r.headers.get('location'), `${origin}/oscar/`);
    assert.equal(await r.text(), NGINX_302);
    const inside = await fetch(`${sim.url}/ws/DemographicService?wsdl`, { redirect: 'manual' });
    assert.equal(inside.status, 200);
  });
});

describe('the SIM_EDGE_REDIRECT setting', () => {
  it('takes none, https or front-page, and refuses anything else', () => {
    assert.equal(readSimSettings({}).edgeRedirect, 'none');
    assert.equal(readSimSettings({ SIM_EDGE_REDIRECT: 'https' }).edgeRedirect, 'https');
    assert.equal(readSimSettings({ SIM_EDGE_REDIRECT: 'front-page' }).edgeRedirect, 'front-page');
    assert.throws(() => readSimSettings({ SIM_EDGE_REDIRECT: 'login' }), /SIM_EDGE_REDIRECT must be none, https or front-page/);
  });
});
