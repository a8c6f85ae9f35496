// The patient picker's test stack: a secure stack with one public app asking for a patient,
// an active patient's surname to search and the signed-in doctor's provider number, and the way
// to the picker (the app's authorization request, then OSCAR's sign-in as the doctor).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startSecureStack, type SecureStack } from './fixture.js';
import { Browser, DOCTOR, pkce, signInAtOscar } from './launch-flow.js';

export const PICKER_APP = 'growth-chart';
export const PICKER_REDIRECT = 'http://127.0.0.1:9/app/callback';
export const PICKER_SCOPE = 'launch/patient openid patient/Patient.rs';

export interface PickerStack {
  s: SecureStack;
  /** An active patient's last name: a search the doctor's picker finds. */
  surname: string;
  /** The provider number the doctor signs in to OSCAR as. */
  doctorNo: string;
}

export async function startPickerStack(): Promise<PickerStack> {
  const s = await startSecureStack({ sim: { patients: 3 }, apps: [{ client_id: PICKER_APP, name: 'Growth chart', redirect_uris: [PICKER_REDIRECT], scope: 'launch/patient openid patient/*.rs' }] });
  return { s, surname: s.sim.store.data.demographics.find((d) => d.patientStatus === 'AC')!.lastName, doctorNo: s.sim.options.credentials.providerNo };
}

/** The doctor's stored OSCAR token (undefined once dropped). */
export function keptToken({ s, doctorNo }: PickerStack): Promise<unknown> {
  return s.facade.state.vault.get(`oscar-token:${doctorNo}`);
}

/** The picker's address (without its query) once the doctor has signed in to OSCAR in `browser`. */
export async function toPicker({ s }: PickerStack, browser: Browser): Promise<string> {
  const q = new URLSearchParams({ response_type: 'code', client_id: PICKER_APP, redirect_uri: PICKER_REDIRECT, scope: PICKER_SCOPE, state: randomBytes(8).toString('hex'), aud: s.base, code_challenge: pkce().challenge, code_challenge_method: 'S256' });
  const picker = await signInAtOscar(browser, await browser.follow(`${s.base}/auth/authorize?${q}`), DOCTOR, { atApp: (u) => u.startsWith(PICKER_REDIRECT) });
  assert.equal(picker.status, 200, picker.body.slice(0, 300));
  return picker.url.split('?')[0]!;
}
