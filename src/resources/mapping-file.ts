// A clinic's own mapping tables (MAPPING_CONFIG_FILE): custom appointment statuses, prevention
// types that are immunizations, document types' LOINC codes, identifier systems. mapping §1.10: the
// tables are data, overridable because clinics customise OSCAR. Every problem in the file is
// reported at start-up, never discovered on a request.
import { readFileSync } from 'node:fs';
import type { AppointmentStatus } from './appointment/status-table.js';
import type { MappingConfigOverrides } from './mapping-config.js';

const STATUSES: readonly AppointmentStatus[] = ['proposed', 'pending', 'booked', 'arrived', 'fulfilled', 'cancelled', 'noshow', 'entered-in-error', 'checked-in', 'waitlist'];
const KEYS = ['localSystemBase', 'appointmentStatuses', 'immunizationTypes', 'documentTypeLoinc', 'documentProgramId', 'practitionerSystems'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function statusMap(v: unknown, where: string, problems: string[]): Record<string, AppointmentStatus> | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) { problems.push(`${where} must be an object of OSCAR code → FHIR status`); return undefined; }
  const out: Record<string, AppointmentStatus> = {};
  for (const [code, status] of Object.entries(v)) {
    if (!/^.{1,2}$/u.test(code)) problems.push(`${where}: "${code}" is not an OSCAR status code (1–2 characters)`);
    else if (!STATUSES.includes(status as AppointmentStatus)) problems.push(`${where}.${code}: "${String(status)}" is not a FHIR appointment status (${STATUSES.join(', ')})`);
    else out[code] = status as AppointmentStatus;
  }
  return out;
}

function stringList(v: unknown, where: string, problems: string[]): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s.trim() === '')) {
    problems.push(`${where} must be an array of non-empty strings`);
    return undefined;
  }
  return v as string[];
}

/** Validated overrides from the JSON text of a mapping file; problems are appended. */
export function parseMappingOverrides(text: string, problems: string[], name = 'MAPPING_CONFIG_FILE'): MappingConfigOverrides {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch { problems.push(`${name} is not valid JSON`); return {}; }
  if (!isObject(raw)) { problems.push(`${name} must hold a JSON object`); return {}; }
  for (const k of Object.keys(raw)) if (!KEYS.includes(k)) problems.push(`${name}: unknown key "${k}" (known: ${KEYS.join(', ')})`);
  const out: MappingConfigOverrides = {};

  if (raw.localSystemBase !== undefined) {
    if (typeof raw.localSystemBase === 'string' && /^https?:\/\/\S+$/.test(raw.localSystemBase)) out.localSystemBase = raw.localSystemBase;
    else problems.push(`${name}: localSystemBase must be an http(s) URI`);
  }

  const a = raw.appointmentStatuses;
  if (a !== undefined) {
    if (!isObject(a)) problems.push(`${name}: appointmentStatuses must be an object`);
    else {
      const exact = statusMap(a.exact, `${name}: appointmentStatuses.exact`, problems);
      const firstChar = statusMap(a.firstChar, `${name}: appointmentStatuses.firstChar`, problems);
      const toOscar: Partial<Record<AppointmentStatus, string>> = {};
      if (a.toOscar !== undefined) {
        if (!isObject(a.toOscar)) problems.push(`${name}: appointmentStatuses.toOscar must be an object of FHIR status → OSCAR code`);
        else for (const [status, code] of Object.entries(a.toOscar)) {
          if (!STATUSES.includes(status as AppointmentStatus)) problems.push(`${name}: appointmentStatuses.toOscar: "${status}" is not a FHIR appointment status`);
          else if (typeof code !== 'string' || !/^.{1,2}$/u.test(code)) problems.push(`${name}: appointmentStatuses.toOscar.${status} must be an OSCAR code of 1–2 characters`);
          else toOscar[status as AppointmentStatus] = code;
        }
      }
      let fallback: AppointmentStatus | undefined;
      if (a.fallback !== undefined) {
        if (STATUSES.includes(a.fallback as AppointmentStatus)) fallback = a.fallback as AppointmentStatus;
        else problems.push(`${name}: appointmentStatuses.fallback must be a FHIR appointment status`);
      }
      out.appointmentStatuses = { ...(exact && { exact }), ...(firstChar && { firstChar }), toOscar, ...(fallback && { fallback }) };
    }
  }

  const i = raw.immunizationTypes;
  if (i !== undefined) {
    if (!isObject(i)) problems.push(`${name}: immunizationTypes must be an object { "add": [...], "remove": [...] }`);
    else out.immunizationTypes = { add: stringList(i.add, `${name}: immunizationTypes.add`, problems) ?? [], remove: stringList(i.remove, `${name}: immunizationTypes.remove`, problems) ?? [] };
  }

  const d = raw.documentTypeLoinc;
  if (d !== undefined) {
    if (!isObject(d)) problems.push(`${name}: documentTypeLoinc must be an object of doctype → { "code", "display" } or null`);
    else {
      // No prototype: a doctype named `__proto__` is kept as a key, not made the table's prototype.
      const table = Object.create(null) as Record<string, { code: string; display: string } | null>;
      for (const [doctype, v] of Object.entries(d)) {
        if (v === null) table[doctype] = null;
        else if (isObject(v) && typeof v.code === 'string' && /^\d{1,7}-\d$/.test(v.code) && typeof v.display === 'string' && v.display) table[doctype] = { code: v.code, display: v.display };
        else problems.push(`${name}: documentTypeLoinc.${doctype} must be { "code": "<LOINC, e.g. 11502-2>", "display": "…" } or null`);
      }
      out.documentTypeLoinc = table;
    }
  }

  const program = raw.documentProgramId;
  if (program !== undefined) {
    // program.program_id is an SQL int
    if (Number.isInteger(program) && (program as number) >= 1 && (program as number) <= 2_147_483_647) out.documentProgramId = program as number;
    else problems.push(`${name}: documentProgramId must be a positive whole number (an OSCAR program id, e.g. 10034)`);
  }

  const p = raw.practitionerSystems;
  if (p !== undefined) {
    if (!isObject(p) || (p.ohipBilling !== undefined && typeof p.ohipBilling !== 'string')) problems.push(`${name}: practitionerSystems must be { "ohipBilling": "<system URI>" }`);
    else if (typeof p.ohipBilling === 'string') out.practitionerSystems = { ohipBilling: p.ohipBilling };
  }
  return out;
}

export function readMappingOverrides(path: string, problems: string[]): MappingConfigOverrides {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    problems.push(`MAPPING_CONFIG_FILE: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    return {};
  }
  return parseMappingOverrides(text, problems);
}
