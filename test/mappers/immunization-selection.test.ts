// Which OSCAR prevention records become Immunizations (mapping §5.3; contract 3.4): the clinic's
// immunization types; for a type it has not configured, OSCAR's own rule (a brand SNOMED code or a
// dose is recorded); never a screening, never a vaccine type the clinic removed from its list.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PreventionTransfer } from '../../src/oscar/types.js';
import { isImmunizationPrevention } from '../../src/resources/immunization/mapper.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';

const cfg = defaultMappingConfig();
const prevention = (preventionType: string | undefined, exts: Record<string, string> = {}): PreventionTransfer => ({
  id: 1, demographicId: 1001, preventionType,
  preventionExts: Object.entries(exts).map(([key, value]) => ({ key, value })),
});

describe('which preventions are immunizations', () => {
  it('takes the configured vaccine types, with or without details', () => {
    assert.equal(isImmunizationPrevention(prevention('Flu'), cfg), true);
    assert.equal(isImmunizationPrevention(prevention('MMR', { dose: '0.5 mL' }), cfg), true);
  });

  it('never takes a screening, a blank type, or a vaccine type the clinic removed, whatever the details say', () => {
    assert.equal(isImmunizationPrevention(prevention('PAP', { dose: '1' }), cfg), false);
    assert.equal(isImmunizationPrevention(prevention('  ', { dose: '1' }), cfg), false);
    assert.equal(isImmunizationPrevention(prevention(undefined, { brandSnomedId: '123' }), cfg), false);
    const withoutFlu = defaultMappingConfig({ immunizationTypes: { remove: ['Flu'] } });
    assert.equal(isImmunizationPrevention(prevention('Flu', { brandSnomedId: '123', dose: '1' }), withoutFlu), false);
    // OtherA is one of OSCAR's immunization types without a row in the vaccine table.
    const withoutOtherA = defaultMappingConfig({ immunizationTypes: { remove: ['OtherA'] } });
    assert.equal(isImmunizationPrevention(prevention('OtherA', { dose: '1' }), withoutOtherA), false);
  });

  it('takes an unconfigured type only when a brand SNOMED code or a dose is recorded', () => {
    assert.equal(isImmunizationPrevention(prevention('COVID-19 mRNA (Clinic pick)', { brandSnomedId: '28531000087107' }), cfg), true);
    assert.equal(isImmunizationPrevention(prevention('COVID-19 mRNA (Clinic pick)', { dose: '0.3 mL' }), cfg), true);
    assert.equal(isImmunizationPrevention(prevention('COVID-19 mRNA (Clinic pick)', { lot: 'AB12', brandSnomedId: ' ' }), cfg), false);
    assert.equal(isImmunizationPrevention(prevention('COVID-19 mRNA (Clinic pick)'), cfg), false);
    const withPick = defaultMappingConfig({ immunizationTypes: { add: ['COVID-19 mRNA (Clinic pick)'] } });
    assert.equal(isImmunizationPrevention(prevention('COVID-19 mRNA (Clinic pick)'), withPick), true);
  });
});
