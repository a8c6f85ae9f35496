// Which OscarClient operations a discovered instance can serve (docs/oscar-variants.md §4, §7.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missing } from '../../src/oscar/capabilities/wire-ops.js';
import type { CapabilityMap } from '../../src/oscar/capabilities/map.js';

function map(over: { soap?: Partial<CapabilityMap['soap']>; rest?: Partial<CapabilityMap['rest']> } = {}): CapabilityMap {
  return {
    probedAt: '2026-12-06T12:00:00.000Z', source: 'probe', variant: 'openo',
    soap: { reach: 'ok', operations: { DemographicService: ['getDemographic', 'getDemographic2'] }, ...over.soap },
    rest: { reach: 'ok', dialect: 'oscar', ...over.rest },
    time: { clinicZone: 'America/Toronto', mismatch: false },
  };
}

test('a SOAP operation is served when SOAP works and the WSDL lists it (an unread service counts as present)', () => {
  assert.equal(missing(map(), 'soapGetDemographic2'), undefined);
  assert.equal(missing(map(), 'soapGetAppointment2'), undefined);
  assert.equal(missing(map({ soap: { operations: { DemographicService: ['getDemographic'] } } }), 'soapGetDemographic2'),
    'this OSCAR has no SOAP DemographicService.getDemographic2');
});

test('SOAP blocked or refused makes every SOAP operation missing, with the reason', () => {
  assert.equal(missing(map({ soap: { reach: 'edge-blocked', detail: 'a web application firewall answers 403' } }), 'soapGetDemographic'),
    'OSCAR SOAP web services: a web application firewall answers 403');
  assert.equal(missing(map({ soap: { reach: 'ip-not-allowed' } }), 'soapGetAllergy'), 'OSCAR SOAP web services: ip-not-allowed');
  assert.equal(missing(map({ soap: { reach: 'edge-blocked' } }), 'restActiveAllergies'), undefined);
});

test('REST: module off, PUT refused at the edge, a path the instance does not list', () => {
  assert.equal(missing(map({ rest: { reach: 'module-off', detail: 'REST module is off' } }), 'restGetDemographicBasic'), 'OSCAR REST web services: REST module is off');
  assert.equal(missing(map({ rest: { putAllowed: false } }), 'restUpdateDemographic'), 'a proxy in front of OSCAR refuses HTTP PUT');
  assert.equal(missing(map({ rest: { putAllowed: false } }), 'restCreateDemographic'), undefined);
  assert.equal(missing(map({ rest: { putAllowed: true } }), 'restUpdateDemographic'), undefined);
  assert.equal(missing(map({ rest: { paths: ['/demographics', '/demographics/search'] } }), 'restSaveDocumentToDemographic'),
    'this OSCAR has no REST POST /document/saveDocumentToDemographic');
  assert.equal(missing(map({ rest: { paths: ['/demographics', '/demographics/search'] } }), 'restSearchDemographics'), undefined);
});

test('a listed path matches whatever the listing names its template parameters', () => {
  assert.equal(missing(map({ rest: { paths: ['/demographics/basic/{dataId}'] } }), 'restGetDemographicBasic'), undefined);
  assert.equal(missing(map({ rest: { paths: ['/demographics/basic'] } }), 'restGetDemographicBasic'), 'this OSCAR has no REST GET /demographics/basic/{id}');
});
