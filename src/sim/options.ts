// Settings shared by every part of the simulated OSCAR server.

import type { EdgeRedirect } from './edge/redirect.js';
import type { SimVariant } from './variants.js';

export interface SimDemoCredentials {
  /** OAuth 1.0a consumer (ServiceClient) the facade uses. */
  consumerKey: string;
  consumerSecret: string;
  /** A pre-authorised access token (ServiceAccessToken) acting as `providerNo`. */
  accessToken: string;
  accessTokenSecret: string;
  /** The SOAP user: `userName`/`password` go to LoginService.login2; `securityNo` is the WS-Security username. */
  soapUserName: string;
  soapPassword: string;
  securityNo: number;
  /** The OSCAR provider both credentials act as. */
  providerNo: string;
}

/**
 * How the simulated instance is deployed, each switch independent of the OSCAR variant
 * (variants §5, §6): what an operator or a hosting company put around the same code.
 */
export interface SimDeployment {
  /** `ModuleNames` contains REST: /ws/oauth and /ws/services exist (variants §2, B2). */
  restModule: boolean;
  /** OpenOSP's HAProxy denies every HTTP PUT before OSCAR sees it (variants §5, B4). */
  edgeDenyPut: boolean;
  /** A Cloudflare WAF in front blocks SOAP calls (variants §5, B5). */
  soapWaf: boolean;
  /**
   * 'deny': the caller's IP is not on Juno's web-service allow-list (B8). Only Juno has the
   * allow-list (IPInWSS4JInterceptor, IPRestrictionFilter), so only variant 'juno' accepts it.
   */
  ipAllowlist: 'allow' | 'deny';
  /**
   * A web server in front that redirects (edge/redirect.ts): 'https', the plain-HTTP port of an
   * HTTPS-only host (301 to https://); 'front-page', every path outside the context sent to
   * OSCAR's front page (302 to /oscar/).
   */
  edgeRedirect: EdgeRedirect;
}

export const DEFAULT_DEPLOYMENT: SimDeployment = { restModule: true, edgeDenyPut: false, soapWaf: false, ipAllowlist: 'allow', edgeRedirect: 'none' };

export interface SimOptions extends SimDeployment {
  /** Which OSCAR line the simulator speaks (variants §9; default 'openo', line F). */
  variant: SimVariant;
  /** Web-app context path, e.g. '/oscar' (REST at `${contextPath}/ws/services`, SOAP at `${contextPath}/ws/<Service>`). */
  contextPath: string;
  /** IANA zone of the clinic's wall clock: the zone its staff enter and read times in. */
  timezone: string;
  /**
   * IANA zone of the OSCAR JVM (variants B10): stored wall-clock values are rendered with this
   * zone's offset, and "now" is stored in it. Equal to `timezone` unless told otherwise.
   */
  serverTimezone: string;
  credentials: SimDemoCredentials;
}

/**
 * Fixed, documented demo credentials of the embedded simulator (README "Simulator").
 * They only ever open the simulated clinic; each can be overridden by environment.
 */
export function demoCredentials(env: NodeJS.ProcessEnv = process.env): SimDemoCredentials {
  return {
    consumerKey: env.SIM_CONSUMER_KEY ?? 'simconsumerkey01',
    consumerSecret: env.SIM_CONSUMER_SECRET ?? 'simconsumersecr1',
    accessToken: env.SIM_ACCESS_TOKEN ?? '5e1f0c7a-0b7d-4c3e-9a51-3d1e2f4a5b6c',
    accessTokenSecret: env.SIM_ACCESS_TOKEN_SECRET ?? '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
    soapUserName: env.SIM_SOAP_USERNAME ?? 'oscardoc',
    soapPassword: env.SIM_SOAP_PASSWORD ?? 'mac2002',
    securityNo: Number(env.SIM_SECURITY_NO ?? 128),
    providerNo: env.SIM_PROVIDER_NO ?? '999998',
  };
}
