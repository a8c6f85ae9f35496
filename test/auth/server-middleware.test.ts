// What the authorization server's three Koa middlewares do to a request or an answer, called with a
// stand-in of oidc-provider's context (only the parts they read and write): the token endpoint's
// SMART answer (token-response.ts), the 503 for a state or OSCAR outage (state-outage.ts) and the
// authorization endpoint's POST-to-GET and offline_access rules (authorize-requests.ts).
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type Provider from 'oidc-provider';
import { smartAuthorizeRequests } from '../../src/auth/server/authorize-requests.js';
import { stateOutageAnswers } from '../../src/auth/server/state-outage.js';
import { smartTokenResponses } from '../../src/auth/server/token-response.js';

type Middleware = (ctx: FakeCtx, next: () => Promise<void>) => Promise<void>;

/** A provider that only records what the module registers. */
function fakeProvider(): { provider: Provider; middleware: () => Middleware; emit: (event: string, ...args: unknown[]) => void } {
  const uses: Middleware[] = [];
  const listeners = new Map<string, ((...args: unknown[]) => void)[]>();
  const provider = {
    use: (fn: Middleware) => { uses.push(fn); },
    on: (event: string, fn: (...args: unknown[]) => void) => { listeners.set(event, [...(listeners.get(event) ?? []), fn]); },
  } as unknown as Provider;
  return {
    provider,
    middleware: () => { assert.equal(uses.length, 1); return uses[0]!; },
    emit: (event, ...args) => { for (const fn of listeners.get(event) ?? []) fn(...args); },
  };
}

/** The parts of a Koa context the middlewares touch; redirect() keeps a 3xx status already set, as Koa does. */
class FakeCtx {
  status = 404;
  body: unknown;
  type = '';
  readonly headers: Record<string, string> = {};
  location?: string;
  path = '/fhir/auth/token';
  method = 'GET';
  query: Record<string, unknown> = {};
  contentType = '';
  req: Readable = Readable.from([]);
  oidc?: { route?: string; entities: { AccessToken?: { extra?: unknown }; Grant?: { getOIDCScope(): string } } };
  constructor(init: Partial<FakeCtx> = {}) { Object.assign(this, init); }
  set(name: string, value: string): void { this.headers[name.toLowerCase()] = value; }
  is(type: string): string | false { return this.contentType === type ? type : false; }
  redirect(url: string): void {
    this.location = url;
    if (![300, 301, 302, 303, 305, 307, 308].includes(this.status)) this.status = 302;
  }
}

const STYLE = 'https://fhir.example.org/fhir/auth/smart-style-v1.json';

