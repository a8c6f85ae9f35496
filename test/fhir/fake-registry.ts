// An in-memory resource backend for the router tests: three types (Patient, Practitioner,
// Appointment) implemented with the public search helpers, counting every handler call so tests
// can prove that a request was (or was not) answered without reaching the "upstream".
import type { Appointment, Binary, Patient, Practitioner, Resource } from 'fhir/r4.js';
import {
  ID_PARAM, LAST_UPDATED_PARAM, NUMERIC_ID, Registry, dateRangeOf, defineResource, matchesDateClause, matchesReference,
  matchesString, matchesToken, type FhirContext, type ParsedSearch, type SearchResult,
} from '../../src/fhir/index.js';

export interface Calls { [handler: string]: number }

export interface Fake {
  registry: Registry;
  calls: Calls;
  patients: Map<string, Patient>;
  practitioners: Map<string, Practitioner>;
  appointments: Map<string, Appointment>;
  binaries: Map<string, Binary>;
  /** The last ParsedSearch the patient handler saw. */
  lastSearch?: ParsedSearch;
  /** Thrown by every patient handler when set. */
  failWith?: unknown;
}

const GENDERS = ['male', 'female', 'other', 'unknown'];

export function patient(id: string, family: string, given: string, gender: Patient['gender'], birthDate: string, gp?: string): Patient {
  return {
    resourceType: 'Patient', id,
    meta: { lastUpdated: '2024-01-02T03:04:05-05:00', profile: ['http://hl7.org/fhir/ca/baseline/StructureDefinition/profile-patient'] },
    identifier: [{ system: 'https://clinic.example/demographic', value: id }],
    active: true,
    name: [{ family, given: [given] }],
    ...(gender ? { gender } : {}),
    birthDate,
    telecom: [{ system: 'phone', value: '555-0100', use: 'home' }],
    ...(gp ? { generalPractitioner: [{ reference: `Practitioner/${gp}` }] } : {}),
  };
}

