// A real SMART app in headless Chromium: fhirclient's browser build, served from another origin,
// does an EHR launch (from the link an OSCAR eForm holds) and a standalone launch with patient
// picking, through the simulator's OSCAR sign-in page and the facade's consent page, then reads
// the patient's data across origins (CORS at the token endpoint and the FHIR API). Two providers
// with different OSCAR roles see different things through the same app. A clinician whose OSCAR
// sign-in is revoked while the picker is open is told so and signs in to OSCAR again for the same
// launch (smart §7.7, contract 2.7).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startSecureStack, type SecureStack } from '../auth/fixture.js';
import { launchChromium } from '../helpers/chromium.js';
import { freePort } from '../helpers/stack.js';
import { DOCTOR, BILLING_CLERK } from '../auth/launch-flow.js';

const require = createRequire(import.meta.url);
const FHIR_CLIENT_JS = readFileSync(require.resolve('fhirclient/build/fhir-client.js'));
const CLIENT_ID = 'browser-app';

/** The app: launch pages call FHIR.oauth2.authorize, index.html reads the patient and writes what it got into the title. */
function appPages(fhirBase: string): Record<string, string> {
  const page = (script: string): string => `<!DOCTYPE html><html><head><title>app</title><script src="/fhir-client.js"></script></head><body><script>${script}</script></body></html>`;
  const scope = 'launch/patient openid fhirUser online_access patient/Patient.rs patient/Immunization.rs';
  return {
    '/launch.html': page(`FHIR.oauth2.authorize({ clientId: '${CLIENT_ID}', scope: 'launch ${scope}', redirectUri: '/index.html' });`),
    '/standalone.html': page(`FHIR.oauth2.authorize({ iss: '${fhirBase}', clientId: '${CLIENT_ID}', scope: '${scope}', redirectUri: '/index.html' });`),
    '/index.html': page(`FHIR.oauth2.ready().then(async (client) => {
      const patient = await client.patient.read();
      const imms = await client.request('Immunization?patient=' + client.patient.id);
      const t = client.state.tokenResponse;
      document.title = 'OK ' + JSON.stringify({ patient: client.patient.id, read: patient.id, fhirUser: client.getFhirUser(), scope: t.scope,
        refresh: typeof t.refresh_token === 'string', banner: t.need_patient_banner, immunizations: (imms.entry || []).length });
    }).catch((e) => { document.title = 'ERR ' + e.message; });`),
  };
}

