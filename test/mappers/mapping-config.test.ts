import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nonBlank, withoutEmpty } from '../../src/resources/without-empty.js';
import { defaultMappingConfig, localSystem } from '../../src/resources/mapping-config.js';

describe('MappingConfig', () => {
  it('has the documented defaults', () => {
    const cfg = defaultMappingConfig();
    assert.equal(cfg.timezone, 'America/Toronto');
    assert.equal(localSystem(cfg, 'demographicNo'), 'https://emr.example.org/oscar/fhir-ids/demographic-no');
    assert.equal(cfg.appointmentStatuses.toOscar.cancelled, 'C');
    assert.equal(cfg.documentTypeLoinc['consult']?.code, '11488-4');
    assert.equal(cfg.documentTypeLoinc['radiology']?.code, '18748-4');
    assert.equal(cfg.documentTypeLoinc['pathology']?.code, '11526-1');
    assert.equal(cfg.immunizationTypes.has('Flu'), true);
    assert.equal(cfg.immunizationTypes.has('PAP'), false);
  });

  it('applies overrides without changing the shared defaults', () => {
    const a = defaultMappingConfig({ timezone: 'America/Vancouver', localSystemBase: 'https://c.example/ids', appointmentStatuses: { toOscar: { booked: 'a' } } });
    assert.equal(a.timezone, 'America/Vancouver');
    assert.equal(localSystem(a, 'chartNo'), 'https://c.example/ids/chart-no');
    assert.equal(a.appointmentStatuses.toOscar.booked, 'a');
    assert.equal(defaultMappingConfig().appointmentStatuses.toOscar.booked, 't');
  });
});

