// What the server tells clients about its security: `.well-known/smart-configuration` and the
// CapabilityStatement's rest.security. Both say exactly what works and nothing more: Backend
// Services when clients are registered here, and an external authorization server's endpoints
// when one is configured.
import type { CapabilityStatementRestSecurity, Extension } from 'fhir/r4.js';
import type { Config } from '../config.js';
import { ASSERTION_ALGORITHMS, AUTH_ROUTES } from './server/provider.js';

/** This server's own authorization server, when clients are registered (issuer = the FHIR base). */
export interface AuthEndpoints {
  /** Set when SMART apps are registered and OSCAR can sign their users in (smart §5.3). */
  authorizeUrl?: string;
  managementUrl?: string;
  issuer?: string;
  tokenUrl?: string;
  jwksUrl?: string;
  introspectionUrl?: string;
  revocationUrl?: string;
}

/** Public URLs of this server's own authorization server, below the FHIR base (smart §5.1). */
export function authEndpoints(fhirBaseUrl: string): AuthEndpoints {
  return {
    issuer: fhirBaseUrl, tokenUrl: `${fhirBaseUrl}${AUTH_ROUTES.token}`, jwksUrl: `${fhirBaseUrl}${AUTH_ROUTES.jwks}`,
    introspectionUrl: `${fhirBaseUrl}${AUTH_ROUTES.introspection}`, revocationUrl: `${fhirBaseUrl}${AUTH_ROUTES.revocation}`,
  };
}

export function smartConfiguration(config: Config, own: AuthEndpoints): Record<string, unknown> {
  const ext = config.smart.external;
  const backend = own.tokenUrl !== undefined;
  const apps = own.authorizeUrl !== undefined;
  const capabilities = ['permission-v1', 'permission-v2'];
  if (backend) capabilities.push('client-confidential-asymmetric');
  if (apps) {
    // smart §5.3: the clinician sets, people signed in through OSCAR.
    capabilities.push('launch-ehr', 'context-ehr-patient', 'launch-standalone', 'client-public', 'client-confidential-symmetric', 'sso-openid-connect', 'context-standalone-patient',
      'context-banner', 'context-style', 'permission-patient', 'permission-user', 'permission-offline', 'permission-online', 'authorize-post');
  } else if (ext) {
    // patient/ and user/ tokens only come from an external authorization server (the launch context is its job).
    capabilities.push('permission-patient', 'permission-user');
    if (ext.authorizeUrl) capabilities.push('launch-standalone', 'context-standalone-patient');
  }
  const authorize = own.authorizeUrl ?? ext?.authorizeUrl;
  const grants = [...(backend ? ['client_credentials'] : []), ...(authorize ? ['authorization_code'] : []), ...(apps ? ['refresh_token'] : [])];
  const scopes = [
    ...(backend ? ['system/*.cruds', 'system/*.rs', 'system/*.read', 'system/*.write'] : []),
    ...(ext || apps ? ['patient/*.cruds', 'patient/*.rs', 'patient/*.read', 'user/*.cruds', 'user/*.rs', 'user/*.read', 'launch/patient', 'openid', 'fhirUser'] : []),
    ...(apps ? ['offline_access', 'online_access'] : []),
  ];
  const methods = [...(apps ? ['client_secret_basic', 'client_secret_post', 'none'] : []), ...(backend ? ['private_key_jwt'] : [])];
  return {
    ...(backend ? { issuer: own.issuer, jwks_uri: own.jwksUrl } : { issuer: ext?.issuer }),
    ...(backend && { introspection_endpoint: own.introspectionUrl, revocation_endpoint: own.revocationUrl }),
    ...(authorize && { authorization_endpoint: authorize }),
    ...(own.managementUrl && { management_endpoint: own.managementUrl }),
    token_endpoint: own.tokenUrl ?? ext?.tokenUrl,
    token_endpoint_auth_methods_supported: methods,
    ...(backend && { token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS }),
    grant_types_supported: grants,
    scopes_supported: scopes,
    response_types_supported: authorize ? ['code'] : [],
    code_challenge_methods_supported: ['S256'],
    capabilities,
  };
}

export function capabilitySecurity(config: Config, own: AuthEndpoints): CapabilityStatementRestSecurity {
  const ext = config.smart.external;
  const token = own.tokenUrl ?? ext?.tokenUrl;
  const uris: Extension[] = [
    ...(token ? [{ url: 'token', valueUri: token }] : []),
    ...((own.authorizeUrl ?? ext?.authorizeUrl) ? [{ url: 'authorize', valueUri: (own.authorizeUrl ?? ext?.authorizeUrl)! }] : []),
  ];
  const ways = [
    own.tokenUrl ? 'SMART Backend Services (client_credentials with a private_key_jwt assertion signed RS384 or ES384) at the token endpoint' : undefined,
    ext ? `access tokens issued by ${ext.issuer} (JWT, audience = this FHIR base, SMART "scope" and "patient" claims)` : undefined,
  ].filter(Boolean);
  return {
    cors: config.http.corsOrigins.length > 0,
    service: [{
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR', display: 'SMART-on-FHIR' }],
      text: 'OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)',
    }],
    description: `Bearer access tokens required: ${ways.join('; or ')}. SMART v1 and v2 scopes (patient/, user/, system/); patient/ tokens are confined to the patient of their launch context. Discovery: .well-known/smart-configuration.`,
    ...(uris.length > 0 && { extension: [{ url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris', extension: uris }] }),
  };
}

/** AUTH_MODE=none: say so instead of the placeholder. */
export function openSecurity(config: Config): CapabilityStatementRestSecurity {
  return {
    cors: config.http.corsOrigins.length > 0,
    description: 'No authentication (AUTH_MODE=none): only allowed with the embedded OSCAR simulator and its synthetic clinic.',
  };
}
