// SMART App Launch scopes (smart §1.9): v2 `patient|user|system/<Type|*>.[c][r][u][d][s]`
// and the v1 forms `.read` (= rs), `.write` (= cud) and `.*` (= cruds). What a token may do is
// decided here and nowhere else.

export type ScopeContext = 'patient' | 'user' | 'system';
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';

export const PERMISSION_ORDER: readonly Permission[] = ['c', 'r', 'u', 'd', 's'];

export interface ResourceScope {
  context: ScopeContext;
  /** A resource type, or '*'. */
  type: string;
  perms: ReadonlySet<Permission>;
}

export interface ParsedScopes {
  resource: ResourceScope[];
  /** openid, fhirUser, launch/patient, offline_access…: understood, grant no data access. */
  other: string[];
  /**
   * Scopes that are not understood, or granular query scopes (`patient/Observation.rs?category=…`)
   * which this server does not support: never granted (5.1 rule 4: don't widen).
   */
  ignored: string[];
}

const RESOURCE_SCOPE = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]+)\.([a-z*]+)$/;
// A Map, not an object literal: a suffix such as `constructor` must not find Object.prototype's.
const V1: ReadonlyMap<string, readonly Permission[]> = new Map([['read', ['r', 's']], ['write', ['c', 'u', 'd']], ['*', ['c', 'r', 'u', 'd', 's']]]);

/** The permissions of a scope's suffix (never empty: RESOURCE_SCOPE), or undefined when it is not v1 or an ordered v2 subset. */
function permsOf(suffix: string): readonly Permission[] | undefined {
  // v2: a subset of c r u d s, in that order, each at most once.
  return V1.get(suffix) ?? (/^c?r?u?d?s?$/.test(suffix) ? [...suffix] as Permission[] : undefined);
}

export function parseScope(raw: string): ResourceScope | undefined {
  const m = RESOURCE_SCOPE.exec(raw);
  if (!m) return undefined;
  const perms = permsOf(m[3]!);
  return perms ? { context: m[1] as ScopeContext, type: m[2]!, perms: new Set(perms) } : undefined;
}

const OTHER = /^(openid|fhirUser|profile|offline_access|online_access|launch(\/[a-z]+)?)$/;

export function parseScopes(scope: string | readonly string[] | undefined): ParsedScopes {
  const words = typeof scope === 'string' ? scope.split(/\s+/) : [...(scope ?? [])];
  const out: ParsedScopes = { resource: [], other: [], ignored: [] };
  for (const w of words) {
    if (w === '') continue;
    const parsed = parseScope(w);
    if (parsed) out.resource.push(parsed);
    else if (OTHER.test(w)) out.other.push(w);
    else out.ignored.push(w);
  }
  return out;
}

/** v2 text of a scope: `system/Patient.rs`. */
export function formatScope(s: ResourceScope): string {
  return `${s.context}/${s.type}.${PERMISSION_ORDER.filter((p) => s.perms.has(p)).join('')}`;
}

/**
 * How far scopes let a token do `perm` on `type`: 'all' (user/ or system/ scope), 'compartment'
 * (only a patient/ scope: confined to the token's patient), or undefined (not at all).
 */
export type Access = 'all' | 'compartment';

export function accessFor(scopes: readonly ResourceScope[], type: string, perm: Permission): Access | undefined {
  let best: Access | undefined;
  for (const s of scopes) {
    if ((s.type !== '*' && s.type !== type) || !s.perms.has(perm)) continue;
    if (s.context !== 'patient') return 'all';
    best = 'compartment';
  }
  return best;
}

/**
 * What of `requested` the `allowed` scopes cover (the token endpoint never widens): each requested
 * scope intersected with each allowed scope of the same context and a matching type.
 */
export function intersectScopes(requested: readonly ResourceScope[], allowed: readonly ResourceScope[]): ResourceScope[] {
  const granted = new Map<string, ResourceScope>();
  for (const r of requested) {
    for (const a of allowed) {
      if (a.context !== r.context) continue;
      if (r.type !== '*' && a.type !== '*' && r.type !== a.type) continue;
      const type = r.type === '*' ? a.type : r.type;
      const perms = PERMISSION_ORDER.filter((p) => r.perms.has(p) && a.perms.has(p));
      if (perms.length === 0) continue;
      const key = `${r.context}/${type}`;
      const prev = granted.get(key);
      granted.set(key, { context: r.context, type, perms: new Set([...(prev?.perms ?? []), ...perms]) });
    }
  }
  // A wildcard grant makes type-specific grants of the same context with no extra permission redundant.
  const out = [...granted.values()];
  return out.filter((s) => s.type === '*' || !out.some((w) => w.type === '*' && w.context === s.context && [...s.perms].every((p) => w.perms.has(p))));
}