describe('withoutEmpty', () => {
  it('drops blank strings, nulls, empty arrays and objects but keeps false and 0', () => {
    assert.deepEqual(withoutEmpty({ a: '', b: '  ', c: null, d: [], e: {}, f: [{ x: '' }], g: false, h: 0, i: { j: [undefined, 'k'] }, l: NaN }), { g: false, h: 0, i: { j: ['k'] } });
    assert.equal(nonBlank('  x '), 'x');
    assert.equal(nonBlank(''), undefined);
    assert.equal(nonBlank(5), undefined);
  });
  it('counts every kind of white space as blank, and a string with anything else in it as kept', () => {
    const blank = ['\t', '\n \r', '\u00a0', '\ufeff', '\u2028', '\u3000 ', '\u000b\u000c'];
    const kept = ['x', ' x', '\u00a0x', '\u00e9', '\u0000', '\u007f', '\u200b', '~ '];
    assert.deepEqual(withoutEmpty({ blank, kept }), { kept });
  });
  it('writes every object\'s members in canonical order: resourceType, id, meta, then by UTF-16 code units', () => {
    const out = withoutEmpty({
      value: 'v', system: 's', meta: { profile: ['p'], lastUpdated: '2024' }, id: '1', resourceType: 'Patient',
      name: [{ use: 'official', given: ['Ana'], family: 'Roy', _family: { extension: [{ valueString: 'x', url: 'u' }] } }], Zed: 1,
      contained: [{ active: true, id: 'c', resourceType: 'Practitioner' }], blank: '',
    });
    assert.equal(JSON.stringify(out), '{"resourceType":"Patient","id":"1","meta":{"lastUpdated":"2024","profile":["p"]},"Zed":1,'
      + '"contained":[{"resourceType":"Practitioner","id":"c","active":true}],'
      + '"name":[{"_family":{"extension":[{"url":"u","valueString":"x"}]},"family":"Roy","given":["Ana"],"use":"official"}],"system":"s","value":"v"}');
  });
  it('keeps an object\'s own keys and nothing it inherits', () => {
    const inherited = Object.create({ fromPrototype: 'x' }) as Record<string, unknown>;
    Object.assign(inherited, { z: 1, a: '', m: 'm', 2: 'two', 1: 'one' });
    const out = withoutEmpty(inherited);
    assert.deepEqual(Object.keys(out), ['1', '2', 'm', 'z']);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal('fromPrototype' in out, false);
    const clean = Object.create({ fromPrototype: 'x' }) as Record<string, unknown>;
    Object.assign(clean, { z: 1, m: 'm' });
    const copied = withoutEmpty(clean);
    assert.deepEqual(Object.keys(copied), ['m', 'z']);
    assert.equal('fromPrototype' in copied, false);
  });
  it('leaves its input as it was, at every depth, whether or not a part had something to drop', () => {
    const input = {
      resourceType: 'Patient', id: '1', a: undefined, name: [{ family: 'Roy', given: ['', 'Ana'] }, { family: ' ' }],
      identifier: [{ system: 's', value: 'v', period: { start: '2020' } }], telecom: [{ system: 'phone', value: '1', use: undefined }], x: { y: { z: '' } },
    };
    const before = structuredClone(input);
    const out = withoutEmpty(input);
    assert.deepEqual(input, before);
    assert.deepEqual(out, {
      resourceType: 'Patient', id: '1', name: [{ family: 'Roy', given: ['Ana'] }],
      identifier: [{ system: 's', value: 'v', period: { start: '2020' } }], telecom: [{ system: 'phone', value: '1' }],
    });
    assert.equal(Object.hasOwn(out.telecom[0]!, 'use'), false, 'an undefined member is dropped, not kept as undefined');
    assert.deepEqual(withoutEmpty([['', undefined], ['a'], []]), [['a']]);
    assert.deepEqual(withoutEmpty(['a', undefined, 'b']), ['a', 'b']);
  });
  it('returns a part with nothing to drop and in canonical order as it is, and copies every other part', () => {
    const clean = { code: 'c', display: 'd', system: 's' };
    const outOfOrder = { system: 's', code: 'c' };
    const strings = ['a', 'b'];
    const input = {
      resourceType: 'Patient', id: '1', meta: { profile: ['p'] }, coding: [clean], other: [outOfOrder], given: strings,
      dropped: { text: 't', blank: '' },
    };
    const out = withoutEmpty(input) as typeof input;
    assert.notEqual(out, input);
    assert.equal(out.meta, input.meta);
    assert.equal(out.coding, input.coding);
    assert.equal(out.coding[0], clean);
    assert.equal(out.given, strings);
    assert.notEqual(out.other, input.other, 'an array holding a reordered object is a new array');
    assert.notEqual(out.other[0], outOfOrder);
    assert.deepEqual(Object.keys(out.other[0]!), ['code', 'system']);
    assert.notEqual(out.dropped, input.dropped);
    assert.deepEqual(out.dropped, { text: 't' });
    assert.deepEqual(input.dropped, { text: 't', blank: '' });
  });
  it('copies an object without a prototype into a plain one, and drops the holes of an array', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 'x', b: 'y' });
    const out = withoutEmpty({ bare });
    assert.notEqual(out.bare, bare);
    assert.equal(Object.getPrototypeOf(out.bare), Object.prototype);
    assert.deepEqual(out.bare, { a: 'x', b: 'y' });
    // eslint-disable-next-line no-sparse-arrays
    const holey = ['a', , 'b'];
    const kept = withoutEmpty({ holey }).holey;
    assert.deepEqual(kept, ['a', 'b']);
    assert.equal(kept.length, 2);
  });
  it('keeps a Buffer and a Date as they are, the same objects, even an empty Buffer', () => {
    const bytes = Buffer.alloc(0);
    const full = Buffer.from('x');
    const day = new Date(0);
    const out = withoutEmpty({ bytes, day, list: [full] });
    assert.equal(out.bytes, bytes);
    assert.equal(out.day, day);
    assert.equal(out.list[0], full);
    // a class instance that is neither is still made a plain object of its own members
    class Coded { code = 'a'; blank = ''; }
    const coded = withoutEmpty({ c: new Coded() }).c;
    assert.equal(Object.getPrototypeOf(coded), Object.prototype);
    assert.deepEqual(coded, { code: 'a' });
  });
});
