// What a client reads about this server's security, for each way it can be set up: the JSON of
// `.well-known/smart-configuration` (SMART App Launch 2.x "Conformance") and the
// CapabilityStatement's rest.security, field by field, as they go over the wire.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authEndpoints, capabilitySecurity, openSecurity, smartConfiguration, type AuthEndpoints } from '../../src/auth/discovery.js';
import type { Config } from '../../src/config.js';

const BASE = 'https://fhir.example.org/fhir';
const IDP = 'https://idp.example.org/realms/clinic';
const wire = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

type External = NonNullable<Config['smart']['external']>;
const config = (external?: Partial<External>, corsOrigins: string[] = []): Config => ({
  smart: { ...(external && { external: { issuer: IDP, jwksUrl: `${IDP}/certs`, maxLifetimeSeconds: 86_400, systemScopes: false, clockToleranceSeconds: 10, ...external } }) },
  http: { corsOrigins },
}) as unknown as Config;

const backendOnly = (): AuthEndpoints => authEndpoints(BASE);
const withApps = (): AuthEndpoints => ({ ...authEndpoints(BASE), authorizeUrl: `${BASE}/auth/authorize`, managementUrl: `${BASE}/auth/apps` });

const SMART_SERVICE = [{
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR', display: 'SMART-on-FHIR' }],
  text: 'OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)',
}];
const OAUTH_URIS = 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris';
const BACKEND_WAY = 'SMART Backend Services (client_credentials with a private_key_jwt assertion signed RS384 or ES384) at the token endpoint';
const EXTERNAL_WAY = `access tokens issued by ${IDP} (JWT, audience = this FHIR base, SMART "scope" and "patient" claims)`;
const describeWays = (ways: string): string =>
  `Bearer access tokens required: ${ways}. SMART v1 and v2 scopes (patient/, user/, system/); patient/ tokens are confined to the patient of their launch context. Discovery: .well-known/smart-configuration.`;

