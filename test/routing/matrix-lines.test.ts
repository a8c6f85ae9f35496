// The matrix over the OSCAR lines the simulator plays (variants §3, §4): what each can serve is a
// literal read from docs/oscar-variants.md §7.4 and §4, never derived from the routing table.
import { VARIANT_MAPS } from '../../scripts/routing-doc/variant-maps.js';
import { EVERYTHING, matrixSuite, READ } from './matrix-suite.js';


matrixSuite({ name: 'Open-O / OpenOSP (default)', sim: {}, map: VARIANT_MAPS.openo!, interactions: EVERYTHING });
matrixSuite({ name: 'Open-O legacy line', sim: { variant: 'openo-legacy' }, map: VARIANT_MAPS['openo-legacy']!, interactions: EVERYTHING });
matrixSuite({ name: 'OSCAR 19', sim: { variant: 'oscar19' }, map: VARIANT_MAPS.oscar19!, interactions: EVERYTHING });
// variants §4.1, B3, B23: no REST for clinical data, no *ByDemographicIdAfter: no patient or
// document writes; immunizations and documents are listed per recording provider instead.
const WITHOUT_OSCAR_REST = {
  ...EVERYTHING,
  Patient: [...READ, 'search-type'],
  DocumentReference: [...READ, 'search-type'],
};
matrixSuite({ name: 'OSCAR 15', sim: { variant: 'oscar15' }, map: VARIANT_MAPS.oscar15!, interactions: WITHOUT_OSCAR_REST });
// variants §3 H: Juno writes patients through its own SOAP addDemographic / updateDemographic, and
// uploads documents through its integrator REST (/ws/services/v1 document, then chart assignment).
matrixSuite({
  name: 'Juno', sim: { variant: 'juno' }, map: VARIANT_MAPS.juno!,
  interactions: { ...WITHOUT_OSCAR_REST, Patient: [...READ, 'search-type', 'create', 'update'], DocumentReference: [...READ, 'search-type', 'create'] },
});
