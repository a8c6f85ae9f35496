// The HTTP server: the FHIR base goes straight to the lean FHIR handler; everything else
// (health, readiness, metrics, SMART discovery, and the authorization server below
// `{base}/auth/`) is an Express app. Requests node's own parser
// rejects (bad request line, oversized headers) still get an OperationOutcome, never a bare reset.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Express } from 'express';
import type { Logger } from '../logging.js';
import type { FhirHandler } from './fhir-handler.js';

export interface HttpServerParts {
  /** Answers every request (byBase for one FHIR base, a dispatcher for many). */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  limits: ConnectionLimits;
}

/** Bounds on connections, so slow or idle clients cannot hold sockets for minutes (README "Operations"). */
export interface ConnectionLimits {
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  idleTimeoutMs: number;
}

function rawOutcome(status: number, reason: string, code: string, diagnostics: string): string {
  const body = JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] });
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/fhir+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

const HEADERS_TOO_LARGE = rawOutcome(431, 'Request Header Fields Too Large', 'too-long', 'The request line or headers are too large.');
const BAD_REQUEST = rawOutcome(400, 'Bad Request', 'structure', 'The request is not valid HTTP.');
const TIMEOUT = rawOutcome(408, 'Request Timeout', 'timeout', 'The request was not received in time.');

/**
 * Below `basePath`: the FHIR handler, except discovery and the authorization server; everything
 * else goes to the Express app.
 */
export function byBase(basePath: string, fhir: FhirHandler, app: Express, logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  // The handler answers every error itself; reaching here is a bug. Never let it take the process down.
  const failed = (res: ServerResponse, err: unknown): void => {
    logger.error({ err }, 'FHIR handler failed');
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/fhir+json; charset=utf-8', connection: 'close' }).end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: 'internal error' }] }));
    else res.destroy();
  };
  return (req, res) => {
    const url = req.url ?? '/';
    const atBase = url.startsWith(basePath) && (url.length === basePath.length || url[basePath.length] === '/' || url[basePath.length] === '?');
    if (atBase && !url.startsWith(`${basePath}/.well-known/`) && !url.startsWith(`${basePath}/auth/`)) {
      let pending: Promise<void> | undefined;
      try {
        pending = fhir(req, res);
      } catch (err) {
        failed(res, err);
        return;
      }
      pending?.catch((err: unknown) => failed(res, err));
    } else {
      app(req, res);
    }
  };
}

export function createHttpServer(parts: HttpServerParts): Server {
  const { handle, limits } = parts;
  // node checks the header and request deadlines on this interval (30 s by default, which let a
  // silent connection live 30 s past its deadline): a quarter of the shorter deadline, at most 1 s.
  const connectionsCheckingInterval = Math.max(25, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4)));
  const server = createServer({ connectionsCheckingInterval }, handle);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // As node's default handler: answer only when nothing of a response was written on the socket.
    const inProgress = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (!socket.writable || err.code === 'ECONNRESET' || inProgress) { socket.destroy(); return; }
    const answer = err.code === 'HPE_HEADER_OVERFLOW' ? HEADERS_TOO_LARGE : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? TIMEOUT : BAD_REQUEST;
    socket.end(answer);
  });
  server.maxConnections = limits.maxConnections;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  // Inactivity in both directions (a client that stopped reading its answer): the socket is destroyed.
  server.timeout = limits.idleTimeoutMs;
  return server;
}
