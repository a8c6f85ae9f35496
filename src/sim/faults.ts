// Fault injection for the simulated OSCAR: slow answers, container error pages, SOAP faults,
// hung requests, dropped connections, broken bodies and a host that starts redirecting (an nginx
// `return 301 https://…` put in front of OSCAR, docs/oscar-redirects.md), and the web server or
// proxy in front of OSCAR answering with its own error page (nginx's 502/503/504: OSCAR's Tomcat
// down or slow, docs/oscar-variants.md), and an answer cut short by its connection (a JVM or a
// proxy dying mid-answer, a NAT or load balancer dropping the flow) — the ways a real clinic server fails.
// Rules are matched in insertion order; latency and lateAnswer rules add up and let the request go
// on (possibly into a later fault), every other mode ends the request. lateAnswer is the awkward
// one for writes: OSCAR has done the work and committed it, only its answer is slow, so a client
// that times out cannot tell whether its write happened. Probabilities draw from a seeded RNG,
// so a test or benchmark run is reproducible.
import { STATUS_CODES } from 'node:http';
import zlib from 'node:zlib';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Rng } from './clinic/random.js';
import { nginxRedirectPage } from './edge/redirect.js';
import { sendBody, sendContainerErrorPage } from './rest/errors.js';
import { serverFault } from './soap/faults.js';

export type FaultMode = 'latency' | 'lateAnswer' | 'http500' | 'timeout' | 'reset' | 'soapFault' | 'garbage' | 'redirect' | 'gateway' | 'cut';
export const FAULT_MODES: readonly FaultMode[] = ['latency', 'lateAnswer', 'http500', 'timeout', 'reset', 'soapFault', 'garbage', 'redirect', 'gateway', 'cut'];
/**
 * How a 'cut' rule cuts the real answer, after its head and half its body: 'reset' (Content-Length
 * of the whole, then a TCP reset), 'short' (Content-Length of the whole, then the connection
 * closed), 'chunked' (chunked, closed before the last chunk), 'gzip' (gzipped and framed by the
 * end of the connection, closed halfway through the gzip stream).
 */
export const CUT_KINDS = ['reset', 'short', 'chunked', 'gzip'] as const;
export type CutKind = typeof CUT_KINDS[number];
/** The statuses of a 'gateway' rule: nginx's Bad Gateway, Service Unavailable, Gateway Time-out. */
export const GATEWAY_STATUSES = [502, 503, 504] as const;
export type GatewayStatus = typeof GATEWAY_STATUSES[number];

export interface FaultMatch {
  /**
   * The path below the context path (e.g. '/ws/DemographicService', '/ws/services/demographics/1001').
   * A string matches that path and everything below it ('/ws/services' matches every REST call);
   * a RegExp is tested against the path.
   */
  path?: string | RegExp;
  /** SOAP operation name (the local name of the Body's first child), e.g. 'getDemographic'. */
  operation?: string;
  /** HTTP method, case-insensitive. */
  method?: string;
}

export interface FaultRule {
  match: FaultMatch;
  mode: FaultMode;
  /** For 'latency': the delay before the request proceeds; for 'lateAnswer': after it was handled, before its answer is sent. */
  latencyMs?: number;
  /** Chance (0–1) that a matching request is hit; default 1. */
  probability?: number;
  /** The rule expires after hitting this many requests; default: never. */
  times?: number;
  /** For 'soapFault' and SOAP 'http500': the faultstring (default CXF's "Fault occurred while processing."). */
  faultString?: string;
  /** For 'gateway': the status of the proxy's page (default 502). */
  status?: GatewayStatus;
  /** For 'gateway': a Retry-After header, as sent (delta-seconds or an HTTP-date). */
  retryAfter?: string;
  /** For 'cut': how the answer is cut (default 'reset'). */
  cut?: CutKind;
}

export interface ActiveFaultRule extends FaultRule {
  id: string;
  /** Requests this rule has hit so far. */
  hits: number;
  /** Hits left before it expires (null = unlimited). */
  remaining: number | null;
}

export class FaultRuleError extends Error {
  override name = 'FaultRuleError';
}

