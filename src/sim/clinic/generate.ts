// The synthetic clinic: a deterministic function of the seed (and of the clinic's local date of
// `now`, which anchors "past" and "future"). Canadian and deliberately awkward: accented names,
// several provinces' health cards, partial birth dates, inactive and deceased patients, custom
// appointment statuses, DST-day bookings, refused/edited/deleted preventions, missing files.
import type { AppointmentRow, ClinicData, DemographicExtRow } from './model.js';
import type { SimDemoCredentials } from '../options.js';
import { epochOfWallClock, wallDateOf } from '../wall-clock.js';
import { addDays } from './calendar.js';
import type { GenContext } from './gen-context.js';
import { generateAllergies, type AllergyBuild } from './gen-allergies.js';
import { defaultAppointmentStatuses, generateAppointments, type AppointmentBuild } from './gen-appointments.js';
import { generatePatientDocuments, generateSpecialDocuments, type DocumentBuild } from './gen-documents.js';
import { generatePatient, type PatientInfo } from './gen-patients.js';
import { generatePreventions, guaranteeVariety, type PreventionBuild } from './gen-preventions.js';
import { generateSchedules } from './gen-schedules.js';
import { generateConsentTypes, generateOAuth, generateProviders, generateRoles, generateSecurity } from './gen-staff.js';
import { Rng } from './random.js';

export interface GenerateClinicOptions {
  seed: number;
  /** Number of patients (the first, 1001, is JANE DOE of samples §1). */
  patients: number;
  /** IANA zone of the simulated OSCAR server. */
  timezone: string;
  credentials: SimDemoCredentials;
  /** Epoch ms taken as "now" (default: the real clock). Only its local date matters. */
  now?: number;
}

export const DEFAULT_PATIENTS = 300;
/** Patient numbers start here (samples §1 uses 1001). */
export const FIRST_DEMOGRAPHIC_NO = 1001;

export function generateClinic(opts: GenerateClinicOptions): ClinicData {
  const { seed, timezone, credentials } = opts;
  const patientsWanted = Math.max(0, Math.floor(opts.patients));
  const today = wallDateOf(opts.now ?? Date.now(), timezone);
  const rng = new Rng(seed);

  const providers = generateProviders(credentials);
  const active = providers.filter((p) => p.status === '1');
  const doctors = active.filter((p) => p.providerType === 'doctor');
  const consentOwner = doctors.find((p) => p.providerNo !== credentials.providerNo) ?? providers.find((p) => p.providerNo !== credentials.providerNo);
  const ctx: GenContext = {
    rng, timezone, today, credentials, providers, doctors,
    clinicians: active.filter((p) => p.providerType === 'doctor' || p.providerType === 'nurse'),
    receptionistNo: providers.find((p) => p.providerType === 'receptionist')?.providerNo ?? credentials.providerNo,
    retired: providers.find((p) => p.status === '0') ?? null,
    consentOwnerNo: consentOwner?.providerNo ?? '0',
    ids: { demographicExt: 1, appointment: 1, allergy: 1, prevention: 1, preventionExt: 1, document: 1 },
  };

  const demographicExts: DemographicExtRow[] = [];
  const patients: PatientInfo[] = [];
  for (let i = 0; i < patientsWanted; i++) patients.push(generatePatient(ctx, i, FIRST_DEMOGRAPHIC_NO + i, demographicExts));

  const appts: AppointmentBuild = { ctx, patients, out: [] };
  generateAppointments(appts);
  const byPatient = new Map<number, AppointmentRow[]>();
  for (const a of appts.out) {
    const list = byPatient.get(a.demographicNo);
    if (list) list.push(a); else byPatient.set(a.demographicNo, [a]);
  }

  const allergies: AllergyBuild = { ctx, out: [] };
  const preventions: PreventionBuild = { ctx, out: [], exts: [] };
  const documents: DocumentBuild = { ctx, out: [], ctl: [], appointmentsByPatient: byPatient };
  patients.forEach((p, i) => {
    generateAllergies(allergies, p, i);
    generatePreventions(preventions, p, i);
    generatePatientDocuments(documents, p, i);
  });
  guaranteeVariety(preventions, patients);
  generateSpecialDocuments(documents, patients);

  const consentTypes = generateConsentTypes(ctx.consentOwnerNo);
  const consents = patients.flatMap((p) => {
    const r = rng.next();
    return r < 0.25 ? [{ demographicNo: p.row.demographicNo, consentTypeId: 1, consented: true }]
      : r < 0.3 ? [{ demographicNo: p.row.demographicNo, consentTypeId: 1, consented: false }] : [];
  });
  const issued = Math.floor(epochOfWallClock(`${addDays(today, -30)}T09:00:00`, timezone) / 1000);
  const oauth = generateOAuth(credentials, rng, issued);

  return {
    timezone,
    providers,
    security: generateSecurity(credentials, providers),
    secUserRoles: generateRoles(providers),
    demographics: patients.map((p) => p.row),
    demographicExts,
    appointments: appts.out,
    appointmentStatuses: defaultAppointmentStatuses(),
    ...generateSchedules(today, ctx.clinicians, ctx.receptionistNo),
    allergies: allergies.out,
    preventions: preventions.out,
    preventionExts: preventions.exts,
    documents: documents.out,
    ctlDocuments: documents.ctl,
    consentTypes,
    consents,
    oauthClients: oauth.clients,
    oauthRequestTokens: [],
    oauthAccessTokens: oauth.tokens,
  };
}
