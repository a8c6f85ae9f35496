// OSCAR's JAX-WS services at `<base>/ws/<Service>` (contract 1.7, 4), spoken without a SOAP
// library: requests are written by soap-envelope.ts (our own escaping), answers read by
// soap-reply.ts against rules taken from each service's own WSDL (soap-schema.ts), fetched once.
// Owns the login2 token lifecycle: log in lazily, reuse the token, and on a SecurityError fault
// log in again once (single-flight) and retry the call once (contract 4.2, 7.18).

import type { HttpTransport } from './http-transport.js';
import { OscarAuthError, OscarFaultError, OscarProtocolError } from './errors.js';
import type { LoginResultTransfer2 } from './types.js';
import { EnvelopeHead, soapEnvelope } from './soap-envelope.js';
import type { SoapArgs } from './soap-envelope.js';
import { readSoapSchema } from './soap-schema.js';
import type { SoapSchema } from './soap-schema.js';
import { readSoapBytes } from './soap-reply.js';
import type { SoapReply } from './soap-reply.js';
import { retryAfterMs } from './guard/throttle.js';
import type { ExchangeSlot } from './guard/slot.js';

export type SoapService =
  | 'LoginService' | 'SystemInfoService' | 'DemographicService' | 'ScheduleService'
  | 'AllergyService' | 'PreventionService' | 'DocumentService' | 'ProviderService';

/** contract 1.7, 7.27: these two take no WS-Security header (one with mustUnderstand would fault). */
const UNSECURED: ReadonlySet<SoapService> = new Set<SoapService>(['LoginService', 'SystemInfoService']);

export interface SoapClientOptions {
  /** OSCAR web-app base, e.g. 'https://emr.example.org/oscar'. */
  baseUrl: string;
  /** security.user_name and its password, for LoginService.login2. */
  userName: string;
  password: string;
  transport: HttpTransport;
  /** Deadline for fetching a WSDL and for login2 (default 10 s). */
  setupTimeoutMs?: number;
  /** The namespace discovery found (variants B1); asked when a service's own WSDL names none. */
  namespace?: () => string | undefined;
}

/** contract 4.1: the operation wrappers' namespace. */
export const OSCAR_SOAP_NAMESPACE = 'http://ws.oscarehr.org/';

export interface SoapSession {
  /** security_no: the WS-Security user name (contract 4.2). */
  securityId: number;
  /** securityTokenKey: the WS-Security password until OSCAR restarts (contract 7.18). */
  token: string;
}

export interface SoapCallOptions {
  /** Logical name for errors/metrics; defaults to 'Service.operation'. */
  operation?: string;
  timeoutMs: number;
  /**
   * The guard's limiter slot: given back once the operation's answer is in, before it is read, and
   * taken again before a re-login and its retry (guard/slot.ts).
   */
  slot?: ExchangeSlot;
}

/** Internal marker: the call failed WS-Security and may succeed after a fresh login. */
class SecurityFault extends Error {}

const SECURITY_FAULT = /(?:^|[:\s])(SecurityError|FailedAuthentication|InvalidSecurity|InvalidSecurityToken|FailedCheck)\b/;

export class SoapClient {
  private readonly base: string;
  private readonly userName: string;
  private readonly password: string;
  private readonly transport: HttpTransport;
  private readonly setupTimeoutMs: number;
  private readonly discoveredNamespace: () => string | undefined;
  private readonly schemas = new Map<SoapService, Promise<SoapSchema>>();
  /** The schemas read so far, to be had without an await on every call. */
  private readonly loaded = new Map<SoapService, SoapSchema>();
  /** Each service's endpoint, parsed once. */
  private readonly endpoints = new Map<SoapService, URL>();
  private current: SoapSession | undefined;
  /** The envelopes' head for the current namespace and token: this client's own (soap-envelope.ts). */
  private readonly head = new EnvelopeHead();
  private loginInFlight: Promise<SoapSession> | undefined;
  /** Number of login2 calls made (observability and tests). */
  loginCount = 0;