describe('token endpoint answers (token-response.ts)', () => {
  /** Runs the middleware over an answer oidc-provider would have produced. */
  async function answer(o: { route?: string; status: number; body?: unknown; token?: { extra?: unknown }; grantWords?: string }): Promise<FakeCtx> {
    const { provider, middleware } = fakeProvider();
    smartTokenResponses(provider, { smartStyleUrl: STYLE });
    const ctx = new FakeCtx();
    const next = async (): Promise<void> => {
      ctx.status = o.status;
      ctx.body = o.body;
      ctx.oidc = {
        ...(o.route !== undefined && { route: o.route }),
        entities: { ...(o.token && { AccessToken: o.token }), ...(o.grantWords !== undefined && { Grant: { getOIDCScope: () => o.grantWords! } }) },
      };
    };
    await middleware()(ctx, next);
    return ctx;
  }

  it('leaves every other endpoint alone: no Pragma, no launch context', async () => {
    const body = { access_token: 'a', scope: 'patient/Patient.rs' };
    const ctx = await answer({ route: 'introspection', status: 200, body: { ...body }, token: { extra: { patient: '7' } }, grantWords: 'openid' });
    assert.equal(ctx.headers.pragma, undefined);
    assert.deepEqual(ctx.body, body);
  });

  it('a successful token answer gets Pragma: no-cache, the patient with its banner flag, the style URL and the granted SMART words first in scope', async () => {
    const ctx = await answer({
      route: 'token', status: 200, body: { access_token: 'a', scope: 'patient/Patient.rs openid' },
      token: { extra: { patient: '1001' } }, grantWords: 'openid fhirUser launch/patient',
    });
    assert.equal(ctx.headers.pragma, 'no-cache');
    assert.equal(ctx.status, 200);
    assert.deepEqual(ctx.body, {
      access_token: 'a', scope: 'fhirUser launch/patient patient/Patient.rs openid',
      patient: '1001', need_patient_banner: true, smart_style_url: STYLE,
    });
  });

  it('need_patient_banner is false only when the grant said false', async () => {
    for (const [flag, expected] of [[false, false], [true, true], [undefined, true], ['no', true]] as const) {
      const ctx = await answer({ route: 'token', status: 200, body: { scope: 'patient/Patient.rs' }, token: { extra: { patient: '5', need_patient_banner: flag } }, grantWords: '' });
      assert.equal((ctx.body as Record<string, unknown>).need_patient_banner, expected, String(flag));
    }
  });

  it('no patient in the token: neither patient nor need_patient_banner; no Grant and no scope: scope is empty', async () => {
    const ctx = await answer({ route: 'token', status: 200, body: { access_token: 'a' }, token: { extra: { patient: 1001 } } });
    assert.deepEqual(ctx.body, { access_token: 'a', scope: '', smart_style_url: STYLE });
    const bare = await answer({ route: 'token', status: 200, body: { access_token: 'a', scope: 'system/Patient.rs' }, token: {}, grantWords: '' });
    assert.deepEqual(bare.body, { access_token: 'a', scope: 'system/Patient.rs', smart_style_url: STYLE });
  });

  it('a failed or token-less answer is passed on unchanged but for Pragma', async () => {
    for (const [what, o] of [
      ['an error', { status: 400, body: { error: 'invalid_grant', error_description: 'grant request is invalid' }, token: { extra: { patient: '1' } } }],
      ['no body', { status: 200, token: { extra: { patient: '1' } } }],
      ['no access token', { status: 200, body: { scope: 'openid' } }],
    ] as const) {
      const before = 'body' in o ? structuredClone(o.body) : undefined;
      const ctx = await answer({ route: 'token', grantWords: 'openid', ...o });
      assert.equal(ctx.headers.pragma, 'no-cache', what);
      assert.equal(ctx.status, o.status, what);
      assert.deepEqual(ctx.body, before, what);
    }
  });

  it('a client-authentication problem oidc-provider calls invalid_request becomes a 401 invalid_client (smart §1.3); other invalid_requests stay', async () => {
    for (const description of ['invalid client_assertion format', 'client_id mismatch']) {
      const ctx = await answer({ route: 'token', status: 400, body: { error: 'invalid_request', error_description: description } });
      assert.equal(ctx.status, 401, description);
      assert.deepEqual(ctx.body, { error: 'invalid_client', error_description: 'client authentication failed' });
      assert.equal(ctx.headers.pragma, 'no-cache');
    }
    for (const body of [
      { error: 'invalid_request', error_description: 'missing required parameter' },
      { error: 'invalid_grant', error_description: 'client_id mismatch' },
    ]) {
      const ctx = await answer({ route: 'token', status: 400, body: { ...body } });
      assert.equal(ctx.status, 400, body.error_description);
      assert.deepEqual(ctx.body, body);
    }
    const notBad = await answer({ route: 'token', status: 401, body: { error: 'invalid_request', error_description: 'client_id mismatch' } });
    assert.equal(notBad.status, 401);
    assert.deepEqual(notBad.body, { error: 'invalid_request', error_description: 'client_id mismatch' });
  });
});

