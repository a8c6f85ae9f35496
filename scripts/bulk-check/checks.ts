// The Bulk Data Access v2 server checklist (docs/bulk-data.md §a) as checks that run against any
// FHIR base over HTTP: the MUSTs each server is held to, named by their ids. Used by the tests
// (test/bulk/conformance.test.ts, one test per check) and by `npm run bulk:check` against a
// deployment. Only HTTP and the repo's own R4 validator: no other tool to install.
import { validateResource } from '../../src/validation/index.js';

export interface CheckTarget {
  /** FHIR base URL, e.g. https://fhir.example.org/fhir */
  base: string;
  /** A bearer token with system read scopes; absent = the server runs without authorization. */
  token?: () => Promise<string>;
  /** A token of another client (to check that jobs are bound to their client). */
  otherToken?: () => Promise<string>;
  /** A Group id to export (Group/[id]/$export). */
  group?: string;
  /** Longest wait for an export to finish (ms). */
  maxWaitMs?: number;
}

export interface Check {
  id: string;
  title: string;
  /** Throws an Error naming what the server did wrong; resolves with 'skipped: why' when it cannot apply. */
  run(t: CheckTarget): Promise<void | `skipped: ${string}`>;
}

interface Manifest {
  transactionTime: string; request: string; requiresAccessToken: boolean;
  output: { type: string; url: string; count?: number }[]; error: { type: string; url: string }[]; deleted?: unknown[];
}

const KICK_OFF = { accept: 'application/fhir+json', prefer: 'respond-async' };
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function must(ok: unknown, what: string): asserts ok {
  if (!ok) throw new Error(what);
}

async function auth(t: CheckTarget, token = t.token): Promise<Record<string, string>> {
  return token ? { authorization: `Bearer ${await token()}` } : {};
}