  constructor(opts: SoapClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.userName = opts.userName;
    this.password = opts.password;
    this.transport = opts.transport;
    this.setupTimeoutMs = opts.setupTimeoutMs ?? 10_000;
    this.discoveredNamespace = opts.namespace ?? (() => undefined);
  }

  /** The cached login, if any. */
  get session(): SoapSession | undefined { return this.current; }

  /**
   * Invokes `service.operation` and resolves to the response wrapper's `return` content
   * (undefined for an empty wrapper, contract 4.1 "Null return").
   */
  async call<T>(service: SoapService, operation: string, args: SoapArgs, opts: SoapCallOptions): Promise<T | undefined> {
    const name = opts.operation ?? `${service}.${operation}`;
    const schema = this.loaded.get(service) ?? await this.schemaFor(service);
    if (UNSECURED.has(service)) {
      try {
        return await this.invoke<T>(service, schema, operation, args, name, opts.timeoutMs, undefined, opts.slot?.release);
      } catch (e) {
        throw e instanceof SecurityFault ? new OscarAuthError(name, 'SecurityError') : e;
      }
    }

    const session = this.current ?? await this.login();
    try {
      return await this.invoke<T>(service, schema, operation, args, name, opts.timeoutMs, session, opts.slot?.release);
    } catch (e) {
      if (!(e instanceof SecurityFault)) throw e;
    }
    // contract 7.18: the token dies with an OSCAR restart or password-hash change — log in again,
    // once. The first answer gave the slot back: the login and the retry take one again.
    await opts.slot?.again();
    const fresh = await this.relogin(session);
    try {
      return await this.invoke<T>(service, schema, operation, args, name, opts.timeoutMs, fresh, opts.slot?.release);
    } catch (e) {
      if (e instanceof SecurityFault) throw new OscarAuthError(name, 'SecurityError');
      throw e;
    }
  }

  /** Logs in with login2 (single-flight: concurrent callers share one request). */
  login(): Promise<SoapSession> {
    this.loginInFlight ??= this.doLogin().finally(() => { this.loginInFlight = undefined; });
    return this.loginInFlight;
  }

  /** Forgets the cached token and WSDLs (e.g. after reconfiguration). */
  reset(): void {
    this.current = undefined;
    this.head.clear();
    this.schemas.clear();
    this.loaded.clear();
  }

  private relogin(stale: SoapSession): Promise<SoapSession> {
    // Another call may already have replaced the stale token.
    if (this.current && this.current !== stale) return Promise.resolve(this.current);
    if (this.current === stale) this.current = undefined;
    return this.login();
  }

  private async doLogin(): Promise<SoapSession> {
    this.loginCount++;
    const op = 'LoginService.login2';
    const schema = await this.schemaFor('LoginService');
    let result: LoginResultTransfer2 | undefined;
    try {
      // contract 4.3: arg0 = security.user_name, arg1 = password; no WS-Security header here.
      result = await this.invoke<LoginResultTransfer2>('LoginService', schema, 'login2', { arg0: this.userName, arg1: this.password }, op, this.setupTimeoutMs, undefined);
    } catch (e) {
      // contract 4.12: bad credentials are a soap:Server fault "Invalid Username/Password".
      if (e instanceof SecurityFault || (e instanceof OscarFaultError && e.faultCode)) throw new OscarAuthError(op, 'login_failed');
      throw e;
    }
    const securityId = Number(result?.securityId);
    const token = result?.securityTokenKey;
    if (!Number.isInteger(securityId) || typeof token !== 'string' && typeof token !== 'number') {
      throw new OscarProtocolError(op, 'login2 returned no securityId/securityTokenKey');
    }
    const session: SoapSession = { securityId, token: String(token) };
    this.current = session;
    return session;
  }

