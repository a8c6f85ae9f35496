// parseSearch: every parameter type, modifiers, OR/AND, result parameters and errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FhirError, ID_PARAM, LAST_UPDATED_PARAM, NUMERIC_ID, encodeCursor, parseSearch, searchFingerprint,
  type ParsedSearch, type SearchParseOptions, type SearchSpec,
} from '../../src/fhir/index.js';

const spec: SearchSpec = {
  type: 'Patient',
  idPattern: NUMERIC_ID,
  searchParams: [
    ID_PARAM,
    LAST_UPDATED_PARAM,
    { name: 'name', type: 'string', description: 'name', modifiers: ['exact', 'contains', 'missing'] },
    { name: 'family', type: 'string', description: 'family' },
    { name: 'gender', type: 'token', description: 'gender', codes: ['male', 'female', 'other', 'unknown'], system: 'http://hl7.org/fhir/administrative-gender', modifiers: ['not', 'missing'] },
    { name: 'identifier', type: 'token', description: 'identifier', modifiers: ['text'] },
    { name: 'birthdate', type: 'date', description: 'dob' },
    { name: 'onset', type: 'date', description: 'only ranges', prefixes: ['ge', 'le'], multipleOr: false, multipleAnd: false },
    { name: 'general-practitioner', type: 'reference', description: 'gp', target: ['Practitioner', 'Organization'] },
    { name: 'organization', type: 'reference', description: 'org', target: ['Organization'] },
  ],
  includes: [
    { param: 'general-practitioner', targetType: 'Practitioner' },
    { param: 'general-practitioner', targetType: 'Organization' },
    { param: 'organization', targetType: 'Organization' },
  ],
};

const opts: SearchParseOptions = { baseUrl: 'https://fhir.example.org/fhir', timezone: 'America/Toronto', idPatternFor: () => NUMERIC_ID };
const parse = (q: string, o: SearchParseOptions = {}): ParsedSearch => parseSearch(spec, [...new URLSearchParams(q)], { ...opts, ...o });
/** Expects a 400 FhirError whose diagnostics match `re`. */
function rejects(q: string, re: RegExp, o: SearchParseOptions = {}): void {
  assert.throws(() => parse(q, o), (e: unknown) => {
    assert.ok(e instanceof FhirError, String(e));
    assert.equal(e.status, 400);
    assert.match(e.issues[0]?.diagnostics ?? '', re);
    return true;
  }, q);
}

describe('token parameters', () => {
  it('code, system|code, |code and system|', () => {
    const v = (q: string): unknown => (parse(q).clauses[0] as { values: unknown[] }).values;
    assert.deepEqual(v('identifier=123'), [{ code: '123' }]);
    assert.deepEqual(v('identifier=http://x|123'), [{ system: 'http://x', code: '123' }]);
    assert.deepEqual(v('identifier=|123'), [{ system: '', code: '123' }]);
    assert.deepEqual(v('identifier=http://x|'), [{ system: 'http://x' }]);
    assert.deepEqual(v('identifier=a\\|b'), [{ code: 'a|b' }], 'escaped pipe');
    assert.deepEqual(v('identifier=a\\,b,c'), [{ code: 'a,b' }, { code: 'c' }], 'escaped comma');
    assert.deepEqual(v('identifier=1,2,3'), [{ code: '1' }, { code: '2' }, { code: '3' }]);
    assert.deepEqual(v('identifier=http://x|1,|2,3,http://y|'), [{ system: 'http://x', code: '1' }, { system: '', code: '2' }, { code: '3' }, { system: 'http://y' }]);
    assert.deepEqual(v('identifier=a\\b'), [{ code: 'a\\b' }], 'a backslash before another character is kept');
    assert.deepEqual(v('identifier=a\\'), [{ code: 'a\\' }], 'a trailing backslash is kept');
    assert.deepEqual(v('identifier=a\\\\|b'), [{ system: 'a\\', code: 'b' }], 'an escaped backslash before a separator');
  });

  it('checks declared codes, but not codes of another explicit system', () => {
    rejects('gender=woman', /unknown code 'woman'; expected one of male, female, other, unknown/);
    rejects('gender=male|x|y', /more than one '\|'/);
    rejects('gender=|', /'\|' alone/);
    assert.equal(parse('gender=http://hl7.org/fhir/administrative-gender|female').clauses.length, 1);
    assert.deepEqual((parse('gender=http://other|woman').clauses[0] as { values: unknown[] }).values, [{ system: 'http://other', code: 'woman' }]);
  });

  it(':not, :missing and :text where declared; other modifiers refused', () => {
    assert.equal(parse('gender:not=male').clauses[0]?.modifier, 'not');
    assert.equal(parse('gender:missing=true').clauses[0]?.missing, true);
    assert.equal(parse('gender:missing=false').clauses[0]?.missing, false);
    rejects('gender:missing=maybe', /must be true or false/);
    assert.deepEqual((parse('identifier:text=health card').clauses[0] as { values: unknown[] }).values, [{ text: 'health card' }]);
    rejects('gender:text=ma', /':text' is not supported for search parameter 'gender'/);
    rejects('gender:in=http://vs', /':in' is not supported/);
    rejects('gender:bogus=male', /':bogus' is not supported/);
  });
});

