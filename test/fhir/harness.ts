// Shared router test harness: a router over the fake registry and a request builder.
import { createRouter, type FhirRequest, type FhirResponse, type FhirRouter, type RouterOptions } from '../../src/fhir/index.js';
import { makeFake, type Fake } from './fake-registry.js';

export const BASE = 'https://fhir.example.org/fhir';

export function request(method: string, url: string, opts: { headers?: Record<string, string>; body?: unknown } = {}): FhirRequest {
  const [path = '', qs = ''] = url.split('?');
  return { method, path, query: [...new URLSearchParams(qs)], headers: opts.headers ?? {}, body: opts.body, requestId: 'test-1' };
}

export function setup(extra: Partial<RouterOptions> = {}): { fake: Fake; router: FhirRouter; call: (m: string, u: string, o?: { headers?: Record<string, string>; body?: unknown }) => Promise<FhirResponse> } {
  const fake = makeFake();
  const router = createRouter({ registry: fake.registry, baseUrl: `${BASE}/`, timezone: 'America/Toronto', ...extra });
  return { fake, router, call: (m, u, o) => router(request(m, u, o)) };
}

