// What the CapabilityStatement says about the export (bulk-data §a A, BD-CAP-01/02): it
// instantiates the Bulk Data server statement, offers $export on the system and on Patient, and
// lists Group with what src/bulk/http.ts serves of it: read, search by name, identifier and _id,
// and Group/[id]/$export. Group is not a type of the registry (its members are computed from
// OSCAR's population list when a job starts, src/bulk/groups.ts), so its entry is written here,
// beside the code that serves it, rather than generated (design principle 1: what is listed is
// what is served). On an OSCAR that cannot serve the export (availability.ts) none of it is listed.
import type { CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4.js';
import type { Unavailable } from '../fhir/unavailable.js';

const BULK = 'http://hl7.org/fhir/uv/bulkdata';
const CORE = 'http://hl7.org/fhir/SearchParameter';

/** The Group entry: exactly the interactions and parameters src/bulk/http.ts answers. */
const GROUP: CapabilityStatementRestResource = {
  type: 'Group',
  documentation: 'The groups an export can name: "clinic" (every active patient), "mrp-{providerNo}" (patients whose most responsible provider is that provider) and "rostered-{providerNo}" (those of them rostered to the provider). Read-only: members are who OSCAR lists when an export starts.',
  interaction: [{ code: 'read' }, { code: 'search-type' }],
  versioning: 'no-version',
  readHistory: false,
  searchParam: [
    { name: 'name', definition: `${CORE}/Group-name`, type: 'string', documentation: 'Part of the group\'s name, any case.' },
    { name: 'identifier', definition: `${CORE}/Group-identifier`, type: 'token', documentation: 'The group id (a system before | is ignored).' },
    { name: '_id', definition: `${CORE}/Resource-id`, type: 'token', documentation: 'The group id.' },
  ],
  operation: [{
    name: 'export', definition: `${BULK}/OperationDefinition/group-export`,
    documentation: 'Group/[id]/$export: the records of the group\'s active patients.',
  }],
};

/** The CapabilityStatement's extension for the export, listed while `unavailable()` says nothing. */
export function bulkCapability(unavailable: () => Unavailable | undefined): (statement: CapabilityStatement) => CapabilityStatement {
  return (statement) => (unavailable() ? statement : withBulkExport(statement));
}

function withBulkExport(statement: CapabilityStatement): CapabilityStatement {
  const rest = (statement.rest ?? []).map((r) => ({
    ...r,
    resource: [
      ...(r.resource ?? []).map((res) => (res.type === 'Patient'
        ? { ...res, operation: [...(res.operation ?? []), { name: 'export', definition: `${BULK}/OperationDefinition/patient-export` }] }
        : res)),
      GROUP,
    ],
    operation: [...(r.operation ?? []), { name: 'export', definition: `${BULK}/OperationDefinition/export` }],
  }));
  return { ...statement, instantiates: [...(statement.instantiates ?? []), `${BULK}/CapabilityStatement/bulk-data`], rest };
}
