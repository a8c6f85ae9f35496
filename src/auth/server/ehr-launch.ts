// EHR launch from inside OSCAR without changing OSCAR (smart §4.2, §5.2 B): an admin puts a link
// in an eForm (or a Quick Link) to `{base}/auth/launch/<client_id>?demographic_no=…&provider_no=…`.
// The facade turns it into a launch id — unguessable, single use, five minutes, bound to that
// client — and sends the browser to the app's launch URL with `iss` and `launch`. The link is
// unauthenticated, so what it names is only a hint: the user still signs in through OSCAR, the
// provider must be the one the link named, and the patient is confirmed on screen after OSCAR
// said (with the user's own token) that this user may see them.
import { randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { DocumentStore } from '../../state/index.js';
import type { SmartClient } from '../clients.js';
import { errorPage } from './pages.js';

const LAUNCH_KIND = 'smart-launch';
const LAUNCH_TTL_MS = 5 * 60_000;

export interface LaunchRecord {
  clientId: string;
  patient?: string;
  providerHint?: string;
  appointment?: string;
}

const DIGITS = /^[0-9]{1,10}$/;
const PROVIDER_NO = /^[A-Za-z0-9]{1,25}$/;

export function ehrLaunch(o: { issuer: string; clients: ReadonlyMap<string, SmartClient>; documents: DocumentStore }) {
  const refuse = (): never => { throw new errors.InvalidRequest('launch is unknown, expired, already used or meant for another app'); };
  return {
    /** GET /auth/launch/:clientId — the link an admin puts in OSCAR. */
    routes(): Router {
      const router = express.Router();
      router.get('/auth/launch/:clientId', async (req, res) => {
        const client = o.clients.get(req.params.clientId);
        const fail = (status: number, message: string): void => { res.status(status).type('html').set('cache-control', 'no-store').send(errorPage('This app cannot start', message)); };
        if (!client || client.kind !== 'app' || !client.launchUri) { fail(404, 'No app with an EHR launch is registered under this name.'); return; }
        const q = req.query;
        const patient = typeof q.demographic_no === 'string' ? q.demographic_no : undefined;
        const providerHint = typeof q.provider_no === 'string' ? q.provider_no : undefined;
        const appointment = typeof q.appointment_no === 'string' ? q.appointment_no : undefined;
        if ((patient !== undefined && !DIGITS.test(patient)) || (providerHint !== undefined && !PROVIDER_NO.test(providerHint)) || (appointment !== undefined && !DIGITS.test(appointment))) {
          fail(400, 'The launch link is malformed (demographic_no and appointment_no are numbers, provider_no a provider number).'); return;
        }
        const id = randomBytes(24).toString('base64url');
        const record: LaunchRecord = { clientId: client.clientId, ...(patient && { patient }), ...(providerHint && { providerHint }), ...(appointment && { appointment }) };
        await o.documents.put(LAUNCH_KIND, id, record, { ttlMs: LAUNCH_TTL_MS });
        const target = new URL(client.launchUri);
        target.searchParams.set('iss', o.issuer);
        target.searchParams.set('launch', id);
        res.set('cache-control', 'no-store').redirect(302, target.href);
      });
      return router;
    },

    /** The authorization endpoint's check of `launch` (smart §1.4): known, unexpired, unused, this client's. */
    async check(ctx: KoaContextWithOIDC, launch: string, clientId: string): Promise<void> {
      const d = await o.documents.get<LaunchRecord>(LAUNCH_KIND, launch);
      if (!d || d.value.clientId !== clientId) refuse();
      // Resuming the interaction it started re-reads the parameters: it was checked then.
      if (d!.consumedAt !== undefined && ctx.oidc.route !== 'resume') refuse();
    },

    async record(launch: string): Promise<LaunchRecord | undefined> {
      return (await o.documents.get<LaunchRecord>(LAUNCH_KIND, launch))?.value;
    },

    /** Spends the launch when a grant is made from it; false when it was spent already. */
    consume(launch: string): Promise<boolean> {
      return o.documents.consume(LAUNCH_KIND, launch);
    },
  };
}

export type EhrLaunch = ReturnType<typeof ehrLaunch>;