export function makeFake(): Fake {
  const fake: Fake = {
    registry: new Registry(), calls: {},
    patients: new Map(), practitioners: new Map(), appointments: new Map(), binaries: new Map(),
  };
  const count = (name: string): void => { fake.calls[name] = (fake.calls[name] ?? 0) + 1; };
  const maybeFail = (): void => { if (fake.failWith !== undefined) throw fake.failWith; };

  fake.patients.set('1', patient('1', 'Smith', 'Jane', 'female', '1980-07-01', '7'));
  fake.patients.set('2', patient('2', 'Müller', 'Hans', 'male', '1975-03-10', '7'));
  fake.patients.set('3', patient('3', 'Smithers', 'Wayne', 'male', '1990-12-31', '8'));
  fake.patients.set('4', patient('4', 'Brown', 'Ann', undefined, '1980-01-15'));
  fake.practitioners.set('7', { resourceType: 'Practitioner', id: '7', name: [{ family: 'Welby', given: ['Marcus'] }] });
  fake.practitioners.set('8', { resourceType: 'Practitioner', id: '8', name: [{ family: 'Kildare', given: ['James'] }] });
  fake.appointments.set('100', {
    resourceType: 'Appointment', id: '100', status: 'booked', start: '2024-03-10T09:00:00-04:00', end: '2024-03-10T09:15:00-04:00',
    participant: [{ actor: { reference: 'Patient/1' }, status: 'accepted' }, { actor: { reference: 'Practitioner/7' }, status: 'accepted' }],
  });
  fake.appointments.set('101', {
    resourceType: 'Appointment', id: '101', status: 'cancelled', start: '2024-03-11T10:00:00-04:00', end: '2024-03-11T10:15:00-04:00',
    participant: [{ actor: { reference: 'Patient/2' }, status: 'accepted' }],
  });
  fake.binaries.set('55', { resourceType: 'Binary', id: '55', contentType: 'application/pdf', data: Buffer.from('%PDF-1.4 fake').toString('base64') });

  function patientMatches(p: Patient, search: ParsedSearch): boolean {
    return search.clauses.every((c) => {
      switch (c.name) {
        case '_id': return c.type === 'token' && matchesToken(c, [{ code: p.id }]);
        case 'name': return c.type === 'string' && matchesString(c, (p.name ?? []).flatMap((n) => [n.family, ...(n.given ?? [])]));
        case 'family': return c.type === 'string' && matchesString(c, (p.name ?? []).map((n) => n.family));
        case 'gender': return c.type === 'token' && matchesToken(c, p.gender ? [{ system: 'http://hl7.org/fhir/administrative-gender', code: p.gender }] : []);
        case 'identifier': return c.type === 'token' && matchesToken(c, p.identifier ?? []);
        case 'birthdate': return c.type === 'date' && matchesDateClause(c, [dateRangeOf(p.birthDate, 'America/Toronto')]);
        case 'general-practitioner': return c.type === 'reference' && matchesReference(c, (p.generalPractitioner ?? []).map((r) => r.reference));
        default: return false;
      }
    });
  }

  fake.registry.register(defineResource<Patient>({
    type: 'Patient',
    profile: 'http://hl7.org/fhir/ca/baseline/StructureDefinition/profile-patient',
    documentation: 'Patients are OSCAR demographics.',
    idPattern: NUMERIC_ID,
    conditionalCreate: true,
    searchParams: [
      ID_PARAM,
      { ...LAST_UPDATED_PARAM },
      { name: 'name', type: 'string', description: 'Any part of the name', definition: 'http://hl7.org/fhir/SearchParameter/Patient-name', modifiers: ['exact', 'contains', 'missing'] },
      { name: 'family', type: 'string', description: 'Family name', definition: 'http://hl7.org/fhir/SearchParameter/individual-family', modifiers: ['exact'] },
      { name: 'gender', type: 'token', description: 'Administrative gender', definition: 'http://hl7.org/fhir/SearchParameter/individual-gender', codes: GENDERS, system: 'http://hl7.org/fhir/administrative-gender', modifiers: ['not', 'missing'] },
      { name: 'identifier', type: 'token', description: 'Health card or chart number', definition: 'http://hl7.org/fhir/SearchParameter/Patient-identifier', modifiers: ['text'] },
      { name: 'birthdate', type: 'date', description: 'Date of birth', definition: 'http://hl7.org/fhir/SearchParameter/individual-birthdate' },
      { name: 'general-practitioner', type: 'reference', description: 'Most responsible provider', definition: 'http://hl7.org/fhir/SearchParameter/Patient-general-practitioner', target: ['Practitioner'] },
    ],
    includes: [{ param: 'general-practitioner', targetType: 'Practitioner', references: (r) => ((r as Patient).generalPractitioner ?? []).map((g) => g.reference ?? '') }],
    operations: [{
      name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything', instance: true,
      documentation: 'The patient and their appointments.',
      async handler(_ctx: FhirContext, input) {
        count('patient.everything');
        const p = fake.patients.get(input.id ?? '');
        return { resourceType: 'Bundle', type: 'searchset', total: p ? 1 : 0, entry: p ? [{ resource: p }] : [] };
      },
    }],
    interactions: {
      async read(_ctx, id) { count('patient.read'); maybeFail(); return fake.patients.get(id); },
      async search(_ctx, search): Promise<SearchResult<Patient>> {
        count('patient.search'); maybeFail();
        fake.lastSearch = search;
        const all = [...fake.patients.values()].filter((p) => patientMatches(p, search));
        return { resources: all.slice(search.offset, search.offset + search.count), total: all.length };
      },
      async create(_ctx, resource) {
        count('patient.create'); maybeFail();
        const id = String(10 + fake.patients.size);
        const stored: Patient = { ...resource, id, meta: { lastUpdated: '2024-05-01T12:00:00Z' } };
        fake.patients.set(id, stored);
        return { resource: stored, issues: [{ severity: 'information', code: 'informational', diagnostics: 'telecom not stored' }] };
      },
      async update(_ctx, id, resource) {
        count('patient.update'); maybeFail();
        const stored: Patient = { ...resource, id, meta: { lastUpdated: '2024-05-02T12:00:00Z' } };
        fake.patients.set(id, stored);
        return stored;
      },
    },
  }));

  fake.registry.register(defineResource<Practitioner>({
    type: 'Practitioner',
    idPattern: NUMERIC_ID,
    readOnlyReason: 'OSCAR exposes no provider write API.',
    searchParams: [],
    interactions: { async read(_ctx, id) { count('practitioner.read'); return fake.practitioners.get(id); } },
  }));

  fake.registry.register(defineResource<Appointment>({
    type: 'Appointment',
    idPattern: NUMERIC_ID,
    searchParams: [
      { name: 'patient', type: 'reference', description: 'The patient', definition: 'http://hl7.org/fhir/SearchParameter/Appointment-patient', target: ['Patient'] },
    ],
    interactions: {
      async read(_ctx, id) { count('appointment.read'); return fake.appointments.get(id); },
      async search(_ctx, search) {
        count('appointment.search');
        const all = [...fake.appointments.values()].filter((a) => search.clauses.every((c) =>
          c.type === 'reference' && matchesReference(c, a.participant.map((p) => p.actor?.reference))));
        return { resources: all, unpaged: true };
      },
    },
  }));

  fake.registry.register(defineResource<Binary>({
    type: 'Binary',
    idPattern: NUMERIC_ID,
    readOnlyReason: 'Document bytes are written through DocumentReference.',
    searchParams: [],
    interactions: { async read(_ctx, id) { count('binary.read'); return fake.binaries.get(id); } },
  }));

  return fake;
}

/** Total handler calls whose name starts with `prefix`. */
export function callsTo(calls: Calls, prefix = ''): number {
  return Object.entries(calls).filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
}

export type { Resource };
