// What one OSCAR instance offers, as discovered at start-up and on a schedule (variants §7.2).
// Configuration says where OSCAR is and who we are; everything about what it can do is read from
// the instance itself (variants §7.1), because clinics run variants and hosts where half of the
// web services is missing, different or blocked at the edge (variants §0, §6).

/** The variant line the probes point at: for logs and support only; routing reads the flags. */
export type VariantGuess =
  | 'openo'          // Open-O ca.openosp.openo line, OpenOSP (variants §3 F)
  | 'openo-legacy'   // Open-O org.oscarehr line (E)
  | 'carlos'         // CARLOS (G)
  | 'oscar19'        // OSCAR 19 community (D)
  | 'oscar19-rc'     // OSCAR 19 RC era (C)
  | 'kai15'          // KAI-15, the OSCAR Pro ancestor (B)
  | 'oscar15'        // OSCAR 15.0 (A)
  | 'juno'           // Juno (H)
  | 'unknown';

/**
 * How far one half of the web services can be used:
 * - `ok`: reachable and our credentials work;
 * - `module-off`: REST only: OSCAR runs without `ModuleNames=REST` (variants §6 B2);
 * - `edge-blocked`: a proxy or WAF in front of OSCAR refuses it (B4, B5);
 * - `ip-not-allowed`: OSCAR's IP allow-list refuses this server (B8);
 * - `auth-failed`: reachable, credentials refused (or an MFA-managed account, B6);
 * - `unreachable`: no answer, or not an OSCAR answer;
 * - `not-probed`: nothing known yet (the probes have not finished or never succeeded).
 */
export type Reach = 'ok' | 'module-off' | 'edge-blocked' | 'ip-not-allowed' | 'auth-failed' | 'unreachable' | 'not-probed';

export interface SoapCapabilities {
  reach: Reach;
  /** What went wrong, for people (no secrets, no PHI). */
  detail?: string;
  /** The WSDLs' targetNamespace: 'http://ws.oscarehr.org/', Juno's 'http://v1.soap.external.ws.oscarehr.org/' (B1). */
  namespace?: string;
  /** Operation names per service, from each WSDL: { DemographicService: ['getDemographic', …], … }. */
  operations: Readonly<Record<string, readonly string[]>>;
  /** The WSDL's Gender enumeration: M,F,X,O,U on Open-O and CARLOS, M,F,T,O,U elsewhere (B9). */
  genderCodes?: readonly string[];
  /** Hash of the namespace and the sorted service:operation list; a change means OSCAR was upgraded. */
  fingerprint?: string;
  /** SystemInfoService.getMaxListReturnSize, when the instance answers it. */
  maxListReturnSize?: number;
  /**
   * Element names of demographicTransfer, demographicTransfer2 and appointmentTransfer as the WSDLs
   * declare them: H adds fields, F drops myOscarUserName (variants §4.3).
   */
  transferFields?: Readonly<Record<string, readonly string[]>>;
}

export interface RestCapabilities {
  reach: Reach;
  detail?: string;
  /**
   * `oscar`: `/ws/services`, Jackson, dates as epoch ms (B–G). `juno-v1`: Juno's integrator API at
   * `/ws/services/v1`, answers wrapped in RestResponse, ISO dates, 50 requests per 10 s (H, B15, B8).
   */
  dialect: 'oscar' | 'juno-v1';
  /** Resource paths the instance lists (WADL or OpenAPI), e.g. '/document/saveDocumentToDemographic'; absent when it lists none. */
  paths?: readonly string[];
  /** false when an edge proxy refuses HTTP PUT (B4); absent when not probed. */
  putAllowed?: boolean;
}

export interface TimeCapabilities {
  /** The zone the clinic's wall-clock times mean (OSCAR_TIMEZONE). */
  clinicZone: string;
  /** The OSCAR JVM's UTC offset in minutes at probe time (getServerTimeGmtOffset), when it answered. */
  serverOffsetMinutes?: number;
  /** The JVM renders times with an offset the clinic zone does not have now (B10). */
  mismatch: boolean;
}

export interface CapabilityMap {
  /** When the probes behind this map ran (ISO instant). */
  probedAt: string;
  /** `probe`: this run's probes; `cache`: the last good map, read back at start-up; `assumed`: nothing probed yet. */
  source: 'probe' | 'cache' | 'assumed';
  variant: VariantGuess;
  soap: SoapCapabilities;
  rest: RestCapabilities;
  time: TimeCapabilities;
}
