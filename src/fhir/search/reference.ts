// Reference search values: 'Patient/1', '1' (with `:Patient` or a single declared target), or an
// absolute URL on our own base. References to other servers can never match anything here, and
// `:identifier` is not supported (it would need an identifier search on the target), so both are 400.
import { invalidValue } from '../errors.js';
import { FHIR_ID_RE } from '../ids.js';
import type { ReferenceClause, ReferenceValue, SearchParamDef } from './types.js';

export function parseReferenceValue(raw: string, def: SearchParamDef, typeModifier: string | undefined, baseUrl: string | undefined): ReferenceValue {
  let rel = raw;
  if (/^https?:\/\//i.test(raw)) {
    const base = baseUrl?.replace(/\/+$/, '');
    if (!base || !raw.startsWith(`${base}/`)) {
      throw invalidValue(`Search parameter '${def.name}': '${raw}' is not a reference on this server`, [def.name]);
    }
    rel = raw.slice(base.length + 1);
  }
  const parts = rel.split('/');
  let type: string | undefined;
  let id: string;
  if (parts.length === 1) {
    id = parts[0]!;
    type = typeModifier ?? (def.target?.length === 1 ? def.target[0] : undefined);
  } else if (parts.length === 2) {
    type = parts[0]!;
    id = parts[1]!;
    if (typeModifier !== undefined && typeModifier !== type) {
      throw invalidValue(`Search parameter '${def.name}:${typeModifier}': '${raw}' is a ${type} reference`, [def.name]);
    }
  } else {
    throw invalidValue(`Search parameter '${def.name}': '${raw}' is not a reference ('Type/id' or 'id'; versioned references are not supported)`, [def.name]);
  }
  if (type !== undefined && def.target && !def.target.includes(type)) {
    throw invalidValue(`Search parameter '${def.name}': '${type}' is not a valid target; expected ${def.target.join(', ')}`, [def.name]);
  }
  if (!FHIR_ID_RE.test(id)) throw invalidValue(`Search parameter '${def.name}': '${id}' is not a valid id`, [def.name]);
  return type === undefined ? { id } : { type, id };
}

/** Does a resource whose references are `refs` ('Patient/1' strings) satisfy the clause? */
export function matchesReference(clause: ReferenceClause, refs: readonly (string | undefined)[]): boolean {
  const present = refs.filter((r): r is string => r !== undefined && r !== '');
  if (clause.missing !== undefined) return clause.missing === (present.length === 0);
  return clause.values.some((v) => present.some((r) => {
    const parts = r.split('/');
    const id = parts[parts.length - 1];
    const type = parts[parts.length - 2];
    return id === v.id && (v.type === undefined || type === v.type);
  }));
}
