// Staff, logins and API clients of the synthetic clinic: providers (contract 5.6), security rows
// (SOAP users, 4.2), the OAuth consumer and pre-authorised access token (2.2), and the consent type.
import type { ConsentTypeRow, OAuthAccessTokenRow, OAuthClientRow, ProviderRow, SecUserRoleRow, SecurityRow } from './model.js';
import type { SimDemoCredentials } from '../options.js';
import type { Rng } from './random.js';

const STAFF_UPDATED = '2023-11-14T17:13:20'; // the demo provider's lastUpdateDate in samples §1

function provider(p: Partial<ProviderRow> & Pick<ProviderRow, 'providerNo' | 'lastName' | 'firstName' | 'providerType'>): ProviderRow {
  return {
    specialty: '', team: '', sex: '', dob: null, address: '', phone: '', workPhone: '', email: null,
    ohipNo: '', rmaNo: null, billingNo: '', hsoNo: null, status: '1', comments: null, providerActivity: null,
    practitionerNo: null, practitionerNoType: null, title: null, lastUpdateUser: p.providerNo,
    lastUpdateDate: STAFF_UPDATED,
    ...p,
  };
}

/** The demo provider first, then the rest of the clinic (skipping any number the demo provider took). */
export function generateProviders(creds: SimDemoCredentials): ProviderRow[] {
  const demo = provider({
    providerNo: creds.providerNo, lastName: 'oscardoc', firstName: 'doctor', providerType: 'doctor',
    specialty: 'Family Medicine', sex: 'M', practitionerNo: '65432', practitionerNoType: 'CPSO', ohipNo: '123456',
    billingNo: '123456', title: 'Dr.', lastUpdateUser: creds.providerNo,
  });
  const others: ProviderRow[] = [
    provider({ providerNo: '100101', lastName: 'Côté', firstName: 'Amélie', providerType: 'doctor', specialty: 'Family Medicine',
      sex: 'F', practitionerNo: '71234', practitionerNoType: 'CPSO', ohipNo: '234567', billingNo: '234567', title: 'Dr.',
      email: 'acote@clinic.example.org', phone: '416-555-0101', workPhone: '416-555-0102' }),
    provider({ providerNo: '100102', lastName: 'Patel', firstName: 'Rajesh', providerType: 'doctor', specialty: 'Family Medicine',
      sex: 'M', practitionerNo: '80345', practitionerNoType: 'CPSO', ohipNo: '345678', billingNo: '345678', title: 'Dr.', team: 'Blue' }),
    provider({ providerNo: '100103', lastName: "O'Brien", firstName: 'Siobhán', providerType: 'doctor', specialty: 'Pediatrics',
      sex: 'F', practitionerNo: '92456', practitionerNoType: 'CPSO', ohipNo: '456789', billingNo: '456789', title: 'Dr.', team: 'Blue' }),
    provider({ providerNo: '200201', lastName: 'Nguyễn', firstName: 'Thị Lan', providerType: 'nurse', specialty: 'Primary care nursing',
      sex: 'F', practitionerNo: 'N012345', practitionerNoType: 'CNORN', email: 'lnguyen@clinic.example.org' }),
    provider({ providerNo: '200202', lastName: 'Saint-Pierre', firstName: 'Mathieu', providerType: 'nurse', specialty: 'Nurse practitioner',
      sex: 'M', practitionerNo: 'NP67890', practitionerNoType: 'CNORNP' }),
    provider({ providerNo: '300301', lastName: 'Tremblay', firstName: 'Julie', providerType: 'receptionist', sex: 'F' }),
    provider({ providerNo: '100199', lastName: 'Lévesque', firstName: 'Gérald', providerType: 'doctor', specialty: 'Family Medicine',
      sex: 'M', practitionerNo: '41122', practitionerNoType: 'CPSO', ohipNo: '567890', billingNo: '567890', status: '0',
      comments: 'Retired', title: 'Dr.', lastUpdateDate: '2021-06-30T16:00:00' }),
  ];
  return [demo, ...others.filter((p) => p.providerNo !== creds.providerNo)];
}

/** The demo SOAP user, a second (nurse) user, and an expired locum account. */
export function generateSecurity(creds: SimDemoCredentials, providers: readonly ProviderRow[]): SecurityRow[] {
  const rows: SecurityRow[] = [{
    securityNo: creds.securityNo, userName: creds.soapUserName, password: creds.soapPassword,
    providerNo: creds.providerNo, expireDate: '2100-01-01',
  }];
  const taken = (no: number, name: string): boolean => rows.some((r) => r.securityNo === no || r.userName === name);
  let no = creds.securityNo + 1;
  const nurse = providers.find((p) => p.providerType === 'nurse');
  const retired = providers.find((p) => p.status === '0');
  const frontDesk = providers.find((p) => p.providerNo === BILLING_CLERK_NO);
  for (const [userName, password, providerNo, expireDate] of [
    ['lnguyen', 'Nurse-2024!', nurse?.providerNo ?? null, '2100-01-01'],
    ['jtremblay', 'Front-desk-2024!', frontDesk?.providerNo ?? null, '2100-01-01'],
    ['glevesque', 'locum1999', retired?.providerNo ?? null, '2021-06-30'], // contract 4.2: expired → rejected
  ] as const) {
    while (taken(no, userName)) no++;
    if (rows.some((r) => r.userName === userName)) continue;
    rows.push({ securityNo: no, userName, password, providerNo, expireDate });
    no++;
  }
  return rows;
}

/** The receptionist who only does billing: her role holds no `_demographic` privilege. */
export const BILLING_CLERK_NO = '300301';

/** One role per provider, named by its type, except the billing clerk's. */
export function generateRoles(providers: readonly ProviderRow[]): SecUserRoleRow[] {
  return providers.map((p) => ({ providerNo: p.providerNo, roleName: p.providerNo === BILLING_CLERK_NO ? 'billing' : p.providerType }));
}

export function generateOAuth(creds: SimDemoCredentials, rng: Rng, issued: number): { clients: OAuthClientRow[]; tokens: OAuthAccessTokenRow[] } {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz'; // contract 2.2: clientManage.json's generator
  const clients: OAuthClientRow[] = [
    { id: 1, name: 'oscar-fhir facade (demo)', key: creds.consumerKey, secret: creds.consumerSecret, uri: 'http://localhost:8080/fhir' },
    { id: 2, name: 'Online booking (demo)', key: rng.chars(16, alphabet), secret: rng.chars(16, alphabet), uri: 'https://booking.example.org' },
  ];
  const tokens: OAuthAccessTokenRow[] = [
    { clientId: 1, token: creds.accessToken, secret: creds.accessTokenSecret, providerNo: creds.providerNo, scopes: '', issued },
  ];
  return { clients, tokens };
}

/**
 * The clinic's provider-specific consent type, owned by another doctor — never the demo provider.
 * Consequence (contract 7.9, 4.8, 4.6, 4.10): for the demo user the consent-gated SOAP calls
 * (getAllergiesByDemographicIdAfter, getAppointmentsByDemographicIdAfter) return nothing, and
 * because the clinic does use this consent type, getDocumentsByDemographicIdAfter is gated too —
 * as in a typical clinic, a facade must use the ungated calls.
 */
export function generateConsentTypes(ownerNo: string): ConsentTypeRow[] {
  return [{ id: 1, type: 'provider_consent_filter', name: 'Share chart with research panel', providerNo: ownerNo, active: true }];
}
