// The Prefer request header (RFC 7240; FHIR R4 http §3.1.0.5.2 return, search §3.1.1.2 handling).

export type ReturnPreference = 'minimal' | 'representation' | 'OperationOutcome';
export type HandlingPreference = 'strict' | 'lenient';

export interface Prefer {
  return?: ReturnPreference;
  handling?: HandlingPreference;
}

/** Reads `return=` and `handling=` from one or more comma-joined Prefer values; anything else is ignored. */
export function parsePrefer(header: string | undefined): Prefer {
  const out: Prefer = {};
  if (!header) return out;
  for (const item of header.split(/[,;]/)) {
    const [rawKey, rawValue] = item.split('=');
    const key = rawKey?.trim().toLowerCase();
    const value = rawValue?.trim().replace(/^"(.*)"$/, '$1');
    if (key === 'return' && (value === 'minimal' || value === 'representation' || value === 'OperationOutcome')) out.return = value;
    else if (key === 'handling' && (value === 'strict' || value === 'lenient')) out.handling = value;
  }
  return out;
}
