// The export's HTTP side (bulk-data §a C–I): kick-off on the three levels, the status URL
// (progress, manifest, failure, DELETE), the file URLs, and Group read and search so tools can
// find the groups. It runs inside the FHIR handler after the caller is authenticated, and answers
// FhirResponses, with a stream for a file (never the whole file in memory).
import type { Bundle, Group } from 'fhir/r4.js';
import {
  badRequest, forbidden, methodNotAllowed, notFound, notImplemented, operationOutcome, tooManyRequests, type FhirRequest, type FhirResponse,
} from '../fhir/index.js';
import { accessFor, type AuthContext } from '../auth/index.js';
import { unavailableText, type Unavailable } from '../fhir/unavailable.js';
import type { ProviderDirectory } from '../resources/provider-directory.js';
import type { OnceKeys } from '../state/index.js';
import type { ExportEngine } from './engine.js';
import { allGroups, groupExists, groupResource, parseGroupId } from './groups.js';
import type { ExportJob, ExportLevel } from './job.js';
import { checkKickOffHeaders, parseKickOff } from './params.js';

export type BulkResponse = FhirResponse & { stream?: AsyncIterable<Buffer> };

export interface BulkEndpoint {
  /** Whether the request is the export's (kick-off, status, file, Group). */
  claims(req: FhirRequest): boolean;
  serve(req: FhirRequest): Promise<BulkResponse>;
}

export interface BulkHttpOptions {
  engine: ExportEngine;
  providers: ProviderDirectory;
  /** Why the connected OSCAR cannot serve exports and Groups now (availability.ts), or undefined. */
  unavailable: () => Unavailable | undefined;
  /** Public FHIR base URL: every URL handed out is absolute under it (BD-KO-08). */
  baseUrl: string;
  /** Jobs in progress at once, all clients together (429 beyond it). */
  maxJobs: number;
  /** A job's status polled again sooner than this is answered 429 (BD-ST-03). */
  minPollMs: number;
  /**
   * Where the polls are counted: the clinic's state (src/state), so that instances sharing it
   * agree, and a client cannot poll N times as often by reaching N instances.
   */
  polls: OnceKeys;
  now?: () => number;
}

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const KICK_OFF = /^(?:\/(Patient)|\/Group\/([^/]+))?\/\$export$/;
const STATUS = /^\/\$export-status\/([^/]+)$/;
const FILE = /^\/\$export-file\/([^/]+)\/([A-Za-z-]+-\d+\.ndjson)$/;
const GROUP = /^\/Group(?:\/([^/$]+))?$/;

function callerOf(auth: unknown): AuthContext {
  return (auth as AuthContext | undefined) ?? { kind: 'anonymous' };
}

/** Who owns the caller's jobs: its client (never a user or patient of it), or 'anonymous' without SMART. */
function ownerOf(a: AuthContext): string {
  return a.kind === 'token' ? `client:${a.clientId ?? a.subject ?? ''}` : 'anonymous';
}

/** Whether the caller may read every `type` record (system/user scopes; a patient/ token never exports). */
function mayRead(a: AuthContext, type: string): boolean {
  return a.kind !== 'token' || accessFor(a.scopes ?? [], type, 'r') === 'all';
}

/** Seconds a client should wait before polling again: short for small jobs (BD-ST-02). */
function retryAfter(job: ExportJob): number {
  return (job.memberCount ?? 0) > 2000 ? 5 : 1;
}

