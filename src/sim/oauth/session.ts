import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ClinicStore } from '../clinic/store.js';
import type { SimOptions } from '../options.js';

/**
 * Servlet sessions (JSESSIONID). contract 1.1: LoggedInUserFilter creates a session on every
 * request, and /ws/services, /ws/oauth keep it; contract 1.5/7.22: a session whose user logged in
 * through /login.do authenticates /ws/services calls even without OAuth.
 */
export interface SimSession {
  id: string;
  /** session attribute "user": the logged-in provider number, or null. */
  providerNo: string | null;
  lastAccess: number;
  maxInactiveMs: number;
}

const DEFAULT_MAX_INACTIVE_MS = 30 * 60_000; // Tomcat default
const MAX_SESSIONS = 10_000; // bounds memory when clients (like the facade) ignore Set-Cookie

export class SessionRegistry {
  private readonly sessions = new Map<string, SimSession>();

  constructor(private readonly store: ClinicStore, private readonly cookiePath: string) {}

  private find(id: string | null): SimSession | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (this.store.now() - s.lastAccess > s.maxInactiveMs) { this.sessions.delete(id); return undefined; }
    return s;
  }

  private create(res: Response): SimSession {
    const s: SimSession = {
      id: randomBytes(16).toString('hex').toUpperCase(), providerNo: null, lastAccess: this.store.now(),
      maxInactiveMs: DEFAULT_MAX_INACTIVE_MS,
    };
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    this.sessions.set(s.id, s);
    res.append('Set-Cookie', `JSESSIONID=${s.id}; Path=${this.cookiePath}; HttpOnly`);
    return s;
  }

  /** The request's session (from the cookie or a `;jsessionid=` path parameter), created when missing. */
  attach(req: Request, res: Response): SimSession {
    const s = this.find(requestedSessionId(req));
    if (s) { s.lastAccess = this.store.now(); return s; }
    return this.create(res);
  }

  /** Login invalidates the old session and starts a new one (Login2Action). */
  renew(old: SimSession, res: Response): SimSession {
    this.sessions.delete(old.id);
    return this.create(res);
  }
}

export function requestedSessionId(req: Request): string | null {
  const fromPath = /;jsessionid=([^;/?]+)/i.exec(req.originalUrl.split('?')[0] ?? '');
  if (fromPath?.[1]) return fromPath[1];
  const cookie = req.headers.cookie;
  if (!cookie) return null;
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === 'JSESSIONID') return v.join('=');
  }
  return null;
}

const registries = new WeakMap<ClinicStore, SessionRegistry>();

/** One session registry per simulated server, shared by the OAuth and REST routers. */
export function sessionsFor(store: ClinicStore, opts: SimOptions): SessionRegistry {
  let r = registries.get(store);
  if (!r) {
    r = new SessionRegistry(store, opts.contextPath === '' ? '/' : opts.contextPath);
    registries.set(store, r);
  }
  return r;
}
