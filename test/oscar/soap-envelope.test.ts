// The SOAP request writer: every value is character data, whatever it looks like.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { EnvelopeHead, escapeText, soapEnvelope, UnsendableTextError } from '../../src/oscar/soap-envelope.js';

const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, trimValues: false, htmlEntities: true });

describe('soapEnvelope', () => {
  it('escapes markup, quotes and CDATA markers so they arrive as the same text', () => {
    const hostile = `<![CDATA[]]></notes><demographicNo>1002</demographicNo><notes><![CDATA[]]> & "q" 'a'`;
    const xml = soapEnvelope({ namespace: 'http://ws.oscarehr.org/', operation: 'addAppointment', args: { arg0: { demographicNo: 1001, notes: hostile } } });
    assert.ok(!xml.includes('<![CDATA['), xml);
    assert.equal((xml.match(/<demographicNo>/g) ?? []).length, 1);
    const op = parser.parse(xml).Envelope.Body.addAppointment;
    assert.equal(op.arg0.notes, hostile);
    assert.equal(op.arg0.demographicNo, '1001');
  });

  it('writes tab, CR and LF as character references so no parser normalises them', () => {
    assert.equal(escapeText('a\r\nb\tc'), 'a&#xD;&#xA;b&#x9;c');
  });

  it('refuses characters XML 1.0 cannot carry, naming the field and not the value', () => {
    for (const bad of ['x\u0000', '\u0001', '\u000B', '\uFFFE', '\uD800x', 'x\uDC00']) {
      assert.throws(() => soapEnvelope({ namespace: 'urn:x', operation: 'op', args: { arg0: { lastName: bad } } }),
        (e: unknown) => e instanceof UnsendableTextError && e.field === 'arg0.lastName' && !e.message.includes(bad), JSON.stringify(bad));
    }
    assert.equal(escapeText('\u{1F600} é'), '\u{1F600} é', 'astral characters and accents pass');
  });

  it('takes the namespace and operation as given, keeps argument order, repeats arrays and drops null', () => {
    const xml = soapEnvelope({ namespace: 'http://v1.soap.external.ws.oscarehr.org/', operation: 'getDemographics', args: { arg1: 'b', arg0: [1, 2], arg2: null, arg3: undefined, arg4: false } });
    assert.match(xml, /xmlns:tns="http:\/\/v1\.soap\.external\.ws\.oscarehr\.org\/"/);
    assert.match(xml, /<soap:Body><tns:getDemographics><arg1>b<\/arg1><arg0>1<\/arg0><arg0>2<\/arg0><arg4>false<\/arg4><\/tns:getDemographics><\/soap:Body>/);
  });

  it('adds the contract 4.2 UsernameToken only when asked, with PasswordText and no Timestamp, Nonce or Created', () => {
    assert.ok(!soapEnvelope({ namespace: 'urn:x', operation: 'login2', args: {} }).includes('Header'));
    const xml = soapEnvelope({ namespace: 'urn:x', operation: 'op', args: {}, security: { username: '128', password: 'p<&' } });
    const header = /<soap:Header>([\s\S]*)<\/soap:Header>/.exec(xml)?.[1] ?? '';
    assert.match(header, /<wsse:Security [^>]*soap:mustUnderstand="1"/);
    assert.match(header, /<wsse:Username>128<\/wsse:Username><wsse:Password Type="http:\/\/docs\.oasis-open\.org\/wss\/2004\/01\/oasis-200401-wss-username-token-profile-1\.0#PasswordText">p&lt;&amp;<\/wsse:Password>/);
    assert.doesNotMatch(header, /Timestamp|Nonce|Created/);
  });

  it('refuses element names and numbers it cannot write', () => {
    assert.throws(() => soapEnvelope({ namespace: 'urn:x', operation: 'op', args: { 'a><b': 'x' } }), RangeError);
    assert.throws(() => soapEnvelope({ namespace: 'urn:x', operation: 'op', args: { arg0: Number.NaN } }), RangeError);
    assert.throws(() => soapEnvelope({ namespace: 'urn:x', operation: 'a b', args: {} }), RangeError);
  });

  it('writes each call under its own namespace and token, one call after another', () => {
    const tokenOf = (xml: string): string => /<wsse:Password [^>]*>([^<]*)</.exec(xml)?.[1] ?? '(none)';
    const head = new EnvelopeHead();
    const call = (namespace: string, username: string, password: string | undefined): string => soapEnvelope({
      namespace, operation: 'getDemographic', args: { arg0: 1 }, ...(password !== undefined && { security: { username, password } }),
    }, head);
    const a = call('urn:a', '1', 'token-1');
    assert.equal(tokenOf(a), 'token-1');
    assert.equal(call('urn:a', '1', 'token-1'), a);
    // A new login2 token (OSCAR restarted), another user, another namespace, no security at all.
    assert.equal(tokenOf(call('urn:a', '1', 'token-2')), 'token-2');
    assert.match(call('urn:a', '2', 'token-2'), /<wsse:Username>2<\/wsse:Username>/);
    assert.match(call('urn:b', '2', 'token-2'), /xmlns:tns="urn:b"/);
    assert.ok(!call('urn:b', '2', undefined).includes('Header'));
    assert.equal(tokenOf(call('urn:b', '2', 'token-2')), 'token-2');
    // A value refused after an accepted one is still refused, and the accepted one still written.
    assert.throws(() => call('urn:b\u0000', '2', 'token-2'), (e: unknown) => e instanceof UnsendableTextError && e.field === 'namespace');
    assert.throws(() => call('urn:b', '2', 'token\u0001'), (e: unknown) => e instanceof UnsendableTextError && e.field === 'Password');
    assert.equal(tokenOf(call('urn:b', '2', 'token-2')), 'token-2');
  });

  // The whole document, written out here rather than by the writer under test.
  const expected = (namespace: string, username: string, password: string): string => '<?xml version="1.0" encoding="utf-8"?>'
    + `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tns="${namespace}">`
    + '<soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" soap:mustUnderstand="1">'
    + `<wsse:UsernameToken><wsse:Username>${username}</wsse:Username>`
    + `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">${password}</wsse:Password>`
    + '</wsse:UsernameToken></wsse:Security></soap:Header><soap:Body><tns:getDemographic><arg0>7</arg0></tns:getDemographic></soap:Body></soap:Envelope>';

  it('keeps one head per SOAP client: two clinics alternating each get their own envelope, with or without a kept head', () => {
    const oscar = { head: new EnvelopeHead(), namespace: 'http://ws.oscarehr.org/', security: { username: '128', password: '1710246173123' } };
    const juno = { head: new EnvelopeHead(), namespace: 'http://v1.soap.external.ws.oscarehr.org/', security: { username: '7', password: 'a&b' } };
    const call = (c: typeof oscar, kept = true): string => soapEnvelope({ namespace: c.namespace, operation: 'getDemographic', args: { arg0: 7 }, security: c.security }, kept ? c.head : undefined);
    for (let i = 0; i < 3; i++) {
      assert.equal(call(oscar), expected('http://ws.oscarehr.org/', '128', '1710246173123'));
      assert.equal(call(juno), expected('http://v1.soap.external.ws.oscarehr.org/', '7', 'a&amp;b'));
      // A call without a kept head (capability probes) neither uses nor disturbs the clinics' heads.
      assert.equal(call({ ...juno, security: { username: '9', password: 'probe' } }, false), expected('http://v1.soap.external.ws.oscarehr.org/', '9', 'probe'));
    }
  });

  it('never sends a new token or user under the kept head of the old one (re-login, a rotated password), nor after clear()', () => {
    const head = new EnvelopeHead();
    const call = (username: string, password: string): string => soapEnvelope({ namespace: 'urn:a', operation: 'getDemographic', args: { arg0: 7 }, security: { username, password } }, head);
    assert.equal(call('128', 'token-1'), expected('urn:a', '128', 'token-1'));
    assert.equal(call('128', 'token-2'), expected('urn:a', '128', 'token-2'), 'a new login2 token, same user');
    assert.equal(call('129', 'token-2'), expected('urn:a', '129', 'token-2'), 'another user, same token');
    head.clear();
    assert.equal(call('129', 'token-3'), expected('urn:a', '129', 'token-3'));
    assert.equal(call('129', 'token-3'), expected('urn:a', '129', 'token-3'));
  });

  it('repeats the elements of nested arrays in place, checks a repeated name before writing it, and writes nothing for an empty array', () => {
    const body = (args: Record<string, unknown>): string => /<tns:op>(.*)<\/tns:op>/.exec(soapEnvelope({ namespace: 'urn:x', operation: 'op', args: args as never }))?.[1] ?? '';
    assert.equal(body({ arg0: [1, [2, null, [3]], undefined, { a: 'x' }, 'y'] }), '<arg0>1</arg0><arg0>2</arg0><arg0>3</arg0><arg0><a>x</a></arg0><arg0>y</arg0>');
    assert.equal(body({ arg0: [], arg1: [null, undefined] }), '');
    assert.throws(() => body({ 'a b': [null, 1] }), /not an XML element name: a b/);
    assert.throws(() => body({ 'a b': [[1]] }), /not an XML element name: a b/);
    assert.throws(() => body({ arg0: [1, 'ok', 'x\u0000'] }), (e: unknown) => e instanceof UnsendableTextError && e.field === 'arg0');
  });
});