describe('string parameters', () => {
  it('string values are unescaped; :exact and :contains only where declared', () => {
    const c = parse('name=o\\,brien,smith').clauses[0];
    assert.deepEqual(c?.values, [{ value: 'o,brien' }, { value: 'smith' }]);
    assert.equal(parse('name:exact=Smith').clauses[0]?.modifier, 'exact');
    assert.equal(parse('name:contains=mit').clauses[0]?.modifier, 'contains');
    rejects('family:exact=Smith', /':exact' is not supported for search parameter 'family'/);
  });

});

describe('date parameters', () => {
  it('every prefix', () => {
    for (const p of ['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'sa', 'eb', 'ap']) {
      const c = parse(`birthdate=${p}1980`).clauses[0];
      assert.equal(c?.type === 'date' && c.values[0]?.prefix, p);
    }
    const plain = parse('birthdate=1980').clauses[0];
    assert.equal(plain?.type === 'date' && plain.values[0]?.prefix, 'eq');
  });

  it('an unencoded + in the offset (decoded to a space) is repaired', () => {
    const c = parse('birthdate=ge2024-03-10T02:30:00+05:00').clauses[0];
    assert.equal(c?.type === 'date' && c.values[0]?.range.low, Date.parse('2024-03-09T21:30:00Z'));
  });

  it('declared prefixes, single value and single occurrence are enforced', () => {
    rejects('onset=eq2020', /prefix 'eq' is not supported \(supported: ge, le\)/);
    rejects('onset=ge2020,le2021', /does not accept several comma-separated values/);
    rejects('onset=ge2020&onset=le2021', /may be given only once/);
    assert.equal(parse('onset=ge2020').clauses.length, 1);
  });

  it('invalid dates say what is expected', () => {
    for (const bad of ['notadate', '1980-13', '1980-02-30', '2024-01-01T25:00', '2024-01-01T10:00+15:00', '19800101', '1980-1-1', 'ge']) {
      rejects(`birthdate=${bad}`, /is not a valid date \(use YYYY, YYYY-MM, YYYY-MM-DD/);
    }
  });
});

describe('reference parameters', () => {
  it('Type/id, id with a single target, :Type modifier, absolute URL on our base', () => {
    const v = (q: string): unknown => parse(q).clauses[0]?.values;
    assert.deepEqual(v('organization=Organization/5'), [{ type: 'Organization', id: '5' }]);
    assert.deepEqual(v('organization=5'), [{ type: 'Organization', id: '5' }]);
    assert.deepEqual(v('general-practitioner=5'), [{ id: '5' }], 'two targets: type unknown');
    assert.deepEqual(v('general-practitioner:Practitioner=5'), [{ type: 'Practitioner', id: '5' }]);
    assert.deepEqual(v('organization=https://fhir.example.org/fhir/Organization/5'), [{ type: 'Organization', id: '5' }]);
  });

  it('rejects other servers, wrong targets, versioned refs, :identifier, bad ids', () => {
    rejects('organization=https://elsewhere.org/fhir/Organization/5', /not a reference on this server/);
    rejects('organization=Patient/5', /'Patient' is not a valid target/);
    rejects('general-practitioner:Practitioner=Organization/5', /is a Organization reference/);
    rejects('organization=Organization/5/_history/2', /versioned references are not supported/);
    rejects('organization:identifier=http://x|1', /':identifier' is not supported/);
    rejects('organization=a b', /'a b' is not a valid id/);
    rejects('general-practitioner:Patient=5', /'Patient' is not a target of 'general-practitioner'/);
  });

  it('ids outside the target id pattern are dropped; none left → impossible', () => {
    const s = parse('organization=abc,5');
    assert.deepEqual(s.clauses[0]?.values, [{ type: 'Organization', id: '5' }]);
    assert.equal(s.impossible, false);
    assert.equal(parse('organization=abc').impossible, true);
    assert.equal(parse('_id=x1').impossible, true);
    assert.equal(parse('_id=12').impossible, false);
    assert.equal(parse('_id=x1&name=a').impossible, true, 'one impossible AND clause is enough');
  });
});

describe('AND / OR, empty and unknown parameters', () => {
  it('repeated = AND (separate clauses), comma = OR (values of one clause)', () => {
    const s = parse('gender=male,female&name=a&name=b');
    assert.equal(s.clauses.length, 3);
    assert.equal(s.clauses[0]?.values.length, 2);
    assert.deepEqual(s.clauses.slice(1).map((c) => c.values), [[{ value: 'a' }], [{ value: 'b' }]]);
  });

  it('empty values are ignored; empty OR members are errors', () => {
    const s = parse('name=&gender=male');
    assert.equal(s.clauses.length, 1);
    assert.deepEqual(s.applied, [['gender', 'male']]);
    rejects('gender=male,', /empty value/);
  });

  it('unknown / chained / unsupported parameters: 400 naming them, or warnings under lenient', () => {
    rejects('foo=1', /Unknown search parameter 'foo' for Patient\. Supported: _id, _lastUpdated, name/);
    rejects('general-practitioner.name=x', /Chained search parameter 'general-practitioner\.name' is not supported/);
    rejects('_has:Observation:patient:code=1', /Unknown search parameter '_has:Observation:patient:code'/);
    rejects('_text=x', /Unknown search parameter '_text'/);
    const s = parse('foo=1&name=a&name:bogus=b&_sort=telecom&_include=Patient:link', { lenient: true });
    assert.deepEqual(s.applied, [['name', 'a']]);
    assert.equal(s.issues.length, 4);
    assert.ok(s.issues.every((i) => i.severity === 'warning' && i.code === 'not-supported'));
    assert.deepEqual(s.issues.map((i) => i.expression?.[0]), ['foo', 'name:bogus', '_sort', '_include']);
  });
});

describe('result parameters', () => {
  it('_count: default, maximum, invalid', () => {
    assert.equal(parse('').count, 20);
    assert.equal(parse('', { defaultCount: 7 }).count, 7);
    assert.equal(parse('_count=0').count, 0);
    assert.equal(parse('_count=1000').count, 200);
    assert.deepEqual(parse('_count=1000').applied, [['_count', '200']]);
    assert.equal(parse('_count=50', { maxCount: 10 }).count, 10);
    rejects('_count=-1', /'_count' must be a whole number of 0 or more \(got '-1'\)/);
    rejects('_count=1.5', /'_count'/);
    rejects('_count=1&_count=2', /'_count' may be given only once/);
  });

  it('_summary, _elements, _total, _format, _pretty', () => {
    for (const m of ['true', 'false', 'count', 'data', 'text']) assert.equal(parse(`_summary=${m}`).summary, m);
    assert.deepEqual(parse('_elements=name,Patient.birthDate').elements, ['name', 'birthDate']);
    rejects('_elements=Observation.code', /not an element of Patient/);
    rejects('_elements=name.given', /not a top-level element name/);
    rejects('_elements=Patient.name.given', /not a top-level element name/);
    rejects('_summary=true&_elements=name', /cannot be combined/);
    assert.equal(parse('_total=accurate').total, 'accurate');
    assert.equal(parse('_format=json').format, 'json');
    assert.equal(parse('_pretty=true').pretty, true);
    rejects('_pretty=yes', /'_pretty' must be true or false/);
  });

  it('_sort and _revinclude: a 400 saying they are not supported (a warning under lenient)', () => {
    rejects('_sort=-birthdate', /'_sort' is not supported: matches come in the order OSCAR lists them/);
    rejects('_revinclude=Appointment:patient', /'_revinclude=Appointment:patient' is not supported for Patient/);
    const s = parse('name=a&_sort=birthdate&_revinclude=Appointment:patient&_revinclude=Immunization:patient', { lenient: true });
    assert.deepEqual(s.applied, [['name', 'a']], 'neither reaches the self link');
    assert.deepEqual(s.issues.map((i) => i.expression?.[0]), ['_sort', '_revinclude', '_revinclude']);
  });

  it('_include only as declared', () => {
    assert.deepEqual(parse('_include=Patient:general-practitioner').include.map((i) => i.targetType), ['Practitioner', 'Organization']);
    assert.deepEqual(parse('_include=Patient:general-practitioner:Organization').include.map((i) => i.targetType), ['Organization']);
    assert.equal(parse('_include=Patient:organization&_include=Patient:general-practitioner:Practitioner').include.length, 2);
    rejects('_include=Patient:link', /'_include=Patient:link' is not supported for Patient \(supported: Patient:general-practitioner:Practitioner/);
    rejects('_include=*', /not supported/);
    rejects('_include=Observation:subject', /not supported/);
    rejects('_include:iterate=Patient:organization', /modifiers are not supported on '_include'/);
  });

  it('_cursor: offset restored; wrong search, another FHIR base or garbage → 400', () => {
    const applied: [string, string][] = [['gender', 'male']];
    const token = encodeCursor({ offset: 40, search: searchFingerprint('Patient', applied, opts.baseUrl) });
    assert.deepEqual(JSON.parse(Buffer.from(token, 'base64url').toString()), { o: 40, s: searchFingerprint('Patient', applied, opts.baseUrl) }, 'the offset and the fingerprint, nothing else');
    const s = parse(`gender=male&_count=10&_cursor=${token}`);
    assert.equal(s.offset, 40);
    assert.deepEqual(s.applied, [['gender', 'male'], ['_count', '10']], '_cursor is not part of applied');
    rejects(`gender=female&_cursor=${token}`, /belongs to a different search/);
    // The same search at another clinic of the deployment (another base) is another search.
    rejects(`gender=male&_cursor=${token}`, /belongs to a different search/, { baseUrl: 'https://fhir.example.org/clinics/b/fhir' });
    rejects(`gender=male&_cursor=${encodeCursor({ offset: 40, search: searchFingerprint('Patient', applied) })}`, /belongs to a different search/);
    rejects('_cursor=bm90IGpzb24', /not a valid paging cursor/);
    rejects(`_cursor=${Buffer.from(JSON.stringify({ o: -1, s: 'x' })).toString('base64url')}`, /not a valid paging cursor/);
  });
});