describe('security discovery', () => {
  it('the own authorization server lives below the FHIR base', () => {
    assert.deepEqual(authEndpoints(BASE), {
      issuer: BASE, tokenUrl: `${BASE}/auth/token`, jwksUrl: `${BASE}/auth/jwks`, introspectionUrl: `${BASE}/auth/introspect`, revocationUrl: `${BASE}/auth/revoke`,
    });
  });

  it('Backend Services clients only', () => {
    assert.deepEqual(wire(smartConfiguration(config(), backendOnly())), {
      issuer: BASE, jwks_uri: `${BASE}/auth/jwks`, introspection_endpoint: `${BASE}/auth/introspect`, revocation_endpoint: `${BASE}/auth/revoke`,
      token_endpoint: `${BASE}/auth/token`, token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'], grant_types_supported: ['client_credentials'],
      scopes_supported: ['system/*.cruds', 'system/*.rs', 'system/*.read', 'system/*.write'], response_types_supported: [],
      code_challenge_methods_supported: ['S256'], capabilities: ['permission-v1', 'permission-v2', 'client-confidential-asymmetric'],
    });
    assert.deepEqual(wire(capabilitySecurity(config(undefined, ['https://app.example']), backendOnly())), {
      cors: true, service: SMART_SERVICE, description: describeWays(BACKEND_WAY),
      extension: [{ url: OAUTH_URIS, extension: [{ url: 'token', valueUri: `${BASE}/auth/token` }] }],
    });
  });

  it('an external authorization server only, with its authorize and token endpoints', () => {
    const ext = config({ authorizeUrl: `${IDP}/auth`, tokenUrl: `${IDP}/token` });
    const patientUser = ['patient/*.cruds', 'patient/*.rs', 'patient/*.read', 'user/*.cruds', 'user/*.rs', 'user/*.read', 'launch/patient', 'openid', 'fhirUser'];
    assert.deepEqual(wire(smartConfiguration(ext, {})), {
      issuer: IDP, authorization_endpoint: `${IDP}/auth`, token_endpoint: `${IDP}/token`, token_endpoint_auth_methods_supported: [],
      grant_types_supported: ['authorization_code'], scopes_supported: patientUser, response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      capabilities: ['permission-v1', 'permission-v2', 'permission-patient', 'permission-user', 'launch-standalone', 'context-standalone-patient'],
    });
    assert.deepEqual(wire(capabilitySecurity(ext, {})), {
      cors: false, service: SMART_SERVICE, description: describeWays(EXTERNAL_WAY),
      extension: [{ url: OAUTH_URIS, extension: [{ url: 'token', valueUri: `${IDP}/token` }, { url: 'authorize', valueUri: `${IDP}/auth` }] }],
    });
  });

  it('an external authorization server that names no endpoints: nothing to launch, no oauth-uris', () => {
    const ext = config({});
    assert.deepEqual(wire(smartConfiguration(ext, {})), {
      issuer: IDP, token_endpoint_auth_methods_supported: [], grant_types_supported: [],
      scopes_supported: ['patient/*.cruds', 'patient/*.rs', 'patient/*.read', 'user/*.cruds', 'user/*.rs', 'user/*.read', 'launch/patient', 'openid', 'fhirUser'],
      response_types_supported: [], code_challenge_methods_supported: ['S256'],
      capabilities: ['permission-v1', 'permission-v2', 'permission-patient', 'permission-user'],
    });
    assert.deepEqual(wire(capabilitySecurity(ext, {})), { cors: false, service: SMART_SERVICE, description: describeWays(EXTERNAL_WAY) });
  });

  it('SMART apps signed in through OSCAR, beside Backend Services and an external issuer: its own endpoints win', () => {
    const ext = config({ authorizeUrl: `${IDP}/auth`, tokenUrl: `${IDP}/token` });
    assert.deepEqual(wire(smartConfiguration(ext, withApps())), {
      issuer: BASE, jwks_uri: `${BASE}/auth/jwks`, introspection_endpoint: `${BASE}/auth/introspect`, revocation_endpoint: `${BASE}/auth/revoke`,
      authorization_endpoint: `${BASE}/auth/authorize`, management_endpoint: `${BASE}/auth/apps`, token_endpoint: `${BASE}/auth/token`,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
      grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
      scopes_supported: ['system/*.cruds', 'system/*.rs', 'system/*.read', 'system/*.write',
        'patient/*.cruds', 'patient/*.rs', 'patient/*.read', 'user/*.cruds', 'user/*.rs', 'user/*.read', 'launch/patient', 'openid', 'fhirUser',
        'offline_access', 'online_access'],
      response_types_supported: ['code'], code_challenge_methods_supported: ['S256'],
      capabilities: ['permission-v1', 'permission-v2', 'client-confidential-asymmetric',
        'launch-ehr', 'context-ehr-patient', 'launch-standalone', 'client-public', 'client-confidential-symmetric', 'sso-openid-connect', 'context-standalone-patient',
        'context-banner', 'context-style', 'permission-patient', 'permission-user', 'permission-offline', 'permission-online', 'authorize-post'],
    });
    assert.deepEqual(wire(capabilitySecurity(ext, withApps())), {
      cors: false, service: SMART_SERVICE, description: describeWays(`${BACKEND_WAY}; or ${EXTERNAL_WAY}`),
      extension: [{ url: OAUTH_URIS, extension: [{ url: 'token', valueUri: `${BASE}/auth/token` }, { url: 'authorize', valueUri: `${BASE}/auth/authorize` }] }],
    });
  });

  it('AUTH_MODE=none says so', () => {
    assert.deepEqual(openSecurity(config(undefined, ['https://app.example'])), {
      cors: true, description: 'No authentication (AUTH_MODE=none): only allowed with the embedded OSCAR simulator and its synthetic clinic.',
    });
    assert.equal(openSecurity(config()).cors, false);
  });
});
