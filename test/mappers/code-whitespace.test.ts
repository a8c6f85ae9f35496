// Codes copied from OSCAR's free-text columns (allergy regionalIdentifier = DIN, prevention
// extensions din and brandSnomedId) are digit strings: whitespace typed into them is dropped, so
// the FHIR code stays valid (found by the conformance probe: "0224  7208" was a 500 in strict mode)
// and the tradename lookup still finds the vaccine.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AllergyTransfer, PreventionExtTransfer, PreventionTransfer } from '../../src/oscar/types.js';
import { allergyFromSoap } from '../../src/resources/allergyintolerance/mapper.js';
import { immunizationFromSoap } from '../../src/resources/immunization/mapper.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { validateResource } from '../../src/validation/index.js';
import { assertValidResource } from './fhir-assert.js';
import { ALLERGY_NUMBERS, PREVENTION_BOOLEANS, PREVENTION_NUMBERS, soapReturns } from './soap-fixtures.js';
import { SOAP_ALLERGIES, SOAP_PREVENTIONS } from './wire-samples.js';

const cfg = defaultMappingConfig();
const DIN = 'http://hl7.org/fhir/sid/ca-hc-din';
const noErrors = (r: object): void => assert.deepEqual(validateResource(r).filter((i) => i.severity === 'error'), []);

describe('codes from free-text OSCAR columns', () => {
  it('an allergy DIN with whitespace in it', () => {
    const base = soapReturns<AllergyTransfer>(SOAP_ALLERGIES, ALLERGY_NUMBERS)[0]!;
    for (const typed of ['0224  7208', '0224\t7208', ' 02247208 ', '0224 7208']) {
      const a = allergyFromSoap({ ...base, regionalIdentifier: typed }, new Set(), cfg);
      assert.deepEqual(a.code?.coding?.filter((c) => c.system === DIN), [{ system: DIN, code: '02247208' }], JSON.stringify(typed));
      noErrors(a);
      assertValidResource(a);
    }
  });

  it('an immunization DIN and tradename SNOMED id with whitespace in them', () => {
    const flu = soapReturns<PreventionTransfer>(SOAP_PREVENTIONS, PREVENTION_NUMBERS, PREVENTION_BOOLEANS)[0]!;
    const exts: PreventionExtTransfer[] = [
      { key: 'din', value: '0243  2730', preventionId: flu.id },
      { key: 'brandSnomedId', value: '75610000\t87109', preventionId: flu.id },
    ];
    const imm = immunizationFromSoap({ ...flu, preventionType: 'Vaxigrip (CVC)', preventionExts: exts }, cfg);
    const codes = imm.vaccineCode.coding?.map((c) => `${c.system ?? ''}|${c.code ?? ''}|${c.display ?? ''}`);
    assert.ok(codes?.includes(`${DIN}|02432730|`), JSON.stringify(codes));
    assert.ok(codes?.includes('http://snomed.info/sct|7561000087109|[Inf] Vaxigrip'), JSON.stringify(codes));
    noErrors(imm);
    assertValidResource(imm);
  });
});
