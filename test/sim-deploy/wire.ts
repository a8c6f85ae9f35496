// Small wire helpers for the deployment and variant tests: whole simulators started in-process
// (startSimulator), spoken to with hand-written envelopes and plain fetch.
import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import type { Simulator } from '../../src/sim/server.js';

const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';

export const OSCAR_NS = 'http://ws.oscarehr.org/';
export const JUNO_NS = 'http://v1.soap.external.ws.oscarehr.org/';

/** A SOAP 1.1 envelope whose body element `op` is in namespace `ns`; signed with the demo user's password unless `signed` is false. */
export function envelope(sim: Simulator, op: string, args = '', opts: { ns?: string; signed?: boolean } = {}): string {
  const c = sim.options.credentials;
  const header = opts.signed === false ? '' : `<soapenv:Header><wsse:Security xmlns:wsse="${WSSE}" soapenv:mustUnderstand="1"><wsse:UsernameToken>`
    + `<wsse:Username>${c.securityNo}</wsse:Username><wsse:Password Type="${PASSWORD_TEXT}">${c.soapPassword}</wsse:Password>`
    + '</wsse:UsernameToken></wsse:Security></soapenv:Header>';
  return `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ws="${opts.ns ?? OSCAR_NS}">${header}`
    + `<soapenv:Body><ws:${op}>${args}</ws:${op}></soapenv:Body></soapenv:Envelope>`;
}

export interface Answer { status: number; headers: Headers; body: string }

async function answer(res: Response): Promise<Answer> {
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** POSTs a SOAP call to `<url>/ws/<service>`. */
export async function soap(sim: Simulator, service: string, op: string, args = '', opts: { ns?: string; signed?: boolean } = {}): Promise<Answer> {
  return answer(await fetch(`${sim.url}/ws/${service}`, {
    method: 'POST', headers: { 'content-type': 'text/xml; charset=UTF-8', soapaction: '""', 'accept-encoding': 'identity' },
    body: envelope(sim, op, args, opts),
  }));
}

/** Any request below the simulator's context path. */
export async function call(sim: Simulator, method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return answer(await fetch(`${sim.url}${path}`, { method, headers: { 'accept-encoding': 'identity', ...init.headers }, body: init.body }));
}

/** An OAuth 1.0a HMAC-SHA1 Authorization header for `url`, signed with the demo consumer and access token at `nowSeconds`. */
export function oauthHeader(sim: Simulator, method: string, url: string, nowSeconds = Math.floor(sim.store.now() / 1000)): string {
  const c = sim.options.credentials;
  const oauth = new OAuth({
    consumer: { key: c.consumerKey, secret: c.consumerSecret }, signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  });
  oauth.getTimeStamp = () => nowSeconds;
  return oauth.toHeader(oauth.authorize({ url, method }, { key: c.accessToken, secret: c.accessTokenSecret })).Authorization;
}

/** A signed request below the context path (JSON in and out). */
export async function signed(sim: Simulator, method: string, path: string, body?: unknown): Promise<Answer> {
  const url = `${sim.url}${path}`;
  const headers: Record<string, string> = { authorization: oauthHeader(sim, method, url), accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return call(sim, method, path, { headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
}
