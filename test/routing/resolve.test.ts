// The routing table resolved against the capability maps of the OSCAR lines and hosts
// (variants §4, §6, §7.4). Expected options and reasons are literals read from docs/oscar-variants.md.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveRoutes, type Resolved } from '../../src/routing/resolve.js';
import { assumedCapabilityMap } from '../../src/oscar/capabilities/assumed.js';
import type { RouteKey } from '../../src/routing/table.js';
import { VARIANT_MAPS } from '../../scripts/routing-doc/variant-maps.js';

function resolved(variant: string): (key: RouteKey) => Resolved {
  const r = resolveRoutes(VARIANT_MAPS[variant]!);
  return (key) => r.get(key)!;
}

const optionOf = (r: Resolved): string => (r.status === 'unavailable' ? `unavailable: ${r.missing}` : `${r.status} ${r.option.id}`);

describe('routing table resolution', () => {
  it('serves everything the preferred way on an instance nothing was probed on (the behaviour before discovery)', () => {
    const r = resolveRoutes(assumedCapabilityMap('America/Toronto'));
    assert.deepEqual([...r.values()].filter((x) => x.status !== 'served').map(optionOf), []);
    assert.equal(optionOf(r.get('AllergyIntolerance.search-type')!), 'served with-rest-status');
    assert.equal(optionOf(r.get('Patient.update')!), 'served rest-put');
  });

  it('Open-O with REST on: every interaction, nothing degraded', () => {
    const at = resolved('openo');
    for (const key of ['Patient.read', 'Patient.create', 'Patient.update', 'AllergyIntolerance.read', 'DocumentReference.create', 'Immunization.search-type'] as const) {
      assert.equal(at(key).status, 'served', key);
    }
    assert.equal(optionOf(at('Patient.read')), 'served complete');
    assert.equal(optionOf(at('DocumentReference.search-type')), 'served by-demographic');
  });

  it('REST module off: no patient or document writes, allergies without clinical status (variants §7.4 SOAP-only mode, B14)', () => {
    const at = resolved('REST module off');
    for (const key of ['Patient.create', 'Patient.update', 'DocumentReference.create', 'AllergyIntolerance.search.clinical-status'] as const) {
      const r = at(key);
      assert.equal(r.status, 'unavailable', key);
      assert.match(r.status === 'unavailable' ? r.missing : '', /REST/);
      assert.match(r.status === 'unavailable' ? r.remedy : '', /ModuleNames=REST in oscar\.properties/);
    }
    assert.equal(optionOf(at('AllergyIntolerance.read')), 'degraded without-status');
    assert.equal(optionOf(at('AllergyIntolerance.search-type')), 'degraded without-status');
    assert.equal(optionOf(at('Patient.search.identifier')), 'degraded without-chart-numbers');
    for (const key of ['Patient.read', 'Patient.search-type', 'Appointment.create', 'Appointment.update', 'Immunization.read', 'DocumentReference.read', 'Binary.read'] as const) {
      assert.equal(at(key).status, 'served', key);
    }
  });

  it('PUT denied at the edge: patient update goes, create stays (variants B4)', () => {
    const at = resolved('PUT blocked');
    const update = at('Patient.update');
    assert.equal(update.status, 'unavailable');
    assert.equal(update.status === 'unavailable' && update.missing, 'a proxy in front of OSCAR refuses HTTP PUT');
    assert.match(update.status === 'unavailable' ? update.remedy : '', /PUT/);
    assert.equal(at('Patient.create').status, 'served');
  });

  it('SOAP behind a WAF: nothing that reads through SOAP, and writes that read back through it go too (variants B5)', () => {
    const at = resolved('SOAP WAF');
    for (const key of ['Patient.search._lastUpdated', 'Patient.search.email', 'Appointment.search._lastUpdated', 'AllergyIntolerance.read', 'DocumentReference.read', 'Practitioner.read'] as const) {
      const r = at(key);
      assert.equal(r.status, 'unavailable', key);
      assert.match(r.status === 'unavailable' ? r.remedy : '', /firewall/, key);
    }
  });

  it('SOAP behind a WAF: patients are read, searched, created and updated, active allergies listed, over OAuth REST (variants §7.4 REST-only mode)', () => {
    const at = resolved('SOAP WAF');
    assert.equal(optionOf(at('Patient.read')), 'degraded rest');
    assert.equal(optionOf(at('Patient.create')), 'served rest');
    assert.equal(optionOf(at('Patient.update')), 'served rest-put');
    assert.equal(optionOf(at('Patient.search-type')), 'degraded rest-search');
    assert.equal(optionOf(at('Patient.search.identifier')), 'degraded rest-search');
    assert.equal(optionOf(at('AllergyIntolerance.search-type')), 'degraded rest-active');
    assert.equal(optionOf(at('AllergyIntolerance.search.clinical-status')), 'served rest');
    assert.equal(optionOf(at('DocumentReference.create')), 'degraded rest-only');
  });

  it('SOAP behind a WAF: appointments are read, searched, booked and changed over OAuth REST (variants §7.4 REST-only mode)', () => {
    const at = resolved('SOAP WAF');
    assert.equal(optionOf(at('Appointment.read')), 'degraded rest');
    assert.equal(optionOf(at('Appointment.search-type')), 'degraded rest');
    assert.equal(optionOf(at('Appointment.search._id')), 'served rest');
    assert.equal(optionOf(at('Appointment.create')), 'degraded rest');
    assert.equal(optionOf(at('Appointment.update')), 'degraded rest');
  });

  it('OSCAR 15: plain demographics, documents by creator, immunizations by recorder, no _lastUpdated on Patient (variants §4.1, B3, B23)', () => {
    const at = resolved('oscar15');
    assert.equal(optionOf(at('Patient.read')), 'degraded transfer1');
    assert.equal(optionOf(at('DocumentReference.search-type')), 'degraded by-creator');
    assert.equal(optionOf(at('Immunization.search-type')), 'degraded by-recorder');
    assert.equal(optionOf(at('Patient.search._lastUpdated')), 'unavailable: this OSCAR has no SOAP DemographicService.getActiveDemographicsAfter');
    assert.equal(optionOf(at('Patient.create')), 'unavailable: this OSCAR has no REST POST /demographics');
    assert.equal(optionOf(at('AllergyIntolerance.read')), 'degraded without-status');
  });

  it("Juno: SOAP reads without getDemographic2, patient writes through Juno's own SOAP operations, documents and chart numbers through its integrator REST (variants §3 H)", () => {
    const at = resolved('juno');
    assert.equal(optionOf(at('Patient.read')), 'degraded transfer1');
    assert.equal(optionOf(at('Patient.create')), 'degraded juno-soap');
    assert.equal(optionOf(at('Patient.update')), 'degraded juno-soap');
    assert.equal(optionOf(at('DocumentReference.create')), 'degraded juno-v1');
    assert.equal(optionOf(at('Patient.search.identifier')), 'served juno-chart-numbers');
    assert.equal(at('Appointment.create').status, 'served');
  });
});