export interface FaultInjectorOptions {
  /** Seed for the probability draws (default 1). */
  seed?: number;
  /** Called once per injected fault (the simulator counts them in its stats). */
  onFault?: (mode: FaultMode) => void;
}

const SOAP_PATH = /^\/ws\/([A-Z]\w*Service)\/?$/;
// The first element inside <soap:Body>, skipping whitespace and comments; prefix optional.
const BODY_CHILD = /<(?:[A-Za-z_][\w.-]*:)?Body\b[^>]*>(?:\s|<!--[\s\S]*?-->)*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/;
const DEFAULT_FAULT_STRING = 'Fault occurred while processing.'; // CXF, for an exception without a message (contract 4.12)

/** The SOAP operation of a raw request body, or null. Only the first 16 KiB are looked at. */
export function soapOperationOf(body: unknown): string | null {
  if (!Buffer.isBuffer(body) || body.length === 0) return null;
  const m = BODY_CHILD.exec(body.toString('utf8', 0, Math.min(body.length, 16_384)));
  return m?.[1] ?? null;
}

function pathMatches(want: string | RegExp, path: string): boolean {
  if (want instanceof RegExp) { want.lastIndex = 0; return want.test(path); }
  const base = want.length > 1 ? want.replace(/\/+$/, '') : want;
  return path === base || path.startsWith(base.endsWith('/') ? base : `${base}/`);
}

function validate(rule: FaultRule): void {
  if (!rule || typeof rule !== 'object') throw new FaultRuleError('a fault rule must be an object');
  if (!FAULT_MODES.includes(rule.mode)) throw new FaultRuleError(`mode must be one of ${FAULT_MODES.join(', ')}`);
  const m = rule.match;
  if (!m || typeof m !== 'object') throw new FaultRuleError('match must be an object (use {} to match every request)');
  if (m.path !== undefined && typeof m.path !== 'string' && !(m.path instanceof RegExp)) throw new FaultRuleError('match.path must be a string or RegExp');
  if (m.operation !== undefined && typeof m.operation !== 'string') throw new FaultRuleError('match.operation must be a string');
  if (m.method !== undefined && typeof m.method !== 'string') throw new FaultRuleError('match.method must be a string');
  if (rule.probability !== undefined && !(typeof rule.probability === 'number' && rule.probability >= 0 && rule.probability <= 1)) {
    throw new FaultRuleError('probability must be a number from 0 to 1');
  }
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) throw new FaultRuleError('times must be a positive integer');
  if (rule.latencyMs !== undefined && !(typeof rule.latencyMs === 'number' && Number.isFinite(rule.latencyMs) && rule.latencyMs >= 0)) {
    throw new FaultRuleError('latencyMs must be a non-negative number');
  }
  if ((rule.mode === 'latency' || rule.mode === 'lateAnswer') && rule.latencyMs === undefined) throw new FaultRuleError(`${rule.mode} rules need latencyMs`);
  if (rule.faultString !== undefined && typeof rule.faultString !== 'string') throw new FaultRuleError('faultString must be a string');
  if (rule.status !== undefined && !(GATEWAY_STATUSES as readonly unknown[]).includes(rule.status)) throw new FaultRuleError(`status must be one of ${GATEWAY_STATUSES.join(', ')}`);
  if (rule.retryAfter !== undefined && !(typeof rule.retryAfter === 'string' && /^[\x20-\x7e]+$/.test(rule.retryAfter))) throw new FaultRuleError('retryAfter must be a header value (e.g. "2")');
  if ((rule.status !== undefined || rule.retryAfter !== undefined) && rule.mode !== 'gateway') throw new FaultRuleError('status and retryAfter are for gateway rules');
  if (rule.cut !== undefined && !(CUT_KINDS as readonly unknown[]).includes(rule.cut)) throw new FaultRuleError(`cut must be one of ${CUT_KINDS.join(', ')}`);
  if (rule.cut !== undefined && rule.mode !== 'cut') throw new FaultRuleError('cut is for cut rules');
}

export class FaultInjector {
  private rules: ActiveFaultRule[] = [];
  private nextRuleId = 1;
  private readonly rng: Rng;
  private readonly onFault: (mode: FaultMode) => void;
  private readonly heldResponses = new Set<Response>();