describe('a state or OSCAR outage is a 503 with Retry-After (state-outage.ts)', () => {
  /** oidc-provider emitting server_error for `err`, then answering 500 with `body`. */
  async function outage(err: unknown, o: { status?: number; body?: unknown } = {}): Promise<FakeCtx> {
    const { provider, middleware, emit } = fakeProvider();
    stateOutageAnswers(provider);
    const ctx = new FakeCtx();
    await middleware()(ctx, async () => {
      emit('server_error', ctx, err);
      ctx.status = o.status ?? 500;
      ctx.body = 'body' in o ? o.body : { error: 'server_error', error_description: 'oops! something went wrong' };
    });
    return ctx;
  }
  const named = (name: string, retryAfterSeconds?: number): Error =>
    Object.assign(new Error('down'), { name }, retryAfterSeconds !== undefined && { retryAfterSeconds });

  it('the state store down: 503, its own Retry-After, a JSON temporarily_unavailable', async () => {
    const ctx = await outage(named('StateUnavailableError', 12));
    assert.equal(ctx.status, 503);
    assert.equal(ctx.headers['retry-after'], '12');
    assert.deepEqual(ctx.body, { error: 'temporarily_unavailable', error_description: 'the authorization server\'s storage is unavailable; retry later' });
  });

  it('OSCAR unreachable: 503, Retry-After 5 when the error names none', async () => {
    const ctx = await outage(named('OscarUnreachable'));
    assert.equal(ctx.status, 503);
    assert.equal(ctx.headers['retry-after'], '5');
    assert.deepEqual(ctx.body, { error: 'temporarily_unavailable', error_description: 'OSCAR cannot confirm the user\'s sign-in right now; retry later' });
  });

  it('OSCAR\'s host redirected the re-check: 502 without Retry-After, saying the OSCAR address needs correcting (docs/oscar-redirects.md)', async () => {
    const ctx = await outage(named('OscarRedirectError'));
    assert.equal(ctx.status, 502);
    assert.equal(ctx.headers['retry-after'], undefined);
    assert.deepEqual(ctx.body, { error: 'server_error', error_description: 'OSCAR redirected the facade\'s check of the user\'s sign-in: the facade\'s OSCAR address needs correcting' });
  });

  it('OSCAR refused the facade\'s own consumer or clock on the re-check: 502 without Retry-After, server_error (contract 2.7)', async () => {
    const ctx = await outage(named('OscarAuthError'));
    assert.equal(ctx.status, 502);
    assert.equal(ctx.headers['retry-after'], undefined);
    assert.deepEqual(ctx.body, { error: 'server_error', error_description: 'OSCAR refused the facade\'s own credentials when checking the user\'s sign-in: the facade\'s OSCAR settings need correcting' });
  });

  it('a page (HTML text or bytes) keeps its body; only the status and Retry-After change', async () => {
    for (const body of ['<html>error</html>', Buffer.from('<html>error</html>'), null]) {
      const ctx = await outage(named('StateUnavailableError', 3), { body });
      assert.equal(ctx.status, 503);
      assert.equal(ctx.headers['retry-after'], '3');
      assert.deepEqual(ctx.body, body);
    }
  });

  it('any other failure stays the 500 oidc-provider made', async () => {
    for (const err of [named('TypeError'), new Error('x'), undefined, null]) {
      const ctx = await outage(err);
      assert.equal(ctx.status, 500, String(err));
      assert.equal(ctx.headers['retry-after'], undefined);
      assert.deepEqual(ctx.body, { error: 'server_error', error_description: 'oops! something went wrong' });
    }
  });

  it('an outage reported on a request that still ended otherwise than 500 is left as it ended', async () => {
    const ctx = await outage(named('StateUnavailableError', 3), { status: 400, body: { error: 'invalid_request' } });
    assert.equal(ctx.status, 400);
    assert.equal(ctx.headers['retry-after'], undefined);
    assert.deepEqual(ctx.body, { error: 'invalid_request' });
  });

  it('the outage belongs to its own request: another request failing at the same time stays a 500', async () => {
    const { provider, middleware, emit } = fakeProvider();
    stateOutageAnswers(provider);
    const flagged = new FakeCtx();
    emit('server_error', flagged, named('StateUnavailableError', 3));
    const other = new FakeCtx();
    await middleware()(other, async () => { other.status = 500; other.body = { error: 'server_error' }; });
    assert.equal(other.status, 500);
  });
});

