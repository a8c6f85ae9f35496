import express from 'express';
import type { ClinicStore } from '../clinic/store.js';
import type { SimOptions } from '../options.js';
import { sendBody, sendContainerErrorPage } from '../rest/errors.js';
import { CONSENT_PAGE_SCRIPT } from './consent-page.js';
import { accessToken, approve, initiate, showConsent } from './endpoints.js';
import { login } from './login.js';
import { sessionsFor } from './session.js';

/**
 * The OAuth 1.0a provider of the simulated OSCAR (contract 2), mounted at the context path:
 * /ws/oauth/initiate, /ws/oauth/authorize, /ws/oauth/token, and /login.do for the consent page.
 * Every other path falls through to the next handler.
 */
export function createOAuthRouter(store: ClinicStore, opts: SimOptions): express.Router {
  const router = express.Router();
  const sessions = sessionsFor(store, opts);

  router.use((req, res, next) => {
    const path = req.path.replace(/;jsessionid=[^/]*/i, '');
    const op = (name: string): void => { res.locals.simOperation = `OAUTH ${req.method} ${name}`; };
    try {
      switch (path) {
        case '/ws/oauth/initiate':
          op(path); sessions.attach(req, res); initiate(store, req, res); return;
        case '/ws/oauth/token':
          op(path); sessions.attach(req, res); accessToken(store, req, res); return;
        case '/ws/oauth/authorize': {
          op(path);
          const session = sessions.attach(req, res);
          if (req.method === 'GET') showConsent(store, opts, session, req, res);
          else if (req.method === 'POST') approve(store, session, req, res);
          else { res.setHeader('Allow', 'GET, POST'); res.status(405).end(); }
          return;
        }
        case '/login.do':
          res.locals.simOperation = `LOGIN ${req.method} /login.do`;
          login(store, opts, sessions, sessions.attach(req, res), req, res);
          return;
        case '/login/3rdpartyLogin.js':
          res.locals.simOperation = 'STATIC GET /login/3rdpartyLogin.js';
          sendBody(res, 200, 'text/javascript;charset=UTF-8', CONSENT_PAGE_SCRIPT);
          return;
        default:
          next();
      }
    } catch (e) {
      sendContainerErrorPage(res, 500, e instanceof Error ? e.message : 'error');
    }
  });
  return router;
}