describe('a fhirclient app in headless Chromium', () => {
  let s: SecureStack;
  let app: Server;
  let appOrigin = '';
  let browser: Browser;
  let patient = 0;
  let surname = '';

  before(async () => {
    const port = await freePort();
    appOrigin = `http://localhost:${port}`;
    let pages: Record<string, string> = {};
    app = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/fhir-client.js') { res.writeHead(200, { 'content-type': 'text/javascript' }).end(FHIR_CLIENT_JS); return; }
      const html = pages[path];
      if (html) res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => app.listen(port, '127.0.0.1', () => r()));
    s = await startSecureStack({
      apps: [{
        client_id: CLIENT_ID, name: 'Browser app', redirect_uris: [`${appOrigin}/index.html`], launch_uri: `${appOrigin}/launch.html`,
        scope: 'launch launch/patient openid fhirUser online_access patient/*.rs',
      }],
    });
    pages = appPages(s.base);
    const withShots = s.sim.store.data.preventions.map((p) => p.demographicNo);
    const d = s.sim.store.data.demographics.find((x) => x.patientStatus === 'AC' && withShots.includes(x.demographicNo))!;
    patient = d.demographicNo;
    surname = d.lastName;
  });
  after(async () => {
    await s?.close();
    await new Promise((r) => app?.close(r));
  });

  /**
   * A new browser per launch: the npm-shipped Chromium runs single-process, and there a second
   * context's page script (the OSCAR page's AJAX login) did not see the cookies its navigation had set.
   */
  async function freshPage(): Promise<Page> {
    browser = await launchChromium();
    return browser.newPage();
  }
  async function closeBrowser(): Promise<void> {
    await browser?.close();
  }

  /** Logs in on the simulator's OSCAR consent page (as its own script does) and presses Authorize. */
  async function oscarSignIn(page: Page, user: { name: string; password: string }): Promise<void> {
    await page.waitForSelector('#username', { timeout: 30_000 });
    await page.fill('#username', user.name);
    await page.fill('#password', user.password);
    await page.click('#login');
    await page.waitForSelector('#authorize:visible');
    await page.click('#authorize');
  }

  async function result(page: Page): Promise<Record<string, unknown>> {
    await page.waitForFunction("document.title.startsWith('OK ') || document.title.startsWith('ERR ')", undefined, { timeout: 60_000 });
    const title = await page.title();
    assert.ok(title.startsWith('OK '), title);
    return JSON.parse(title.slice(3)) as Record<string, unknown>;
  }

  /** In the facade's picker: searches the patient's surname, picks them, allows; what the app got. */
  async function pickAndAllow(page: Page): Promise<Record<string, unknown>> {
    await page.waitForSelector('input[name=q]');
    await page.fill('input[name=q]', surname);
    await page.click('text=Search');
    await page.check(`input[name=patient][value="${patient}"]`);
    await page.click('button[value=allow]');
    return result(page);
  }

  it('EHR launch from the OSCAR link: sign-in, patient confirmed, the app reads that patient', { timeout: 120_000 }, async () => {
    const page = await freshPage();
    try {
      await page.goto(`${s.base}/auth/launch/${CLIENT_ID}?demographic_no=${patient}&provider_no=${s.sim.store.data.providers[0]!.providerNo}`);
      await oscarSignIn(page, DOCTOR);
      await page.waitForSelector('text=Check this is the patient you meant');
      await page.click('button[value=allow]');
      const got = await result(page);
      assert.equal(got.patient, String(patient));
      assert.equal(got.read, String(patient));
      assert.equal(got.banner, false);
      assert.match(String(got.fhirUser), /^Practitioner\//);
      assert.equal(got.refresh, true);
      assert.ok(Number(got.immunizations) > 0, 'the patient\'s immunizations came back across origins');
      assert.match(String(got.scope), /patient\/Immunization\.rs/);
    } finally {
      await closeBrowser();
    }
  });

  it('standalone launch: the user picks the patient in the facade\'s picker', { timeout: 120_000 }, async () => {
    const page = await freshPage();
    try {
      await page.goto(`${appOrigin}/standalone.html`);
      await oscarSignIn(page, DOCTOR);
      const got = await pickAndAllow(page);
      assert.equal(got.patient, String(patient));
      assert.equal(got.banner, true);
    } finally {
      await closeBrowser();
    }
  });

  it('through the same app, a provider whose OSCAR role lacks _demographic finds no patient', { timeout: 120_000 }, async () => {
    const page = await freshPage();
    try {
      await page.goto(`${appOrigin}/standalone.html`);
      await oscarSignIn(page, BILLING_CLERK);
      await page.waitForSelector('input[name=q]');
      await page.fill('input[name=q]', surname);
      await page.click('text=Search');
      await page.waitForSelector('text=No patient you may see in OSCAR matches');
      assert.equal(await page.locator('input[name=patient]').count(), 0);
    } finally {
      await closeBrowser();
    }
  });

  it('the OSCAR sign-in revoked while the picker is open: "sign-in ended", then OSCAR\'s sign-in again and the same launch completes', { timeout: 180_000 }, async () => {
    const doctorNo = s.sim.options.credentials.providerNo;
    // The simulator's admin API as a clinician's Delete on OSCAR's token list (contract 2.5, 2.7).
    const revoke = async (): Promise<number> => {
      const res = await fetch(`${new URL(s.sim.url).origin}/__sim/oauth/revoke`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ providerNo: doctorNo }),
      });
      assert.equal(res.status, 200);
      return ((await res.json()) as { revoked: number }).revoked;
    };
    await revoke(); // the earlier launches' tokens
    // Markup, an entity and quotes in the term (within the picker's 60 characters): an unescaped
    // echo would make an element.
    const term = `${surname}<i id="echoed">&amp;"'`;
    assert.ok(term.length <= 60);
    const page = await freshPage();
    try {
      await page.goto(`${appOrigin}/standalone.html`);
      await oscarSignIn(page, DOCTOR);
      await page.waitForSelector('input[name=q]');
      assert.equal(await revoke(), 1, 'this sign-in\'s token (the facade\'s own is kept)');

      await page.fill('input[name=q]', term);
      const [ended] = await Promise.all([page.waitForResponse((r) => r.request().isNavigationRequest()), page.click('text=Search')]);
      assert.equal(ended.status(), 401);
      const html = await ended.text();
      await page.waitForLoadState();
      assert.ok(!html.includes('<i id="echoed">') && !html.includes('&amp;"\''), 'the term is not echoed unescaped');
      assert.equal(await page.locator('#echoed').count(), 0);
      assert.equal((await page.locator('h1').textContent())?.trim(), 'Sign in to OSCAR again');
      assert.equal((await page.locator('[role=alert]').textContent())?.trim(), 'Your OSCAR sign-in has ended; sign in to OSCAR again.');
      const text = await page.locator('body').innerText();
      assert.doesNotMatch(text, /No patient you may see|role may not allow|[Tt]ry again/, text);
      assert.equal(await page.locator('input[name=patient]').count(), 0);

      // OSCAR's web session gone too (as after its timeout), so the clinician logs in again rather
      // than only pressing Authorize (OAuthSessionMerger, contract 2.3). The button's form goes to
      // the facade and is redirected to OSCAR: a form-action policy would block that in Chromium.
      await page.context().clearCookies({ name: 'JSESSIONID' });
      await Promise.all([page.waitForURL(/\/ws\/oauth\/authorize\?oauth_token=/), page.click('button:has-text("Sign in to OSCAR")')]);
      await oscarSignIn(page, DOCTOR);
      const got = await pickAndAllow(page);
      assert.equal(got.patient, String(patient));
      assert.equal(got.read, String(patient), 'the app reads its patient with the new sign-in');
      assert.equal(got.banner, true);
      assert.ok(Number(got.immunizations) > 0);
    } finally {
      await closeBrowser();
    }
  });
});
