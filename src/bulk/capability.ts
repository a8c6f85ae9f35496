// What the CapabilityStatement says about the export (bulk-data §a A, BD-CAP-01/02): it
// instantiates the Bulk Data server statement and offers $export on the system and on Patient.
// Group/[id]/$export and the Group reads are served (src/bulk/http.ts) but Group is not a type of
// the registry, so it is not listed among the resources (design principle 1: what is listed is
// what the registry drives); README "Bulk export" documents them.
import type { CapabilityStatement } from 'fhir/r4.js';

const BULK = 'http://hl7.org/fhir/uv/bulkdata';

export function withBulkExport(statement: CapabilityStatement): CapabilityStatement {
  const rest = (statement.rest ?? []).map((r) => ({
    ...r,
    resource: (r.resource ?? []).map((res) => (res.type === 'Patient'
      ? { ...res, operation: [...(res.operation ?? []), { name: 'export', definition: `${BULK}/OperationDefinition/patient-export` }] }
      : res)),
    operation: [...(r.operation ?? []), {
      name: 'export', definition: `${BULK}/OperationDefinition/export`,
      documentation: 'Also Group/[id]/$export for the groups "clinic", "mrp-{providerNo}" and "rostered-{providerNo}" (GET Group?name= lists them).',
    }],
  }));
  return { ...statement, instantiates: [...(statement.instantiates ?? []), `${BULK}/CapabilityStatement/bulk-data`], rest };
}