export function createBulkEndpoint(opts: BulkHttpOptions): BulkEndpoint {
  const { engine, baseUrl } = opts;
  const now = opts.now ?? Date.now;
  const statusUrl = (id: string): string => `${baseUrl}/$export-status/${id}`;
  const fileUrl = (id: string, name: string): string => `${baseUrl}/$export-file/${id}/${name}`;
  const json = (status: number, body: object, headers: Record<string, string> = {}): BulkResponse => ({ status, headers: { 'content-type': FHIR_JSON, ...headers }, body });

  async function ownJob(req: FhirRequest, id: string): Promise<ExportJob> {
    const job = await engine.job(id);
    // Another client's job is answered as unknown, never as forbidden (BD-KO-09).
    if (!job || job.owner !== ownerOf(callerOf(req.auth))) throw notFound('No export job with this id (finished jobs expire; cancelled ones are gone)');
    return job;
  }

  async function kickOff(req: FhirRequest, level: ExportLevel, groupId: string | undefined): Promise<BulkResponse> {
    if (req.method !== 'GET' && req.method !== 'POST') throw methodNotAllowed('An export is started with GET or POST', ['GET', 'POST']);
    const u = opts.unavailable();
    if (u) throw notImplemented(unavailableText('$export', u));
    const off = engine.unavailable();
    if (off) throw notImplemented(off);
    checkKickOffHeaders(req.headers);
    const caller = callerOf(req.auth);
    // A SMART app user's requests are held to what OSCAR shows that provider, asked with their own
    // token (docs/smart-app-launch.md §7.7); a job runs later, in the background, as the facade's
    // own OSCAR account, where no such check can be made: it would export every patient of the
    // clinic to them. Backend Services clients (system/ scopes) export.
    if (caller.kind === 'token' && caller.oscarProvider !== undefined) {
      throw forbidden('An export runs as the facade\'s own OSCAR account, which cannot apply a signed-in user\'s OSCAR rights: export with a Backend Services client (system/ scopes)');
    }
    const checked = parseKickOff({
      method: req.method, level, query: req.query, body: req.body, headers: req.headers, now: now(),
      url: `${baseUrl}${req.path}${req.method === 'GET' && req.query.length ? `?${new URLSearchParams(req.query).toString()}` : ''}`,
      ...(groupId !== undefined && { groupId }),
    });
    const r = checked.request;
    if (level === 'group') {
      const g = parseGroupId(groupId ?? '');
      if (!mayRead(caller, 'Group')) throw forbidden('Exporting a Group needs read access to Group (system/Group.rs)');
      if (!g || !(await groupExists(opts.providers, g))) throw notFound('No Group with this id (see GET Group)');
    }
    const refused = r.types.filter((t) => !mayRead(caller, t));
    if (checked.typesNamed && refused.length) throw forbidden(`The token does not allow reading ${refused.join(', ')}`);
    r.types = r.types.filter((t) => mayRead(caller, t));
    if (r.types.length === 0) throw forbidden('The token allows reading none of the exported types');
    const owner = ownerOf(caller);
    const active = (await engine.jobs()).filter((j) => j.status === 'in-progress');
    if (active.some((j) => j.owner === owner)) throw tooManyRequests('This client already has an export in progress: wait for it, or cancel it with DELETE on its status URL', 10);
    if (active.length >= opts.maxJobs) throw tooManyRequests('The server is running as many exports as it allows; try again later', 30);
    const job = await engine.create(owner, r, checked.lenientIssues);
    return json(202, operationOutcome([{ severity: 'information', code: 'informational', diagnostics: 'Export started; poll the Content-Location URL' }]), { 'content-location': statusUrl(job.id) });
  }

  async function status(req: FhirRequest, id: string): Promise<BulkResponse> {
    if (req.method === 'DELETE') {
      const job = await ownJob(req, id);
      await engine.remove(job);
      return json(202, operationOutcome([{ severity: 'information', code: 'informational', diagnostics: 'Export deleted: its files are gone' }]));
    }
    if (req.method !== 'GET') throw methodNotAllowed('The status URL takes GET (poll) or DELETE (cancel)', ['GET', 'DELETE']);
    const job = await ownJob(req, id);
    const t = now();
    // One poll of a running job per BULK_MIN_POLL_MS: the first claims the window, the others in it are refused.
    if (job.status === 'in-progress' && opts.minPollMs > 0 && !(await opts.polls.claim(`bulk-poll:${id}`, opts.minPollMs))) {
      throw tooManyRequests('Polled too often: wait Retry-After seconds between polls', retryAfter(job));
    }
    if (job.status === 'in-progress') {
      const types = job.request.types;
      const step = job.step === 0 ? 'listing patients' : `${types[Math.min(job.step, types.length) - 1]} (${Math.min(job.step, types.length)} of ${types.length})`;
      return { status: 202, headers: { 'x-progress': `${step}, ${job.written} resources`, 'retry-after': String(retryAfter(job)) } };
    }
    const expires = { expires: new Date(job.expiresAt ?? t).toUTCString() };
    if (job.status === 'failed') return json(500, operationOutcome([{ severity: 'error', code: 'exception', diagnostics: job.failure ?? 'The export failed' }]), expires);
    const entries = (kind: string) => job.files.filter((f) => f.kind === kind && f.count > 0).map((f) => ({ type: f.type, url: fileUrl(job.id, f.name), count: f.count }));
    const manifest = {
      transactionTime: new Date(job.transactionTime).toISOString(),
      request: job.request.request,
      requiresAccessToken: true,
      output: entries('output'),
      error: entries('error'),
      ...(job.request.since !== undefined && { deleted: entries('deleted') }),
    };
    return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', ...expires }, body: manifest };
  }

  async function file(req: FhirRequest, id: string, name: string): Promise<BulkResponse> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed('A file is read with GET', ['GET']);
    const job = await ownJob(req, id);
    const f = job.status === 'complete' ? job.files.find((x) => x.name === name) : undefined;
    if (!f) throw notFound('No such file in this export');
    if (f.kind === 'output' && !mayRead(callerOf(req.auth), f.type)) throw forbidden(`The token does not allow reading ${f.type}`);
    const stream = engine.read(job, name);
    if (!stream) throw notFound('No such file in this export');
    return { status: 200, headers: { 'content-type': 'application/fhir+ndjson' }, stream };
  }

  async function groups(req: FhirRequest, id: string | undefined): Promise<BulkResponse> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed('Groups are read-only', ['GET']);
    const u = opts.unavailable();
    if (u) throw notImplemented(unavailableText('Group', u));
    if (!mayRead(callerOf(req.auth), 'Group')) throw forbidden('The token does not allow reading Group');
    if (id !== undefined) {
      const g = parseGroupId(id);
      if (!g || !(await groupExists(opts.providers, g))) throw notFound('No Group with this id');
      return json(200, await groupResource(opts.providers, g));
    }
    let found: Group[] = await allGroups(opts.providers);
    for (const [k, v] of req.query) {
      if (k === 'name') found = found.filter((g) => (g.name ?? '').toLowerCase().includes(v.toLowerCase()));
      else if (k === 'identifier' || k === '_id') found = found.filter((g) => g.id === v.split('|').pop());
      else if (k !== '_format' && k !== '_pretty') throw badRequest(`Group search supports name, identifier and _id (not ${k})`);
    }
    const bundle: Bundle = {
      resourceType: 'Bundle', type: 'searchset', total: found.length,
      entry: found.map((g) => ({ fullUrl: `${baseUrl}/Group/${g.id}`, resource: g, search: { mode: 'match' } })),
    };
    return json(200, bundle);
  }

  return {
    // Every path of the export names '/$export' or starts with '/Group': any other request (every
    // read) is let go after one or two string searches instead of four patterns.
    claims: (req) => (req.path.startsWith('/Group') || req.path.includes('/$export'))
      && (KICK_OFF.test(req.path) || STATUS.test(req.path) || FILE.test(req.path) || GROUP.test(req.path)),
    async serve(req) {
      let m = KICK_OFF.exec(req.path);
      // Ids stay percent-encoded: a group id is plain letters, digits and '-' (groups.ts), anything else is unknown.
      if (m) return kickOff(req, m[1] ? 'patient' : m[2] !== undefined ? 'group' : 'system', m[2]);
      if ((m = STATUS.exec(req.path))) return status(req, m[1]!);
      if ((m = FILE.exec(req.path))) return file(req, m[1]!, m[2]!);
      m = GROUP.exec(req.path)!;
      return groups(req, m[1]);
    },
  };
}
