// The HTTP server: the FHIR base goes straight to the lean FHIR handler; everything else
// (health, readiness, metrics, SMART endpoints) is an Express app.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Express } from 'express';

export interface HttpServerParts {
  basePath: string;
  fhir: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  app: Express;
}

export function createHttpServer(parts: HttpServerParts): Server {
  const { basePath, fhir, app } = parts;
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const atBase = url.startsWith(basePath) && (url.length === basePath.length || url[basePath.length] === '/' || url[basePath.length] === '?');
    if (atBase && !url.startsWith(`${basePath}/.well-known/`)) {
      void fhir(req, res);
    } else {
      app(req, res);
    }
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;
  return server;
}