  constructor(opts: FaultInjectorOptions = {}) {
    this.rng = new Rng(opts.seed ?? 1);
    this.onFault = opts.onFault ?? (() => undefined);
  }

  /** Adds a rule; returns its id. Throws FaultRuleError when the rule is malformed. */
  add(rule: FaultRule): string {
    validate(rule);
    const id = `f${this.nextRuleId++}`;
    this.rules.push({ ...rule, match: { ...rule.match }, id, hits: 0, remaining: rule.times ?? null });
    return id;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): ActiveFaultRule[] {
    return this.rules.map((r) => ({ ...r, match: { ...r.match } }));
  }

  /** Requests currently held open by 'timeout' rules. */
  get held(): number {
    return this.heldResponses.size;
  }

  /**
   * Express middleware. Mount it at the context path (so `req.path` is the path below it) and
   * after a raw body parser (the SOAP operation is read from the Buffer body).
   */
  middleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction): void => {
      if (this.rules.length === 0) { next(); return; }
      const path = req.path;
      let operation: string | null | undefined;
      const operationOf = (): string | null => (operation === undefined ? (operation = soapOperationOf(req.body)) : operation);

      let delay = 0;
      let answerDelay = 0;
      let terminal: ActiveFaultRule | null = null;
      for (const rule of [...this.rules]) {
        const m = rule.match;
        if (m.method && m.method.toUpperCase() !== req.method) continue;
        if (m.path !== undefined && !pathMatches(m.path, path)) continue;
        if (m.operation !== undefined && operationOf() !== m.operation) continue;
        const p = rule.probability ?? 1;
        if (p < 1 && !(this.rng.next() < p)) continue;
        this.consume(rule);
        this.onFault(rule.mode);
        if (rule.mode === 'latency') { delay += rule.latencyMs ?? 0; continue; }
        if (rule.mode === 'lateAnswer') { answerDelay += rule.latencyMs ?? 0; continue; }
        terminal = rule;
        break;
      }
      if (terminal) {
        const service = SOAP_PATH.exec(path)?.[1];
        const op = service ? operationOf() : null;
        const locals = res.locals as { simOperation?: string };
        if (service && op && !locals.simOperation) locals.simOperation = `${service}.${op}`;
      }
      if (answerDelay > 0) holdAnswer(res, answerDelay);
      const proceed = (): void => {
        // The request is handled as usual; its answer leaves cut short.
        if (terminal?.mode === 'cut') { cutAnswer(req, res, terminal.cut ?? 'reset'); next(); }
        else if (terminal) this.inject(terminal, req, res, path);
        else next();
      };
      if (delay <= 0) { proceed(); return; }
      let gone = false;
      const onClose = (): void => { gone = true; clearTimeout(timer); };
      const timer = setTimeout(() => { res.off('close', onClose); if (!gone) proceed(); }, delay);
      res.once('close', onClose);
    };
  }

  private consume(rule: ActiveFaultRule): void {
    rule.hits++;
    if (rule.remaining !== null) {
      rule.remaining--;
      if (rule.remaining <= 0) this.remove(rule.id);
    }
  }

  private inject(rule: ActiveFaultRule, req: Request, res: Response, path: string): void {
    const soap = SOAP_PATH.test(path);
    switch (rule.mode) {
      case 'http500':
        if (soap) sendSoapFault(res, rule.faultString ?? DEFAULT_FAULT_STRING);
        else sendContainerErrorPage(res, 500, 'java.lang.RuntimeException');
        return;
      case 'soapFault':
        sendSoapFault(res, rule.faultString ?? DEFAULT_FAULT_STRING);
        return;
      case 'timeout':
        // Never answer; forget the response once the client (or close()) drops the connection.
        this.heldResponses.add(res);
        res.once('close', () => { this.heldResponses.delete(res); });
        return;
      case 'reset': {
        const socket = req.socket;
        if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
        else socket.destroy();
        return;
      }
      case 'garbage':
        sendGarbage(req, res, path, soap);
        return;
      case 'redirect': {
        // nginx's `return 301 https://$host$request_uri;` (edge/redirect.ts), for this request only.
        const body = nginxRedirectPage(301);
        res.writeHead(301, { server: 'nginx', 'content-type': 'text/html', 'content-length': String(Buffer.byteLength(body)), location: `https://${(req.get('host') ?? 'localhost').replace(/:\d+$/, '')}${req.originalUrl}` });
        res.end(body);
        return;
      }
      case 'gateway': {
        // The proxy answers for OSCAR: its own HTML page, no SOAP envelope, whatever was asked.
        const status = rule.status ?? 502;
        const body = nginxErrorPage(status);
        res.writeHead(status, {
          server: 'nginx', 'content-type': 'text/html', 'content-length': String(Buffer.byteLength(body)),
          ...(rule.retryAfter !== undefined && { 'retry-after': rule.retryAfter }),
        });
        res.end(body);
        return;
      }
      case 'latency':
      case 'lateAnswer':
      case 'cut':
        return; // handled before dispatch
    }
  }
}

