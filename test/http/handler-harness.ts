// The FHIR handler alone on a real node:http server, in front of a router the test controls —
// for behaviour that belongs to the HTTP layer (rate-limit keys, bugs turned into 500s).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FhirRequest, FhirResponse } from '../../src/fhir/index.js';
import { createFhirHandler, type FhirHandlerOptions } from '../../src/http/fhir-handler.js';
import { createRouteLabeler } from '../../src/http/route-label.js';
import { fhirSecurityHeaders } from '../../src/http/security-headers.js';
import { createLogger } from '../../src/logging.js';

export interface Harness { base: string; server: Server; close(): Promise<void> }

export async function startHandler(
  router: (req: FhirRequest) => Promise<FhirResponse>,
  opts: Partial<FhirHandlerOptions> & { authenticate?: (req: IncomingMessage, fhirReq: FhirRequest) => unknown } = {},
): Promise<Harness> {
  const handler = createFhirHandler({
    router, basePath: '/fhir', bodyLimitBytes: 1024 * 1024, logger: createLogger('silent'),
    baseHeaders: fhirSecurityHeaders({ https: false, cors: false }), routeLabel: createRouteLabeler(['Patient']),
    ...opts,
  });
  const server = createServer((req, res) => { void handler(req, res); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`,
    server,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export const okRouter = async (): Promise<FhirResponse> => ({ status: 200, headers: { 'content-type': 'application/fhir+json' }, body: { resourceType: 'Patient', id: '1' } });
