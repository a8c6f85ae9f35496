// Sample 2a (docs/oscar-samples.md) as the FHIR Appointment every read path must give.
import type { Appointment } from 'fhir/r4.js';

export const expected555: Appointment = {
  resourceType: 'Appointment',
  id: '555',
  meta: { lastUpdated: '2024-03-08T07:13:20-05:00' },
  status: 'booked',
  description: 'Follow-up BP',
  start: '2024-03-12T09:00:00-04:00',
  end: '2024-03-12T09:15:00-04:00',
  minutesDuration: 15,
  created: '2024-03-08T07:13:20-05:00',
  participant: [
    { actor: { reference: 'Patient/1001', display: 'DOE, JANE' }, status: 'accepted' },
    { actor: { reference: 'Practitioner/999998' }, status: 'accepted' },
  ],
};