const SOAP_CONTENT_TYPE = 'text/xml;charset=UTF-8'; // contract 4.1

const GATEWAY_REASONS: Record<GatewayStatus, string> = { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' };

/** nginx's own error page (`server_tokens off`), as its proxy_pass answers when the upstream fails. */
function nginxErrorPage(status: GatewayStatus): string {
  const title = `${status} ${GATEWAY_REASONS[status]}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** The request is handled (and its changes stored) at once; its answer leaves `ms` later, if anyone still waits. */
function holdAnswer(res: Response, ms: number): void {
  const end = res.end.bind(res) as (...a: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    const timer = setTimeout(() => { if (!res.destroyed) end(...args); }, ms);
    res.once('close', () => { clearTimeout(timer); });
    return res;
  }) as Response['end'];
}

/**
 * The answer the request gets, once written, leaves as its head and half its body, then the
 * connection ends as `kind` says; the bytes are written on the socket, as a dying server's are.
 */
function cutAnswer(req: Request, res: Response, kind: CutKind): void {
  const parts: Buffer[] = [];
  const take = (c: unknown, enc: unknown): void => {
    if (c === undefined || c === null || typeof c === 'function') return;
    parts.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c), typeof enc === 'string' ? enc as BufferEncoding : 'utf8'));
  };
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    res.statusCode = status;
    const fields = rest.find((r) => r !== null && typeof r === 'object' && !Array.isArray(r)) as Record<string, string> | undefined;
    for (const [k, v] of Object.entries(fields ?? {})) res.setHeader(k, v);
    return res;
  }) as Response['writeHead'];
  res.write = ((c: unknown, enc?: unknown) => { take(c, enc); return true; }) as Response['write'];
  res.end = ((c?: unknown, enc?: unknown) => {
    take(c, enc);
    const whole = Buffer.concat(parts);
    const type = res.getHeader('content-type');
    let head = `HTTP/1.1 ${res.statusCode} ${STATUS_CODES[res.statusCode] ?? ''}\r\n${type === undefined ? '' : `Content-Type: ${String(type)}\r\n`}`;
    let sent: Buffer;
    if (kind === 'gzip') {
      const gz = zlib.gzipSync(whole);
      head += 'Content-Encoding: gzip\r\nConnection: close\r\n\r\n';
      sent = gz.subarray(0, gz.length >> 1);
    } else if (kind === 'chunked') {
      const half = whole.subarray(0, whole.length >> 1);
      head += `Transfer-Encoding: chunked\r\n\r\n${half.length.toString(16)}\r\n`;
      sent = Buffer.concat([half, Buffer.from('\r\n')]);
    } else {
      head += `Content-Length: ${whole.length}\r\n\r\n`;
      sent = whole.subarray(0, whole.length >> 1);
    }
    const socket = req.socket;
    socket.write(Buffer.concat([Buffer.from(head, 'latin1'), sent]), () => {
      // A moment for the bytes to arrive ahead of the reset, which may otherwise overtake them.
      if (kind === 'reset') setTimeout(() => { if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy(); else socket.destroy(); }, 20);
      else socket.end();
    });
    return res;
  }) as Response['end'];
}

function sendSoapFault(res: Response, faultString: string): void {
  sendBody(res, 500, SOAP_CONTENT_TYPE, serverFault(faultString).toXml());
}

/** 200 with a body of the right content type, cut off mid-way (a proxy or a crashed JVM). */
function sendGarbage(req: Request, res: Response, path: string, soap: boolean): void {
  if (soap) {
    const op = soapOperationOf(req.body) ?? 'unknown';
    sendBody(res, 200, SOAP_CONTENT_TYPE, `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:${op}Response xmlns:ns2="http://ws.oscarehr.org/"><return><id>10`);
    return;
  }
  if (path.startsWith('/ws/oauth/')) {
    sendBody(res, 200, 'application/x-www-form-urlencoded', 'oauth_token=5e1f0c7a-0b7d&oauth_tok');
    return;
  }
  const accept = req.get('accept') ?? '';
  if (/xml/i.test(accept) && !/json/i.test(accept)) {
    sendBody(res, 200, 'application/xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><demographic><demographicNo>10');
    return;
  }
  sendBody(res, 200, 'application/json', '{"demographicNo":1001,"firstName":"JA');
}

/** A rule as the admin API shows it (RegExp paths as `pathRegex`). */
export function faultRuleToJson(rule: ActiveFaultRule): Record<string, unknown> {
  const { match, ...rest } = rule;
  const m: Record<string, unknown> = { ...match };
  if (match.path instanceof RegExp) {
    delete m.path;
    m.pathRegex = match.path.source;
    if (match.path.flags) m.pathRegexFlags = match.path.flags;
  }
  return { ...rest, match: m };
}

/**
 * A rule from admin-API JSON: `{ match: { path?, pathRegex?, pathRegexFlags?, operation?, method? },
 * mode, latencyMs?, probability?, times?, faultString?, status?, retryAfter?, cut? }`. Throws FaultRuleError.
 */
export function parseFaultRule(json: unknown): FaultRule {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new FaultRuleError('a fault rule must be a JSON object');
  const o = json as Record<string, unknown>;
  const known = new Set(['match', 'mode', 'latencyMs', 'probability', 'times', 'faultString', 'status', 'retryAfter', 'cut']);
  for (const k of Object.keys(o)) if (!known.has(k)) throw new FaultRuleError(`unknown property "${k}"`);
  const rawMatch = o.match ?? {};
  if (typeof rawMatch !== 'object' || rawMatch === null || Array.isArray(rawMatch)) throw new FaultRuleError('match must be an object');
  const mm = rawMatch as Record<string, unknown>;
  for (const k of Object.keys(mm)) {
    if (!['path', 'pathRegex', 'pathRegexFlags', 'operation', 'method'].includes(k)) throw new FaultRuleError(`unknown match property "${k}"`);
  }
  if (mm.path !== undefined && mm.pathRegex !== undefined) throw new FaultRuleError('give match.path or match.pathRegex, not both');
  const match: FaultMatch = {};
  if (mm.path !== undefined) match.path = mm.path as string;
  if (mm.pathRegex !== undefined) {
    if (typeof mm.pathRegex !== 'string') throw new FaultRuleError('match.pathRegex must be a string');
    try { match.path = new RegExp(mm.pathRegex, typeof mm.pathRegexFlags === 'string' ? mm.pathRegexFlags.replace(/[gy]/g, '') : ''); } catch (e) {
      throw new FaultRuleError(`match.pathRegex is not a valid regular expression: ${(e as Error).message}`);
    }
  }
  if (mm.operation !== undefined) match.operation = mm.operation as string;
  if (mm.method !== undefined) match.method = mm.method as string;
  const rule: FaultRule = { match, mode: o.mode as FaultMode };
  if (o.latencyMs !== undefined) rule.latencyMs = o.latencyMs as number;
  if (o.probability !== undefined) rule.probability = o.probability as number;
  if (o.times !== undefined) rule.times = o.times as number;
  if (o.faultString !== undefined) rule.faultString = o.faultString as string;
  if (o.status !== undefined) rule.status = o.status as GatewayStatus;
  if (o.retryAfter !== undefined) rule.retryAfter = o.retryAfter as string;
  if (o.cut !== undefined) rule.cut = o.cut as CutKind;
  validate(rule);
  return rule;
}
