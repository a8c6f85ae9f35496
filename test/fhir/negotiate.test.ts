// Content negotiation, body media types and the Prefer header.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FhirError, acceptsContentType, negotiate, parsePrefer, requireFormBody, requireJsonBody, wantsFhirResource } from '../../src/fhir/index.js';

const status = (fn: () => unknown): number | undefined => {
  try { fn(); return undefined; } catch (e) { return e instanceof FhirError ? e.status : -1; }
};

describe('negotiate', () => {
  it('JSON flavours and wildcards → FHIR JSON (or plain JSON when asked for)', () => {
    assert.equal(negotiate(undefined), 'application/fhir+json');
    assert.equal(negotiate(''), 'application/fhir+json');
    assert.equal(negotiate('*/*'), 'application/fhir+json');
    assert.equal(negotiate('application/*'), 'application/fhir+json');
    assert.equal(negotiate('application/fhir+json'), 'application/fhir+json');
    assert.equal(negotiate('application/json+fhir'), 'application/fhir+json');
    assert.equal(negotiate('application/json'), 'application/json');
    assert.equal(negotiate('application/fhir+json; fhirVersion=4.0'), 'application/fhir+json');
    assert.equal(negotiate('application/fhir+xml;q=0.9, application/json;q=0.5'), 'application/json', 'q-values');
  });
  it('XML and others → 406', () => {
    assert.equal(status(() => negotiate('application/fhir+xml')), 406);
    assert.equal(status(() => negotiate('application/xml, text/turtle')), 406);
    assert.equal(status(() => negotiate('application/fhir+json; fhirVersion=3.0')), 406);
    assert.equal(status(() => negotiate('application/json;q=0')), 406);
  });
  it('_format wins over Accept', () => {
    assert.equal(negotiate('application/xml', 'json'), 'application/fhir+json');
    assert.equal(negotiate(undefined, 'application/fhir json'), 'application/fhir+json', "unencoded '+' read as a space");
    assert.equal(negotiate(undefined, 'application/json'), 'application/json');
    assert.equal(status(() => negotiate('application/json', 'xml')), 406);
    assert.equal(status(() => negotiate(undefined, 'turtle')), 406);
  });
  it('answers a header asked again, and after many others, as the first time', () => {
    const headers: [string, string | number][] = [
      ['application/json', 'application/json'], ['*/*', 'application/fhir+json'], ['application/fhir+xml', 406],
      ['application/fhir+json; fhirVersion=3.0', 406], ['text/html, application/json;q=0.1', 'application/json'], ['   ', 'application/fhir+json'],
    ];
    const answer = (h: string): string | number => { const s = status(() => negotiate(h)); return s === undefined ? negotiate(h) : s; };
    for (let round = 0; round < 3; round++) {
      for (const [h, expected] of headers) assert.equal(answer(h), expected, `${JSON.stringify(h)}, round ${round}`);
      // Hundreds of other headers between the rounds (more than are kept).
      for (let i = 0; i < 300; i++) assert.equal(negotiate(`application/json;q=0.${(i % 9) + 1}, x/y${i}`), 'application/json');
    }
    // _format still wins over a header answered before.
    assert.equal(negotiate('application/json', 'json'), 'application/fhir+json');
    assert.equal(status(() => negotiate('*/*', 'xml')), 406);
  });
  it('Binary helpers', () => {
    assert.equal(wantsFhirResource('application/pdf'), false);
    assert.equal(wantsFhirResource('*/*'), false);
    assert.equal(wantsFhirResource('application/fhir+json'), true);
    assert.equal(wantsFhirResource(undefined, 'json'), true);
    assert.equal(acceptsContentType('application/pdf', 'application/pdf'), true);
    assert.equal(acceptsContentType('application/*', 'application/pdf'), true);
    assert.equal(acceptsContentType('image/png', 'application/pdf'), false);
  });
});

describe('request body media types', () => {
  it('JSON bodies: FHIR JSON or JSON in UTF-8, else 415', () => {
    assert.equal(status(() => requireJsonBody('application/fhir+json')), undefined);
    assert.equal(status(() => requireJsonBody('application/json; charset=UTF-8')), undefined);
    assert.equal(status(() => requireJsonBody(undefined)), 415);
    assert.equal(status(() => requireJsonBody('application/fhir+xml')), 415);
    assert.equal(status(() => requireJsonBody('text/plain')), 415);
    assert.equal(status(() => requireJsonBody('application/json; charset=latin1')), 415);
  });
  it('_search forms', () => {
    assert.equal(status(() => requireFormBody('application/x-www-form-urlencoded; charset=utf-8', true)), undefined);
    assert.equal(status(() => requireFormBody(undefined, false)), undefined);
    assert.equal(status(() => requireFormBody('application/json', true)), 415);
  });
});

describe('Prefer', () => {
  it('return and handling, several values, unknown ones ignored', () => {
    assert.deepEqual(parsePrefer(undefined), {});
    assert.deepEqual(parsePrefer('return=minimal'), { return: 'minimal' });
    assert.deepEqual(parsePrefer('return=OperationOutcome, handling=lenient'), { return: 'OperationOutcome', handling: 'lenient' });
    assert.deepEqual(parsePrefer('handling=strict; respond-async'), { handling: 'strict' });
    assert.deepEqual(parsePrefer('return="representation"'), { return: 'representation' });
    assert.deepEqual(parsePrefer('return=everything, wait=10'), {});
  });
});
