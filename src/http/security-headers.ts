// Security headers on every FHIR answer: the ones helmet sets on the Express ops app, written
// directly because the FHIR endpoint is plain node:http (no middleware on the hot path). FHIR
// answers are data, never pages: nothing may be framed, run scripts or be sniffed into HTML —
// which matters for Binary, whose raw bytes come from documents anyone could have uploaded.

export function fhirSecurityHeaders(opts: { https: boolean; cors: boolean }): Readonly<Record<string, string>> {
  const h: Record<string, string> = {
    // PHI must never sit in a shared cache (proxy, CDN).
    'cache-control': 'private, no-cache',
    vary: 'Accept, Authorization, Origin',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    // With CORS configured, browser apps on other origins must be able to load answers.
    'cross-origin-resource-policy': opts.cors ? 'cross-origin' : 'same-origin',
    'origin-agent-cluster': '?1',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  };
  // Only meaningful when clients reach us over TLS (the public base URL says so).
  if (opts.https) h['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
  return Object.freeze(h);
}
