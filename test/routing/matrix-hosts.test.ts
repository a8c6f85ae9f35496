// The matrix over hosting set-ups (variants §6): Open-O with the REST module off, behind a proxy
// that refuses PUT, behind a WAF that refuses SOAP, with a JVM zone apart from the clinic's, and
// Juno with an IP allow-list that does not list this server. What each can serve is a literal read
// from docs/oscar-variants.md §7.4, never derived from the routing table.
import { VARIANT_MAPS } from '../../scripts/routing-doc/variant-maps.js';
import { EVERYTHING, matrixSuite, READ } from './matrix-suite.js';


// variants §7.4 "SOAP-only mode": no patient create/update, no document create.
matrixSuite({
  name: 'REST module off', sim: { restModule: false }, map: VARIANT_MAPS['REST module off']!,
  interactions: { ...EVERYTHING, Patient: [...READ, 'search-type'], DocumentReference: [...READ, 'search-type'] },
});
// variants B4: update needs PUT; create is a POST.
matrixSuite({
  name: 'PUT denied at the edge', sim: { edgeDenyPut: true }, map: VARIANT_MAPS['PUT blocked']!,
  interactions: { ...EVERYTHING, Patient: [...READ, 'search-type', 'create'] },
});
// variants B5, §7.4 REST-only mode: patients, appointments, active allergies, immunizations and
// document uploads over OAuth REST; practitioners and document reads are SOAP only.
matrixSuite({
  name: 'SOAP behind a WAF', sim: { soapWaf: true }, map: VARIANT_MAPS['SOAP WAF']!,
  interactions: { Patient: EVERYTHING.Patient, Appointment: EVERYTHING.Appointment, AllergyIntolerance: ['search-type'], Immunization: ['search-type'], DocumentReference: ['create'] },
});
// variants B8: the allow-list refuses SOAP and REST alike.
matrixSuite({ name: 'Juno, IP not allowed', sim: { variant: 'juno', ipAllowlist: 'deny' }, map: VARIANT_MAPS['IP not allowed']!, interactions: {} });
// variants B10: the JVM renders times in Vancouver, the clinic books in Toronto; nothing is lost.
matrixSuite({
  name: 'JVM zone apart from the clinic', sim: { serverTimezone: 'America/Vancouver' },
  map: { ...VARIANT_MAPS.openo!, time: { clinicZone: 'America/Toronto', serverOffsetMinutes: -480, mismatch: true } },
  interactions: EVERYTHING,
});
