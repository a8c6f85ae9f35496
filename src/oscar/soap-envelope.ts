// SOAP 1.1 request envelopes, written by us rather than by a SOAP library: every value the facade
// sends to OSCAR passes through `escapeText` here, so client text can only ever arrive as character
// data. (The `soap` package passes a string wrapped in `<![CDATA[ … ]]>` through unescaped, which
// let request text add elements of its own.) Depends on nothing but the values it is given, so the
// target namespace (OSCAR `http://ws.oscarehr.org/`; Juno `http://v1.soap.external.ws.oscarehr.org/`)
// and the operation are parameters.

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';

/** A SOAP argument: text, a number, a boolean, a transfer object or a repeated element; null/undefined are left out. */
export type SoapValue = string | number | boolean | null | undefined | readonly SoapValue[] | { readonly [field: string]: SoapValue };
/** Children of the operation wrapper, written in insertion order (the order the caller chose). */
export type SoapArgs = Readonly<Record<string, SoapValue>>;

/** The WS-Security UsernameToken (contract 4.2): numeric security_no and the password or login2 token. */
export interface UsernameToken { username: string; password: string }

export interface EnvelopeRequest {
  /** The service's target namespace: the operation wrapper's namespace (contract 4.1). */
  namespace: string;
  operation: string;
  args: SoapArgs;
  /** Absent for LoginService/SystemInfoService (contract 7.27). */
  security?: UsernameToken;
}

/**
 * Text XML 1.0 cannot carry (C0 controls other than tab, CR, LF; U+FFFE/U+FFFF; lone surrogates):
 * no escape exists for it, so the value is refused before any call. Thrown before the request
 * leaves, it maps to a 400 for the FHIR client.
 */
export class UnsendableTextError extends Error {
  override readonly name = 'UnsendableTextError';
  /** The argument path, e.g. 'arg0.notes' (a field name, never the value). */
  readonly field: string;
  constructor(field: string) {
    super(`${field} holds characters XML 1.0 cannot carry`);
    this.field = field;
  }
}

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// A lone surrogate is a high not followed by a low, or a low not preceded by a high.
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether XML 1.0 can carry `text` at all (the one definition the input guard uses too). */
export const isXmlText = (text: string): boolean => !NOT_XML_CHAR.test(text);
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// Tab, CR and LF become character references: an XML parser would otherwise normalise them
// (CR LF → LF in text, and all three → space in attributes), so they would not arrive as sent.
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;',
};
const ESCAPED = /[&<>"'\t\n\r]/g;

/** `text` as XML character data: markup, CDATA markers and quotes become plain text. */
export function escapeText(text: string, field = 'value'): string {
  if (NOT_XML_CHAR.test(text)) throw new UnsendableTextError(field);
  return text.replace(ESCAPED, (c) => ESCAPES[c]!);
}

function scalar(v: string | number | boolean, field: string): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`${field} is not a finite number`);
    return String(v);
  }
  return typeof v === 'boolean' ? String(v) : escapeText(v, field);
}

function element(name: string, value: SoapValue, path: string): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return repeated(name, value as readonly SoapValue[], path);
  checkName(name);
  return written(name, value as Written, path);
}

type Written = string | number | boolean | { readonly [field: string]: SoapValue };

function checkName(name: string): void {
  if (!XML_NAME.test(name)) throw new RangeError(`not an XML element name: ${name}`);
}

/** One element, its name already checked. */
function written(name: string, value: Written, path: string): string {
  if (typeof value === 'object') return `<${name}>${children(value, path)}</${name}>`;
  return `<${name}>${scalar(value, path)}</${name}>`;
}

/**
 * contract 4.1: an array is its elements repeated, each under the same name (checked once, when
 * the first is written); an array inside one adds its elements in place. One loop, no
 * intermediate array: a page's `getDemographics` sends 50.
 */
function repeated(name: string, values: readonly SoapValue[], path: string): string {
  let out = '';
  let checked = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) {
      out += repeated(name, v as readonly SoapValue[], path);
      continue;
    }
    if (!checked) { checkName(name); checked = true; }
    out += written(name, v as Written, path);
  }
  return out;
}

function children(fields: Readonly<Record<string, SoapValue>>, path: string): string {
  let out = '';
  for (const [name, v] of Object.entries(fields)) out += element(name, v, path ? `${path}.${name}` : name);
  return out;
}

// contract 4.2/7.18: UsernameToken with PasswordText only — no Timestamp, Nonce or Created.
function securityHeader(t: UsernameToken): string {
  return `<soap:Header><wsse:Security xmlns:wsse="${WSSE_NS}" soap:mustUnderstand="1"><wsse:UsernameToken>`
    + `<wsse:Username>${escapeText(t.username, 'Username')}</wsse:Username>`
    + `<wsse:Password Type="${PASSWORD_TEXT}">${escapeText(t.password, 'Password')}</wsse:Password>`
    + '</wsse:UsernameToken></wsse:Security></soap:Header>';
}

/**
 * Everything before the operation wrapper: the prolog, the Envelope with the target namespace,
 * the security header and `<soap:Body>`. The same text for every call of a SOAP session, so each
 * SOAP client keeps its own last one (its values escaped and checked once, not on every call):
 * held by the client rather than by the module, the clinics of a clinics file (one client each)
 * keep theirs when calls alternate between them, and it lives no longer than the client that
 * holds the same token (reset() forgets both). It is built again when the namespace, the user or
 * the password (the login2 token) differs from the last call's: a new token after a re-login is
 * never sent under an old one.
 */
export class EnvelopeHead {
  private namespace: string | undefined;
  private username: string | undefined;
  private password: string | undefined;
  private text: string | undefined;

  /** The head for `namespace` and `security`: the last one when both are the same. */
  of(namespace: string, security: UsernameToken | undefined): string {
    if (this.text !== undefined && this.namespace === namespace && this.username === security?.username && this.password === security?.password) return this.text;
    const text = headText(namespace, security);
    this.namespace = namespace;
    this.username = security?.username;
    this.password = security?.password;
    this.text = text;
    return text;
  }

  /** Forgets the last head (and the token in it). */
  clear(): void {
    this.namespace = this.username = this.password = this.text = undefined;
  }
}

function headText(namespace: string, security: UsernameToken | undefined): string {
  return '<?xml version="1.0" encoding="utf-8"?>'
    + `<soap:Envelope xmlns:soap="${SOAP_ENV_NS}" xmlns:tns="${escapeText(namespace, 'namespace')}">`
    + (security ? securityHeader(security) : '')
    + '<soap:Body>';
}

/**
 * The request document: wrapper `{namespace}operation` with unqualified children (contract 4.1).
 * `head` is the caller's kept head (a SOAP client's); without one it is written for this call.
 */
export function soapEnvelope(r: EnvelopeRequest, head?: EnvelopeHead): string {
  if (!XML_NAME.test(r.operation)) throw new RangeError(`not an operation name: ${r.operation}`);
  const body = children(r.args, '');
  const start = head ? head.of(r.namespace, r.security) : headText(r.namespace, r.security);
  return `${start}<tns:${r.operation}>${body}</tns:${r.operation}></soap:Body></soap:Envelope>`;
}