async function kickOff(t: CheckTarget, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${t.base}${path}`, { ...init, headers: { ...KICK_OFF, ...(await auth(t)), ...(init.headers as Record<string, string> | undefined) } });
}

async function started(t: CheckTarget, path: string): Promise<string> {
  const res = await kickOff(t, path);
  must(res.status === 202, `kick-off ${path} answered ${res.status}, not 202`);
  await res.arrayBuffer();
  const location = res.headers.get('content-location');
  must(location && /^https?:\/\//.test(location), `kick-off ${path}: Content-Location must be an absolute URL (got ${location})`);
  return location;
}

/** Polls as the spec asks (honouring Retry-After, 429 included) until the status is no longer 202. */
async function finished(t: CheckTarget, status: string, seen: { inProgress?: Response } = {}): Promise<Response> {
  const until = Date.now() + (t.maxWaitMs ?? 300_000);
  for (;;) {
    const res = await fetch(status, { headers: await auth(t) });
    if (res.status !== 202 && res.status !== 429) return res;
    if (res.status === 202) seen.inProgress ??= res;
    await res.arrayBuffer();
    must(Date.now() < until, 'the export did not finish in time');
    const wait = Number(res.headers.get('retry-after'));
    await new Promise((r) => setTimeout(r, Math.min(Number.isFinite(wait) ? wait * 1000 : 1000, 5000)));
  }
}

async function manifestOf(t: CheckTarget, path: string): Promise<{ status: string; manifest: Manifest; res: Response; kickedAt: number }> {
  const kickedAt = Date.now();
  const status = await started(t, path);
  const res = await finished(t, status);
  must(res.status === 200, `the finished export answered ${res.status}, not 200`);
  return { status, manifest: await res.json() as Manifest, res, kickedAt };
}

async function isOutcome(res: Response, what: string): Promise<void> {
  must((res.headers.get('content-type') ?? '').includes('json'), `${what}: the body must be JSON`);
  const body = await res.json() as { resourceType?: string };
  must(body.resourceType === 'OperationOutcome', `${what}: the body must be an OperationOutcome`);
}

async function lines(t: CheckTarget, url: string, token = t.token): Promise<Record<string, unknown>[]> {
  const res = await fetch(url, { headers: await auth(t, token) });
  must(res.status === 200, `file ${url} answered ${res.status}`);
  must((res.headers.get('content-type') ?? '').startsWith('application/fhir+ndjson'), `file ${url}: Content-Type must be application/fhir+ndjson`);
  return (await res.text()).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function refused(t: CheckTarget, path: string, statuses: number[], init: RequestInit = {}): Promise<void> {
  const res = await kickOff(t, path, init);
  must(statuses.includes(res.status), `${path} answered ${res.status}, expected ${statuses.join(' or ')}`);
  await isOutcome(res, path);
}

export const CHECKS: Check[] = [
  {
    id: 'BD-CAP-02', title: 'the CapabilityStatement instantiates bulk-data and declares $export on the system and Patient (and Group when it lists Group)',
    async run(t) {
      const res = await fetch(`${t.base}/metadata`, { headers: { accept: 'application/fhir+json' } });
      must(res.status === 200, `/metadata answered ${res.status}`);
      const cs = await res.json() as { instantiates?: string[]; rest?: { operation?: { name: string }[]; resource?: { type: string; operation?: { name: string; definition: string }[] }[] }[] };
      must((cs.instantiates ?? []).some((u) => /\/CapabilityStatement\/bulk-data(\|\S+)?$/.test(u)), 'instantiates lacks the bulk-data CapabilityStatement');
      const rest = cs.rest?.[0];
      must(rest?.operation?.some((o) => o.name === 'export'), 'no system-level export operation');
      must(rest?.resource?.find((r) => r.type === 'Patient')?.operation?.some((o) => o.name === 'export'), 'no Patient-level export operation');
      const group = rest?.resource?.find((r) => r.type === 'Group');
      if (group) must(group.operation?.some((o) => o.name === 'export'), 'Group is listed without its export operation');
    },
  },
  {
    id: 'BD-KO-01', title: 'kick-off on the Patient, system and Group levels answers 202 with an absolute Content-Location',
    async run(t) {
      for (const path of ['/Patient/$export?_type=Patient', '/$export?_type=Patient', ...(t.group ? [`/Group/${t.group}/$export?_type=Patient`] : [])]) {
        await finished(t, await started(t, path));
      }
    },
  },
  {
    id: 'BD-KO-06', title: 'a refused kick-off answers 4xx with an OperationOutcome',
    run: (t) => refused(t, '/Patient/$export?_outputFormat=text/html', [400, 422]),
  },
  {
    id: 'BD-P-01', title: 'the three ndjson spellings of _outputFormat are accepted',
    async run(t) {
      for (const f of ['application/fhir+ndjson', 'application/ndjson', 'ndjson']) await finished(t, await started(t, `/Patient/$export?_type=Patient&_outputFormat=${encodeURIComponent(f)}`));
    },
  },
  {
    id: 'BD-P-02', title: '_since is accepted',
    run: async (t) => { await finished(t, await started(t, `/Patient/$export?_type=Patient&_since=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}`)); },
  },
  {
    id: 'BD-P-04', title: 'an invalid or future _since is refused with 400',
    async run(t) {
      await refused(t, '/Patient/$export?_since=0000-60-01T30:70:80%2B05:00', [400]);
      await refused(t, '/Patient/$export?_since=2057-01-01T00:00:00Z', [400]);
    },
  },
  {
    id: 'BD-P-05', title: 'an unknown _type is refused with 400',
    run: (t) => refused(t, '/Patient/$export?_type=MissingType', [400]),
  },
  {
    id: 'BD-KO-03', title: 'repeated _type parameters are joined',
    async run(t) {
      const { manifest } = await manifestOf(t, '/Patient/$export?_type=Patient&_type=Immunization');
      const types = new Set(manifest.output.map((o) => o.type));
      must([...types].every((x) => x === 'Patient' || x === 'Immunization'), `types ${[...types].join(', ')} beyond Patient and Immunization`);
      must(types.has('Patient'), 'no Patient file although _type named Patient');
    },
  },
  {
    id: 'BD-P-07', title: 'patient is refused on a GET kick-off and on the system level',
    run: (t) => refused(t, '/$export?patient=Patient/1', [400]),
  },
  {
    id: 'BD-ST-01', title: 'while in progress the status answers 202 with an integer Retry-After',
    async run(t) {
      const seen: { inProgress?: Response } = {};
      await finished(t, await started(t, '/Patient/$export'), seen);
      if (!seen.inProgress) return 'skipped: the export finished before the first poll';
      must(/^\d+$/.test(seen.inProgress.headers.get('retry-after') ?? ''), 'Retry-After must be an integer number of seconds');
    },
  },
  {
    id: 'BD-ST-06', title: 'a finished export answers 200 application/json with a manifest (transactionTime, request, requiresAccessToken, output, error)',
    async run(t) {
      const { manifest: m, res, kickedAt } = await manifestOf(t, '/Patient/$export?_type=Patient');
      must((res.headers.get('content-type') ?? '').startsWith('application/json'), 'the manifest must be application/json');
      must(INSTANT.test(m.transactionTime) && Date.parse(m.transactionTime) <= kickedAt + 1000, `transactionTime ${m.transactionTime} must be an instant no later than the kick-off`);
      must(typeof m.request === 'string' && m.request.includes('$export'), 'request must be the kick-off URL');
      must(typeof m.requiresAccessToken === 'boolean', 'requiresAccessToken must be a boolean');
      if (t.token) must(m.requiresAccessToken, 'requiresAccessToken must be true when the API needs a token');
      must(Array.isArray(m.output) && Array.isArray(m.error), 'output and error must be arrays');
    },
  },
  {
    id: 'BD-M-04', title: 'output files: absolute URLs, one type per file, count as in the file, each line a valid resource of that type; at least two Patients',
    async run(t) {
      const { manifest: m } = await manifestOf(t, '/Patient/$export?_type=Patient,Immunization');
      let patients = 0;
      for (const o of m.output) {
        must(/^https?:\/\//.test(o.url), `output url ${o.url} must be absolute`);
        const ls = await lines(t, o.url);
        if (o.count !== undefined) must(o.count === ls.length, `${o.url}: count ${o.count} but ${ls.length} lines`);
        for (const r of ls) {
          must(r.resourceType === o.type, `${o.url}: a ${String(r.resourceType)} in a ${o.type} file`);
          const problems = validateResource(r);
          must(problems.length === 0, `${o.type}/${String(r.id)} is not valid R4: ${problems.map((p) => p.message).join('; ')}`);
        }
        if (o.type === 'Patient') patients += ls.length;
      }
      must(patients >= 2, `the export must hold at least two Patients (got ${patients})`);
    },
  },
  {
    id: 'BD-F-05', title: 'DocumentReference attachments carry no bytes and their absolute URL is readable with the same token',
    async run(t) {
      const { manifest: m } = await manifestOf(t, '/Patient/$export?_type=DocumentReference');
      const file = m.output.find((o) => o.type === 'DocumentReference');
      if (!file) return 'skipped: no DocumentReference exported';
      const docs = await lines(t, file.url) as { content?: { attachment?: { url?: string; data?: string } }[] }[];
      const urls = docs.flatMap((d) => (d.content ?? []).map((c) => c.attachment ?? {}));
      must(urls.every((a) => a.data === undefined), 'attachment bytes must not be inlined');
      const url = urls.find((a) => a.url)?.url;
      if (!url) return 'skipped: no attachment URL';
      must(/^https?:\/\//.test(url), `attachment url ${url} must be absolute`);
      const res = await fetch(url, { headers: { accept: '*/*', ...(await auth(t)) } });
      must(res.status === 200, `attachment ${url} answered ${res.status} with the export's token`);
    },
  },
  {
    id: 'BD-AUTH-07', title: 'kick-off, status and files need a token',
    async run(t) {
      if (!t.token) return 'skipped: no token given (the server runs without authorization)';
      const bare = await fetch(`${t.base}/Patient/$export`, { headers: KICK_OFF });
      must(bare.status === 401 || bare.status === 400, `a kick-off without a token answered ${bare.status}`);
      const { status, manifest } = await manifestOf(t, '/Patient/$export?_type=Patient');
      const s = await fetch(status);
      must(s.status === 401 || s.status === 400, `the status without a token answered ${s.status}`);
      const f = await fetch(manifest.output[0]!.url);
      must(f.status === 401 || f.status === 400, `a file without a token answered ${f.status}`);
    },
  },
  {
    id: 'BD-AUTH-09', title: 'another client cannot poll, download or cancel the job',
    async run(t) {
      if (!t.token || !t.otherToken) return 'skipped: needs tokens of two clients';
      const { status, manifest } = await manifestOf(t, '/Patient/$export?_type=Patient');
      const other = await auth(t, t.otherToken);
      for (const [url, method] of [[status, 'GET'], [manifest.output[0]!.url, 'GET'], [status, 'DELETE']] as const) {
        const res = await fetch(url, { method, headers: other });
        must(res.status === 404 || res.status === 403, `${method} by another client answered ${res.status}`);
      }
    },
  },
  {
    id: 'BD-D-02', title: 'DELETE answers 202; then the status, a second DELETE and the files are 404 with an OperationOutcome',
    async run(t) {
      const { status, manifest } = await manifestOf(t, '/Patient/$export?_type=Patient');
      const headers = await auth(t);
      must((await fetch(status, { method: 'DELETE', headers })).status === 202, 'DELETE must answer 202');
      const after = await fetch(status, { headers });
      must(after.status === 404, `the status after DELETE answered ${after.status}`);
      await isOutcome(after, 'status after DELETE');
      must((await fetch(status, { method: 'DELETE', headers })).status === 404, 'a second DELETE must answer 404');
      if (manifest.output[0]) must((await fetch(manifest.output[0].url, { headers })).status === 404, 'a file of a deleted export must answer 404');
    },
  },
];