describe('the authorization endpoint (authorize-requests.ts)', () => {
  const AUTHORIZE = 'https://fhir.example.org/fhir/auth/authorize';
  async function request(init: Partial<FakeCtx>): Promise<{ ctx: FakeCtx; nextCalled: boolean }> {
    const { provider, middleware } = fakeProvider();
    smartAuthorizeRequests(provider, { authorizationUrl: AUTHORIZE, authorizationPath: '/auth/authorize' });
    const ctx = new FakeCtx({ path: '/fhir/auth/authorize', ...init });
    let nextCalled = false;
    await middleware()(ctx, async () => { nextCalled = true; });
    return { ctx, nextCalled };
  }
  const form = (text: string, chunk = text.length): Readable =>
    Readable.from(Array.from({ length: Math.ceil(text.length / chunk) }, (_, i) => Buffer.from(text.slice(i * chunk, (i + 1) * chunk))));

  it('a form POST is answered 303 to the same request as a GET, repeated parameters kept, not cached', async () => {
    const text = 'response_type=code&client_id=app&scope=openid+patient%2FPatient.rs&scope=x&aud=https%3A%2F%2Ffhir.example.org%2Ffhir';
    const { ctx, nextCalled } = await request({ method: 'POST', contentType: 'application/x-www-form-urlencoded', req: form(text, 7) });
    assert.equal(nextCalled, false);
    assert.equal(ctx.status, 303);
    assert.equal(ctx.location, `${AUTHORIZE}?response_type=code&client_id=app&scope=openid+patient%2FPatient.rs&scope=x&aud=https%3A%2F%2Ffhir.example.org%2Ffhir`);
    assert.equal(ctx.headers['cache-control'], 'no-store');
  });

  it('a POST that is not a form is refused with a 400 page', async () => {
    const { ctx, nextCalled } = await request({ method: 'POST', contentType: 'application/json', req: form('{"client_id":"app"}') });
    assert.equal(nextCalled, false);
    assert.equal(ctx.status, 400);
    assert.equal(ctx.type, 'html');
    assert.equal(ctx.headers['cache-control'], 'no-store');
    assert.match(String(ctx.body), /<title>This request cannot go on<\/title>/);
    assert.match(String(ctx.body), /must be a form \(application\/x-www-form-urlencoded\)/);
    assert.equal(ctx.location, undefined);
  });

  it('a form of 6 KiB is redirected; one byte more is a 413 page', async () => {
    const at = `client_id=${'a'.repeat(6 * 1024 - 'client_id='.length)}`;
    assert.equal(at.length, 6144);
    const fits = await request({ method: 'POST', contentType: 'application/x-www-form-urlencoded', req: form(at, 1000) });
    assert.equal(fits.ctx.status, 303);
    const over = await request({ method: 'POST', contentType: 'application/x-www-form-urlencoded', req: form(`${at}a`, 1000) });
    assert.equal(over.nextCalled, false);
    assert.equal(over.ctx.status, 413);
    assert.equal(over.ctx.type, 'html');
    assert.equal(over.ctx.headers['cache-control'], 'no-store');
    assert.match(String(over.ctx.body), /<title>This request cannot go on<\/title>/);
    assert.match(String(over.ctx.body), /This authorization request is too long\./);
    assert.equal(over.ctx.location, undefined);
  });

  it('a GET asking offline_access without a prompt gets prompt=consent; with a prompt, or without offline_access, it is left as asked', async () => {
    for (const [query, expected] of [
      [{ scope: 'openid offline_access patient/Patient.rs' }, { scope: 'openid offline_access patient/Patient.rs', prompt: 'consent' }],
      [{ scope: 'offline_access', prompt: 'login' }, { scope: 'offline_access', prompt: 'login' }],
      [{ scope: 'openid online_access' }, { scope: 'openid online_access' }],
      [{ scope: 'openid xoffline_access' }, { scope: 'openid xoffline_access' }],
      [{ scope: ['offline_access', 'openid'] }, { scope: ['offline_access', 'openid'] }],
      [{}, {}],
    ] as const) {
      const { ctx, nextCalled } = await request({ method: 'GET', query: { ...query } });
      assert.equal(nextCalled, true);
      assert.deepEqual(ctx.query, expected, JSON.stringify(query));
      assert.equal(ctx.headers['cache-control'], undefined);
    }
  });

  it('other methods and other endpoints go on untouched', async () => {
    const head = await request({ method: 'HEAD', query: { scope: 'offline_access' } });
    assert.equal(head.nextCalled, true);
    assert.deepEqual(head.ctx.query, { scope: 'offline_access' });
    const token = await request({ path: '/fhir/auth/token', method: 'POST', contentType: 'application/x-www-form-urlencoded', req: form('grant_type=authorization_code') });
    assert.equal(token.nextCalled, true);
    assert.equal(token.ctx.status, 404);
    assert.equal(token.ctx.location, undefined);
    const resume = await request({ path: '/fhir/auth/authorize/uid-1', method: 'GET', query: { scope: 'offline_access' } });
    assert.equal(resume.nextCalled, true);
    assert.deepEqual(resume.ctx.query, { scope: 'offline_access' });
  });
});
