// JAX-RS content negotiation as CXF performs it during resource-method selection (contract 1.3, 1.6).

export const JSON_TYPE = 'application/json';
export const XML_TYPE = 'application/xml';

interface MediaRange { type: string; subtype: string; q: number; index: number }

function parseOne(s: string, index: number): MediaRange | null {
  const [main = '', ...params] = s.split(';');
  const m = /^\s*([^\s/]+)\s*\/\s*([^\s/]+)\s*$/.exec(main);
  if (!m) return null;
  let q = 1;
  for (const p of params) {
    const [k, v] = p.split('=').map((x) => x.trim());
    if (k?.toLowerCase() === 'q' && v !== undefined && !Number.isNaN(Number(v))) q = Number(v);
  }
  return { type: (m[1] ?? '').toLowerCase(), subtype: (m[2] ?? '').toLowerCase(), q, index };
}

const specificity = (r: MediaRange): number => (r.type === '*' ? 0 : r.subtype === '*' ? 1 : 2);

/** Accept header ranges, best first (q, then specificity, then order); absent → `*\/*`. */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (header === undefined || header.trim() === '') return [{ type: '*', subtype: '*', q: 1, index: 0 }];
  return header.split(',').map((s, i) => parseOne(s, i)).filter((r): r is MediaRange => r !== null && r.q > 0)
    .sort((a, b) => b.q - a.q || specificity(b) - specificity(a) || a.index - b.index);
}

function matches(range: { type: string; subtype: string }, concrete: string): boolean {
  const [t, s] = concrete.split('/');
  return (range.type === '*' || range.type === t) && (range.subtype === '*' || range.subtype === s);
}

/** The response media type for a method producing `produces`, or null (→ 406). */
export function negotiate(produces: readonly string[], accept: string | undefined): string | null {
  for (const range of parseAccept(accept)) {
    const hit = produces.find((p) => matches(range, p));
    if (hit) return hit;
  }
  return null;
}

/** Whether a request Content-Type fits a method's @Consumes; a missing Content-Type is `*\/*`. */
export function consumes(accepted: readonly string[], contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === '') return true;
  const ct = parseOne(contentType, 0);
  if (!ct) return false;
  return accepted.some((a) => {
    const [t, s] = a.split('/');
    return (ct.type === '*' || t === '*' || ct.type === t) && (ct.subtype === '*' || s === '*' || ct.subtype === s);
  });
}
