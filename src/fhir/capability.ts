// The CapabilityStatement: the fixed parts from capability/base.json, the per-type parts
// generated from the registry (design principle 1: advertise exactly what is registered).
import { readFileSync } from 'node:fs';
import type {
  CapabilityStatement, CapabilityStatementRest, CapabilityStatementRestResource,
  CapabilityStatementRestResourceInteraction, CapabilityStatementRestResourceOperation, CapabilityStatementRestSecurity,
} from 'fhir/r4.js';
import type { InstanceLimits } from './instance-limits.js';
import type { Registry, ResourceDefinition } from './registry.js';

export const VALIDATE_OPERATION_DEFINITION = 'http://hl7.org/fhir/OperationDefinition/Resource-validate';

export interface CapabilityOptions {
  /** Public FHIR base URL: implementation.url. */
  baseUrl: string;
  /** software.name / version (default: base.json's name, no version). */
  software?: { name?: string; version?: string; releaseDate?: string };
  /** Replaces the security placeholder of base.json (SMART on FHIR: service, oauth-uris extension). */
  security?: CapabilityStatementRestSecurity;
  /** CapabilityStatement.date (default: when it is built). */
  date?: string;
  /** Fixed parts (default: capability/base.json). */
  base?: CapabilityStatement;
  /** What the back end cannot serve (already left out of `registry`) and how it serves the rest. */
  limits?: InstanceLimits;
  /** Served beside the registry's types (the Bulk Data export and its Groups, src/bulk/capability.ts). */
  extend?: (statement: CapabilityStatement) => CapabilityStatement;
}

type Notes = Readonly<Record<string, string>>;

/** `text` with the note on how this instance serves it, if any. */
function withNote(text: string | undefined, note: string | undefined): string | undefined {
  return [text, note].filter(Boolean).join(' ') || undefined;
}

/** capability/base.json (the repository's fixed CapabilityStatement parts). */
export function loadCapabilityBase(): CapabilityStatement {
  return JSON.parse(readFileSync(new URL('../../capability/base.json', import.meta.url), 'utf8')) as CapabilityStatement;
}

function interactionsOf(def: ResourceDefinition, notes: Notes): CapabilityStatementRestResourceInteraction[] {
  const i = def.interactions;
  const out: CapabilityStatementRestResourceInteraction[] = [];
  const add = (code: CapabilityStatementRestResourceInteraction['code'], fixed?: string): void => {
    const documentation = withNote(fixed, notes[code]);
    out.push(documentation ? { code, documentation } : { code });
  };
  if (i.read) {
    add('read');
    add('vread', 'Only the current version: OSCAR keeps no history, so another versionId is a 404.');
  }
  if (i.search) add('search-type');
  if (i.create) add('create');
  if (i.update) add('update');
  return out;
}

function includeNames(def: ResourceDefinition): string[] {
  const incs = def.includes ?? [];
  return incs.map((inc) => (incs.filter((o) => o.param === inc.param).length > 1
    ? `${def.type}:${inc.param}:${inc.targetType}`
    : `${def.type}:${inc.param}`));
}

function resourceEntry(def: ResourceDefinition, notes: Notes): CapabilityStatementRestResource {
  const r: CapabilityStatementRestResource = { type: def.type as CapabilityStatementRestResource['type'] };
  if (def.profile) r.profile = def.profile;
  const reason = def.readOnlyReason && `Read-only: ${def.readOnlyReason}${/[.!?]$/.test(def.readOnlyReason) ? '' : '.'}`;
  const docs = [def.documentation, reason].filter(Boolean);
  if (docs.length > 0) r.documentation = docs.join(' ');
  r.interaction = interactionsOf(def, notes);
  r.versioning = def.interactions.update ? 'versioned-update' : 'versioned';
  r.readHistory = false;
  if (def.interactions.update) r.updateCreate = false;
  if (def.interactions.create) r.conditionalCreate = def.conditionalCreate === true;
  if (def.interactions.read) r.conditionalRead = 'full-support';
  if (def.interactions.update) r.conditionalUpdate = false;
  const includes = includeNames(def);
  if (includes.length > 0) r.searchInclude = includes;
  if (def.searchParams.length > 0) {
    r.searchParam = def.searchParams.map((p) => ({
      name: p.name,
      ...(p.definition ? { definition: p.definition } : {}),
      type: p.type,
      documentation: withNote(p.description, notes[`search.${p.name}`])!,
    }));
  }
  const ops: CapabilityStatementRestResourceOperation[] = [
    { name: 'validate', definition: VALIDATE_OPERATION_DEFINITION, documentation: `POST /${def.type}/$validate: checks ${/^[AEIOU]/.test(def.type) ? 'an' : 'a'} ${def.type} without storing it.` },
    ...(def.operations ?? []).map((op) => {
      const documentation = withNote(op.documentation, notes[`$${op.name}`]);
      return { name: op.name, definition: op.definition, ...(documentation ? { documentation } : {}) };
    }),
  ];
  r.operation = ops;
  return r;
}

export function buildCapabilityStatement(registry: Registry, opts: CapabilityOptions): CapabilityStatement {
  const base = structuredClone(opts.base ?? loadCapabilityBase());
  const restBase: CapabilityStatementRest = base.rest?.find((r) => r.mode === 'server') ?? { mode: 'server' };
  const rest: CapabilityStatementRest = { ...restBase, mode: 'server', resource: registry.all().map((def) => resourceEntry(def, opts.limits?.types[def.type]?.notes ?? {})) };
  if (opts.security) rest.security = opts.security;
  const software = { ...base.software, ...opts.software, name: opts.software?.name ?? base.software?.name ?? 'oscar-fhir' };
  const statement: CapabilityStatement = {
    ...base,
    resourceType: 'CapabilityStatement',
    status: base.status ?? 'active',
    date: opts.date ?? new Date().toISOString(),
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: base.format ?? ['application/fhir+json', 'json'],
    software,
    implementation: {
      ...base.implementation,
      description: withNote(base.implementation?.description ?? 'OSCAR EMR FHIR R4 facade', opts.limits?.description)!,
      url: opts.baseUrl,
    },
    rest: [rest],
  };
  return opts.extend ? opts.extend(statement) : statement;
}
