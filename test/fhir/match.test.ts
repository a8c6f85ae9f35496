// In-memory matching helpers resource handlers use to refine OSCAR answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  matchesReference, matchesString, matchesToken, normalizeForSearch,
  parseSearch, type SearchClause, type SearchParamDef, type TokenCandidate,
} from '../../src/fhir/index.js';

function clause(def: SearchParamDef, key: string, value: string): SearchClause {
  const c = parseSearch({ type: 'X', searchParams: [def] }, [[key, value]], { baseUrl: 'https://b/fhir' }).clauses[0];
  assert.ok(c);
  return c;
}

describe('string matching', () => {
  const def: SearchParamDef = { name: 'name', type: 'string', description: 'n', modifiers: ['exact', 'contains', 'missing'] };
  const m = (key: string, value: string, candidates: (string | undefined)[]): boolean => {
    const c = clause(def, key, value);
    return c.type === 'string' && matchesString(c, candidates);
  };
  it('default: starts-with, case- and accent-insensitive, any candidate', () => {
    assert.equal(normalizeForSearch('Müller-Ñúñez'), 'muller-nunez');
    assert.equal(m('name', 'mul', ['Hans', 'MÜLLER']), true);
    assert.equal(m('name', 'ller', ['Müller']), false);
    assert.equal(m('name', 'zed,han', ['Hans']), true, 'OR');
    assert.equal(m('name', 'x', []), false);
  });
  it(':exact is case- and accent-sensitive; :contains matches inside', () => {
    assert.equal(m('name:exact', 'Müller', ['Müller']), true);
    assert.equal(m('name:exact', 'muller', ['Müller']), false);
    assert.equal(m('name:exact', 'Mül', ['Müller']), false);
    assert.equal(m('name:contains', 'LLE', ['Müller']), true);
  });
  it(':missing', () => {
    assert.equal(m('name:missing', 'true', [undefined, '']), true);
    assert.equal(m('name:missing', 'false', ['a']), true);
    assert.equal(m('name:missing', 'true', ['a']), false);
  });
});

describe('token matching', () => {
  const def: SearchParamDef = { name: 'code', type: 'token', description: 'c', modifiers: ['not', 'text', 'missing'] };
  const codings = [{ system: 'http://snomed.info/sct', code: '123', display: 'Influenza vaccine' }, { code: 'local' }];
  const m = (key: string, value: string, c: TokenCandidate[] = codings): boolean => {
    const cl = clause(def, key, value);
    return cl.type === 'token' && matchesToken(cl, c);
  };
  it('code, system|code, |code, system|', () => {
    assert.equal(m('code', '123'), true);
    assert.equal(m('code', 'http://snomed.info/sct|123'), true);
    assert.equal(m('code', 'http://loinc.org|123'), false);
    assert.equal(m('code', '|local'), true);
    assert.equal(m('code', '|123'), false, '123 has a system');
    assert.equal(m('code', 'http://snomed.info/sct|'), true);
    assert.equal(m('code', 'http://loinc.org|'), false);
    assert.equal(m('code', '999,123'), true, 'OR');
  });
  it('identifiers match on value', () => {
    assert.equal(m('code', 'https://id|42', [{ system: 'https://id', value: '42' }]), true);
  });
  it(':not, :text, :missing', () => {
    assert.equal(m('code:not', '123'), false);
    assert.equal(m('code:not', '999'), true);
    assert.equal(m('code:not', '999', []), true, 'no value at all is "not 999"');
    assert.equal(m('code:text', 'vacc'), true, 'a word of the display');
    assert.equal(m('code:text', 'xyz'), false);
    assert.equal(m('code:missing', 'true', []), true);
  });
  it('a long OR list (a page of ids) matches as a short one does, with and without systems', () => {
    const ids = Array.from({ length: 50 }, (_, i) => String(1000 + i));
    const many = ids.join(',');
    assert.equal(m('code', many, [{ code: '1049' }]), true, 'last value');
    assert.equal(m('code', many, [{ code: '1000' }]), true, 'first value');
    assert.equal(m('code', many, [{ code: '1050' }]), false);
    assert.equal(m('code', many, [{ code: '999' }, { system: 'https://id', value: '1025' }]), true, 'an identifier value, whatever its system');
    assert.equal(m('code', many, [{ system: 'https://id' }]), false, 'a candidate without a code');
    assert.equal(m('code', many, []), false);
    assert.equal(m('code:not', many, [{ code: '1010' }]), false);
    assert.equal(m('code:not', many, [{ code: '7' }]), true);
    // One value with a system: every value is held to its own rule.
    assert.equal(m('code', `${many},http://loinc.org|7`, [{ system: 'http://snomed.info/sct', code: '7' }]), false);
    assert.equal(m('code', `${many},http://loinc.org|7`, [{ system: 'http://loinc.org', code: '7' }]), true);
    assert.equal(m('code', `${many},|7`, [{ system: 'http://loinc.org', code: '7' }]), false, '|7 wants no system');
    assert.equal(m('code', `${many},|7`, [{ code: '7' }]), true);
    assert.equal(m('code', `${many},http://loinc.org|`, [{ system: 'http://loinc.org', code: 'x' }]), true);
    assert.equal(m('code', `${many},http://loinc.org|`, [{ system: 'http://loinc.org', code: '1003' }]), true);
  });
});

describe('reference matching', () => {
  it('references compare type and id; untyped values match any type', () => {
    const def: SearchParamDef = { name: 'subject', type: 'reference', description: 's', target: ['Patient', 'Group'] };
    const c = clause(def, 'subject', 'Patient/1');
    assert.ok(c.type === 'reference');
    assert.equal(matchesReference(c, ['Patient/1']), true);
    assert.equal(matchesReference(c, ['https://b/fhir/Patient/1']), true);
    assert.equal(matchesReference(c, ['Group/1']), false);
    const untyped = clause(def, 'subject', '1');
    assert.ok(untyped.type === 'reference');
    assert.equal(matchesReference(untyped, ['Group/1']), true);
  });

});
