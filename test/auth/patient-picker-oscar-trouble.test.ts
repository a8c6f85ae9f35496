// The SMART sign-in's patient picker when the simulated OSCAR fails the clinician's search (its
// fault rules on /ws/services/demographics/quickSearch): a dropped connection, OSCAR's error page,
// and the host in front of OSCAR starting to redirect. The page says which — try again; OSCAR
// refused the search for this account (its error page is how it refuses a user without
// _demographic, contract 3.1); or the facade's OSCAR address needs an administrator — never the
// plain "no patient matches" of an empty answer; the search form
// stays; the log line is typed and holds neither the term nor a patient. Once OSCAR answers again
// the same sign-in finds the patient and ends at the app.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/logging.js';
import type { FaultMode } from '../../src/sim/faults.js';
import { startSecureStack, type SecureStack } from './fixture.js';
import { DOCTOR, formOf, launch } from './launch-flow.js';

const APP = 'growth-chart';
const REDIRECT = 'http://127.0.0.1:9/app/callback';
const SCOPE = 'launch/patient openid patient/Patient.rs';
const QUICK_SEARCH = '/ws/services/demographics/quickSearch';

describe('the patient picker when OSCAR fails the search', () => {
  let s: SecureStack;
  let surname = '';
  let logs = '';
  before(async () => {
    s = await startSecureStack({
      sim: { patients: 3 },
      logger: createLogger('debug', { write: (line: string) => { logs += line; } }),
      apps: [{ client_id: APP, name: 'Growth chart', redirect_uris: [REDIRECT], scope: 'launch/patient openid patient/*.rs' }],
    });
    surname = s.sim.store.data.demographics.find((d) => d.patientStatus === 'AC')!.lastName;
  });
  after(async () => { await s.close(); });

  it('a message per failure on the same page, then the search works again', async () => {
    const seen: { mode: FaultMode; status: number; alert: string | undefined; noPatient: boolean; searchForm: boolean }[] = [];
    const r = await launch({
      base: s.base, clientId: APP, redirectUri: REDIRECT, scope: SCOPE, user: DOCTOR, pick: surname,
      beforeDecide: async (form, browser) => {
        const page = `${form.action.replace(/\/decide$/, '')}?q=${encodeURIComponent(surname)}`;
        for (const mode of ['reset', 'http500', 'redirect'] as const) {
          const rule = s.sim.faults.add({ match: { path: QUICK_SEARCH }, mode });
          try {
            const hop = await browser.request(page);
            seen.push({
              mode, status: hop.status, alert: /<p role="alert">([^<]*)<\/p>/.exec(hop.body)?.[1],
              noPatient: /<p>No patient you may see/.test(hop.body), searchForm: /<input name="q" value="[^"]+">/.test(hop.body),
            });
          } finally {
            s.sim.faults.remove(rule);
          }
        }
        // OSCAR answers again: the search finds the patient; the form posted is this page's (each page has its own csrf).
        const again = await browser.request(page);
        assert.equal(again.status, 200);
        const fresh = formOf(again.body, '/decide');
        assert.ok(fresh && fresh.patients.length > 0, again.body.slice(0, 300));
        form.fields.csrf = fresh.fields.csrf!;
      },
    });
    assert.deepEqual(seen, [
      { mode: 'reset', status: 503, alert: 'OSCAR is not answering right now, so patients cannot be looked up. Try again in a moment.', noPatient: false, searchForm: true },
      { mode: 'http500', status: 403, alert: 'No patient you may see in OSCAR matches: OSCAR refused the search for your account. Your OSCAR role may not allow looking up patients, or your OSCAR sign-in has ended. If you should be able to, tell whoever runs this service.', noPatient: false, searchForm: true },
      { mode: 'redirect', status: 502, alert: 'OSCAR sent the facade&#39;s call to another address, so patients cannot be looked up. The facade&#39;s OSCAR address needs correcting. Tell whoever runs this service.', noPatient: false, searchForm: true },
    ]);
    // With OSCAR answering again the sign-in ends at the app with a code (the patient picked from the search).
    assert.ok(r.callback.searchParams.get('code'), r.callback.href);
    const lines = logs.split('\n').filter((l) => l.includes('call about patients')).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.map((l) => [l.level, l.step, l.error, l.reason ?? l.status]), [
      [40, 'patient search', 'OscarUnreachable', 'connection'],
      [40, 'patient search', 'OscarRefused', undefined],
      [40, 'patient search', 'OscarRedirectError', 301],
    ]);
    assert.match(String(lines[2]!.hint), /^OSCAR redirects its web services to the address they were asked at|^OSCAR_URL should be https:/);
    assert.ok(!logs.includes(surname), 'no search term or patient name in the log');
  });
});
