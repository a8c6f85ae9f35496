// Configuration of the OSCAR client and its protective defaults (design principle 5).

import type { OAuthCredentials } from './oauth-sign.js';
import type { CapabilityMap } from './capabilities/map.js';
import type { ProxySettings } from './proxy.js';
import type { OscarTrust } from './tls-trust.js';

export type OscarCallOutcome =
  | 'ok' | 'timeout' | 'unavailable' | 'circuit-open' | 'queue-full' | 'queue-timeout' | 'caller-budget' | 'rate-limited' | 'proxy' | 'tls'
  | 'protocol' | 'auth' | 'signed-out' | 'fault' | 'redirect' | 'unsupported' | 'error';

/** One finished client call (after retries), for metrics. Carries no PHI. */
export interface OscarCallEvent {
  /** e.g. 'rest:getDemographic', 'DemographicService.getDemographic'. */
  operation: string;
  /** Circuit-breaker family: 'rest' or 'soap:<Service>'. */
  family: string;
  ms: number;
  outcome: OscarCallOutcome;
  attempts: number;
}

export interface OscarClientOptions {
  /** OSCAR web-app base URL including the context path, e.g. 'https://emr.example.org/oscar'. */
  baseUrl: string;
  /**
   * IANA zone of the clinic (OSCAR_TIMEZONE): the zone OSCAR's wall-clock times mean, whatever
   * zone the OSCAR JVM renders them in (variants B10, §7.5).
   */
  timezone: string;
  /**
   * What discovery found about this OSCAR (variants §7.2): SOAP namespace, sex codes, list cap.
   * Asked at every call, so a re-discovery applies at once; absent or undefined: OSCAR's defaults.
   */
  capabilities?: () => CapabilityMap | undefined;
  /** OAuth 1.0a consumer and access token for REST (`/ws/services`). */
  oauth: OAuthCredentials;
  /** LoginService.login2 credentials for SOAP. */
  soap: { userName: string; password: string };
  /** Calls in flight toward OSCAR at once (default 4). */
  maxInFlight?: number;
  /** Callers allowed to wait for a slot (default 200); more → OscarUnavailableError. */
  maxQueue?: number;
  /** Longest wait for a slot (default = timeoutMs). */
  maxQueueWaitMs?: number;
  /** Most calls one caller (guard/caller.ts) may have in flight and waiting (default: unbounded). */
  maxPerCaller?: number;
  /** Per-call deadline (default 10 s). */
  timeoutMs?: number;
  /** Deadline for calls carrying document bytes (default 30 s). */
  documentTimeoutMs?: number;
  /** Ask OSCAR for gzip-compressed answers (default true; see HttpTransportOptions.gzip). */
  gzip?: boolean;
  /** The outbound proxy toward OSCAR (proxy.ts, docs/proxy.md); absent = direct. */
  proxy?: ProxySettings;
  /** Certificates trusted for this OSCAR beyond the public roots (docs/oscar-tls.md). */
  tls?: OscarTrust;
  /** Extra attempts for idempotent reads on transient failures (default 2). */
  retries?: number;
  /** Base of the jittered exponential backoff (default 100 ms, capped at 2 s). */
  retryBaseMs?: number;
  /**
   * Longest wait a call accepts when OSCAR asks us to slow down (429, 503 + Retry-After, Juno's
   * rate limit; guard/throttle.ts) before it is refused with 503 + Retry-After (default 5 s).
   */
  maxRateLimitWaitMs?: number;
  breaker?: { failureThreshold?: number; cooldownMs?: number };
  /** Observer called once per finished call; exceptions it throws are ignored. */
  onCall?: (event: OscarCallEvent) => void;
  /**
   * Called when a call fails in a way that says the instance no longer offers what the capability
   * map says (capabilities/classify.ts meansStaleCapabilities): the holder re-discovers, debounced.
   */
  onStaleCapabilities?: (operation: string) => void;
  /** Clock for the circuit breakers (tests). */
  now?: () => number;
}

export interface ResolvedOscarClientOptions extends Required<Omit<OscarClientOptions, 'onCall' | 'onStaleCapabilities' | 'now' | 'breaker' | 'maxPerCaller' | 'capabilities' | 'proxy' | 'tls'>> {
  proxy: ProxySettings | undefined;
  tls: OscarTrust | undefined;
  capabilities: () => CapabilityMap | undefined;
  breaker: { failureThreshold: number; cooldownMs: number };
  maxPerCaller: number | undefined;
  onCall: ((event: OscarCallEvent) => void) | undefined;
  onStaleCapabilities: ((operation: string) => void) | undefined;
  now: () => number;
}

export function resolveOscarClientOptions(o: OscarClientOptions): ResolvedOscarClientOptions {
  const timeoutMs = o.timeoutMs ?? 10_000;
  return {
    baseUrl: o.baseUrl.replace(/\/+$/, ''),
    timezone: o.timezone,
    capabilities: o.capabilities ?? (() => undefined),
    oauth: o.oauth,
    soap: o.soap,
    maxInFlight: o.maxInFlight ?? 4,
    maxQueue: o.maxQueue ?? 200,
    maxQueueWaitMs: o.maxQueueWaitMs ?? timeoutMs,
    maxPerCaller: o.maxPerCaller,
    timeoutMs,
    documentTimeoutMs: o.documentTimeoutMs ?? 30_000,
    retries: o.retries ?? 2,
    gzip: o.gzip ?? true,
    proxy: o.proxy,
    tls: o.tls,
    retryBaseMs: o.retryBaseMs ?? 100,
    maxRateLimitWaitMs: o.maxRateLimitWaitMs ?? 5_000,
    breaker: { failureThreshold: o.breaker?.failureThreshold ?? 5, cooldownMs: o.breaker?.cooldownMs ?? 30_000 },
    onCall: o.onCall,
    onStaleCapabilities: o.onStaleCapabilities,
    now: o.now ?? Date.now,
  };
}