  /** The service's WSDL, read once (contract 1.7: `GET <endpoint>?wsdl`). */
  private schemaFor(service: SoapService): Promise<SoapSchema> {
    let p = this.schemas.get(service);
    if (!p) {
      const name = `${service}.wsdl`;
      p = this.transport.send({
        method: 'GET', url: new URL(`${this.base}/ws/${service}?wsdl`), timeoutMs: this.setupTimeoutMs, operation: name,
        headers: { Accept: 'text/xml, application/xml, */*' },
      }).then((reply) => {
        const text = reply.body.toString('utf8');
        if (reply.status >= 400) throw new OscarFaultError(name, { upstreamStatus: reply.status, upstreamMessage: text });
        const schema = readSoapSchema(text);
        if (!schema) throw new OscarProtocolError(name, 'the answer is not a WSDL');
        // Unless reset() forgot this fetch meanwhile.
        if (this.schemas.get(service) === p) this.loaded.set(service, schema);
        return schema;
      });
      p.catch(() => { if (this.schemas.get(service) === p) this.schemas.delete(service); });
      this.schemas.set(service, p);
    }
    return p;
  }

  private endpoint(service: SoapService): URL {
    let url = this.endpoints.get(service);
    if (!url) this.endpoints.set(service, (url = new URL(`${this.base}/ws/${service}`)));
    return url;
  }

  /**
   * The operation wrappers' namespace (contract 4.1, variants B1): Juno moved its services to
   * http://v1.soap.external.ws.oscarehr.org/. The WSDL just loaded for this very service says it
   * first (a cached capability map can predate an upgrade), then discovery, then OSCAR's own.
   */
  private namespaceOf(schema: SoapSchema): string {
    return schema.namespace || (this.discoveredNamespace() ?? OSCAR_SOAP_NAMESPACE);
  }

  private async invoke<T>(
    service: SoapService, schema: SoapSchema, operation: string, args: SoapArgs, name: string, timeoutMs: number, session: SoapSession | undefined,
    answered?: () => void,
  ): Promise<T | undefined> {
    if (!schema.operations.has(operation)) throw new OscarProtocolError(name, `operation ${operation} is not in the WSDL`);
    // Built by soap-envelope.ts, which escapes every value itself (no library decides what is markup).
    const envelope = soapEnvelope({
      namespace: this.namespaceOf(schema), operation, args,
      ...(session && { security: { username: String(session.securityId), password: session.token } }),
    }, this.head);
    const reply = await this.transport.send({
      method: 'POST', url: this.endpoint(service), timeoutMs, operation: name, body: envelope, answered,
      // contract 4.1: SOAPAction "" (CXF tolerates any).
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '""' },
    });
    // The whole answer as text only for a message (readSoapBytes reads the bytes themselves).
    const text = (): string => reply.body.toString('utf8');
    // A proxy's HTML error page (502/503…) is not a SOAP answer: report the status itself.
    if (reply.status >= 400 && !/xml/i.test(String(reply.headers['content-type'] ?? ''))) {
      throw new OscarFaultError(name, { upstreamStatus: reply.status, upstreamMessage: text(), retryAfterMs: retryAfterMs(reply.headers['retry-after'], Date.now()) });
    }
    let read: SoapReply | undefined;
    try {
      read = readSoapBytes(reply.body, schema, operation);
    } catch {
      if (reply.status >= 400) throw new OscarFaultError(name, { upstreamStatus: reply.status, upstreamMessage: text() });
      throw new OscarProtocolError(name, 'response is not well-formed XML');
    }
    if (read?.kind === 'fault') {
      const { code, text: faultText } = read.fault;
      if (SECURITY_FAULT.test(code)) throw new SecurityFault(code);
      throw new OscarFaultError(name, { faultCode: code || 'soap:Fault', upstreamMessage: faultText, upstreamStatus: reply.status });
    }
    if (reply.status >= 400) throw new OscarFaultError(name, { upstreamStatus: reply.status, upstreamMessage: text() });
    if (!read) throw new OscarProtocolError(name, 'unreadable SOAP response');
    return read.value as T | undefined;
  }
}
