import express from 'express';
import type { ClinicStore } from '../clinic/store.js';
import { hasPrivilege } from '../clinic/privileges.js';
import type { ProviderRow } from '../clinic/model.js';
import type { SimOptions } from '../options.js';
import { guardResourceCall } from '../oauth/guard.js';
import { bodyBuffer, servletView } from '../oauth/request-view.js';
import { sessionsFor } from '../oauth/session.js';
import { allergyRoutes } from './allergies.js';
import { BodyUnreadable, readBean, readObjectNode, type JsonEntity } from './body.js';
import { demographicRoutes } from './demographics.js';
import { compileRoutes, selectRoute } from './dispatch.js';
import { documentRoutes } from './documents.js';
import { ContainerError, sendBody, sendContainerErrorPage, sendEmpty, sendXmlFault, WebAppError } from './errors.js';
import { XML_TYPE } from './media.js';
import { oauthInfoRoutes } from './oauth-info.js';
import { preventionRoutes } from './preventions.js';
import type { RestContext, RestResult, RestRoute } from './route.js';
import { scheduleRoutes } from './schedule.js';
import { providerServiceRoutes } from './provider-service.js';
import { type RestSurface, variantProfile } from '../variants.js';
import { buildWadl } from './wadl.js';

export const REST_ROUTES: readonly RestRoute[] = [
  ...demographicRoutes, ...scheduleRoutes, ...allergyRoutes, ...preventionRoutes, ...documentRoutes, ...oauthInfoRoutes,
];

/** Resources line F added after E and D (variants §3 card F): the summary and the pending-document upload. */
const F_ONLY = new Set(['GET /demographics/summary/{id}', 'POST /document/uploadPendingDocuments']);

/** The resources of the OAuth REST server on each line (variants §4.2). */
function routesOf(surface: RestSurface): readonly RestRoute[] {
  if (surface === 'provider-only') return providerServiceRoutes;
  if (surface === 'openo-legacy') return REST_ROUTES.filter((r) => !F_ONLY.has(`${r.method} ${r.path}`));
  return REST_ROUTES;
}

/** CXF's OAuthRequestFilter (every line but F): any OAuth failure, a missing signature included, is a bare 401. */
function sendOAuthChallenge(res: express.Response): void {
  res.setHeader('WWW-Authenticate', 'OAuth');
  sendEmpty(res, 401);
}

const INT_RE = /^\s*[+-]?\d{1,10}\s*$/;
const isJavaInt = (s: string): boolean => INT_RE.test(s) && Math.abs(Number(s)) <= 2147483647;

/**
 * The third-party REST API of the simulated OSCAR (contract 1.2–1.6, 3), mounted at
 * `${contextPath}/ws/services`. Order of events per request, as in CXF: session filter → method
 * selection (404/405/415/406) → parameters and body (404/400) → OAuthInterceptor (500 XMLFault)
 * → resource method (200/204, or 500 error page for unchecked exceptions).
 */
export function createRestRouter(store: ClinicStore, opts: SimOptions): express.Router {
  const router = express.Router();
  const sessions = sessionsFor(store, opts);
  const profile = variantProfile(opts.variant);
  const routes = routesOf(profile.restSurface);
  const table = compileRoutes(routes);

  router.use((req, res) => {
    if (req.method === 'GET' && req.path === '/' && new URLSearchParams(req.originalUrl.split('?')[1] ?? '').has('_wadl')) {
      res.locals.simOperation = 'REST WADL';
      const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl.split('?')[0]?.replace(/\/$/, '') ?? ''}`;
      sendBody(res, 200, XML_TYPE, buildWadl(base, routes));
      return;
    }
    const session = sessions.attach(req, res); // LoggedInUserFilter (contract 1.1)
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const body = bodyBuffer(req);
    const sel = selectRoute(table, method, req.path, req.headers['content-type'], req.headers.accept, body.length > 0);
    if (sel.kind !== 'selected') {
      res.locals.simOperation = `REST ${req.method} (unmatched)`;
      if (sel.kind === 'method-not-allowed') res.setHeader('Allow', sel.allow.join(', '));
      sendEmpty(res, sel.kind === 'not-found' ? 404 : sel.kind === 'method-not-allowed' ? 405 : sel.kind === 'unsupported-media-type' ? 415 : 406);
      return;
    }
    const { route, params, mediaType } = sel;
    res.locals.simOperation = `REST ${route.method} ${route.path}`;
    const rawQuery = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    const query = new URLSearchParams(rawQuery);

    // parameter conversion: an Integer path/query parameter that does not convert is a 404 (JAX-RS)
    const badPath = (route.intParams ?? []).some((n) => !isJavaInt(params[n] ?? ''));
    const badQuery = (route.intQuery ?? []).some((n) => { const v = query.get(n); return v !== null && v.trim() !== '' && !isJavaInt(v); });
    if (badPath || badQuery) { sendEmpty(res, 404); return; }

    // The CXF filter runs once the resource method is selected, before the entity is read.
    const cxfFilter = profile.restAuth === 'cxf-filter';
    const early = cxfFilter ? guardResourceCall(store, servletView(req)) : null;
    if (early && early.kind !== 'authenticated') { sendOAuthChallenge(res); return; }

    let entity: JsonEntity | null = null;
    try {
      if (route.entity?.kind === 'bean') entity = readBean(body, route.entity.schema);
      else if (route.entity?.kind === 'objectNode') entity = readObjectNode(body);
    } catch (e) {
      if (e instanceof BodyUnreadable) { sendEmpty(res, 400); return; }
      throw e;
    }

    const guard = early ?? guardResourceCall(store, servletView(req));
    if (guard.kind === 'fault') { sendXmlFault(res, mediaType, guard.code); return; }

    const ctx: RestContext = {
      store, opts, tz: store.serverZone, params, query, body: entity,
      scopes: guard.kind === 'authenticated' ? guard.scopes : '',
      provider(): ProviderRow {
        // contract 1.5: the session's provider wins; the OAuth one is the fallback
        const providerNo = session.providerNo ?? (guard.kind === 'authenticated' ? guard.providerNo : null);
        const p = providerNo === null ? undefined : store.provider(providerNo);
        if (!p) throw new ContainerError('java.lang.IllegalStateException: Authentication info is not available.');
        return p;
      },
      requirePrivilege(object: string): ProviderRow {
        const p = ctx.provider();
        if (!hasPrivilege(store, p.providerNo, object)) throw new ContainerError('java.lang.RuntimeException: Access Denied');
        return p;
      },
    };
    let result: RestResult;
    try {
      result = route.handle(ctx);
    } catch (e) {
      if (e instanceof WebAppError) { sendBody(res, e.status, e.contentType ?? mediaType, e.body); return; }
      sendContainerErrorPage(res, e instanceof ContainerError ? e.status : 500, e instanceof Error ? e.message : 'error');
      return;
    }
    render(res, result, mediaType);
  });
  return router;
}

function render(res: express.Response, result: RestResult, mediaType: string): void {
  switch (result.kind) {
    case 'noContent':
      sendEmpty(res, 204);
      return;
    case 'response':
      if (result.body === undefined || result.body === '') sendEmpty(res, result.status);
      else sendBody(res, result.status, result.contentType ?? mediaType, result.body);
      return;
    case 'entity':
      if (mediaType === XML_TYPE && result.xml) sendBody(res, 200, mediaType, result.xml());
      else sendBody(res, 200, mediaType, JSON.stringify(result.json));
  }
}
