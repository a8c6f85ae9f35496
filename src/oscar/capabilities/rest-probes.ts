// The REST half of discovery (variants §7.2 steps 5–7): is the OAuth REST module there (and which
// dialect), do our OAuth credentials work, and does HTTP PUT reach OSCAR. Presence is read from
// the WADL or OpenAPI listing and from CXF's own answers, never from a 401 to an unsigned request:
// the newest Open-O answers that with a 500 (B18).
import { oauthRefusal } from '../rest.js';
import { edgeRefusal, isCxfNoService, isIpAllowListFault, type Answer } from './classify.js';
import type { Reach, RestCapabilities } from './map.js';
import { attempt, type Attempt, type ProbeChannel } from './probe-channel.js';
import { readOpenApi, readWadl } from './rest-listing.js';

export interface RestProbeHints {
  /** The SOAP namespace is Juno's (true), another line's (false), or unknown (undefined). */
  juno: boolean | undefined;
  /** The provider login2 acts as: Juno's signed probes name one. */
  providerNo?: string;
}

const MODULE_OFF = { reach: 'module-off', detail: 'the REST module is off (ModuleNames in oscar.properties lacks REST)' } as const;

const IP_REFUSED = { reach: 'ip-not-allowed', detail: 'OSCAR\'s web-service IP allow-list refuses this server' } as const;

const EDGE_DETAIL = {
  cloudflare: 'a Cloudflare web application firewall in front of OSCAR refuses REST',
  proxy: 'a proxy in front of OSCAR refuses REST',
} as const;

interface Listing { reach?: Reach; detail?: string; paths?: string[] }

/** What a GET of a listing says: paths, or a sign of absence (module off, blocked, unreachable). */
function listingOf(a: Attempt, read: (body: string) => string[] | undefined): Listing {
  if ('failure' in a) return { reach: 'unreachable', detail: `no answer (${a.failure})` };
  // Juno filters its integrator API by caller address too (B8), answering 403 in its envelope.
  if (a.answer.status === 403 && isIpAllowListFault(a.answer.body)) return IP_REFUSED;
  const edge = edgeRefusal(a.answer);
  if (edge) return { reach: 'edge-blocked', detail: EDGE_DETAIL[edge] };
  if (isCxfNoService(a.answer)) return MODULE_OFF;
  if (a.answer.status !== 200) return {};
  const paths = read(a.answer.body);
  if (paths) return paths.length ? { paths } : MODULE_OFF;
  // CXF's HTML service list without a RESTful endpoint: the module's servers were never created (B2).
  return /CXF - Service list/i.test(a.answer.body) ? MODULE_OFF : {};
}

async function findListing(channel: ProbeChannel, hints: RestProbeHints): Promise<Listing & { dialect: RestCapabilities['dialect'] }> {
  let services: Listing = {};
  if (hints.juno !== true) {
    services = listingOf(await attempt(() => channel.get('/ws/services?_wadl', 'rest:wadl')), (b) => readWadl(b));
    if (services.paths) return { dialect: services.paths.every((p) => p.startsWith('/v1/')) ? 'juno-v1' : 'oscar', paths: services.paths };
    // An OSCAR line (SOAP said so), or an answer that rules Juno out as well: stop here.
    if (hints.juno === false || services.reach === 'edge-blocked' || services.reach === 'unreachable') return { dialect: 'oscar', ...services };
  }
  // Juno's integrator API (card H): its WADL, else the OpenAPI document of its servlet.
  const v1 = listingOf(await attempt(() => channel.get('/ws/services/v1?_wadl', 'rest:wadl v1')), (b) => readWadl(b, '/v1'));
  if (v1.paths) return { dialect: 'juno-v1', paths: v1.paths };
  if (v1.reach === 'ip-not-allowed') return { dialect: 'juno-v1', ...v1 };
  const openApi = listingOf(await attempt(() => channel.get('/openapi/openapi.json', 'rest:openapi')), readOpenApi);
  if (openApi.paths) return { dialect: 'juno-v1', paths: openApi.paths };
  if (hints.juno) return { dialect: 'juno-v1', ...(v1.reach ? v1 : MODULE_OFF) };
  return { dialect: 'oscar', ...services };
}

/** A signed call's answer read as the state of our OAuth access (contract 1.6, 2.3). */
function accessOf(a: Attempt): { reach: Reach; detail?: string } {
  if ('failure' in a) return { reach: 'unreachable', detail: `no answer (${a.failure})` };
  if (a.answer.status === 403 && isIpAllowListFault(a.answer.body)) return IP_REFUSED;
  const edge = edgeRefusal(a.answer);
  if (edge) return { reach: 'edge-blocked', detail: EDGE_DETAIL[edge] };
  if (isCxfNoService(a.answer)) return MODULE_OFF;
  const { status, body } = a.answer;
  if (status >= 200 && status < 300) return { reach: 'ok' };
  // Juno's integrator API is rate-limited (B8): the credentials were accepted.
  if (status === 503 && !/<html/i.test(body)) return { reach: 'ok', detail: 'rate-limited while probing' };
  // The request path's reader (contract 1.6): only the XMLFault's faultstring, never the words
  // anywhere in a 500 (an error page echoing a request's text is not OSCAR refusing us).
  const code = oauthRefusal({ status, headers: a.answer.headers ?? {} }, body, Date.now());
  if (code !== undefined) return { reach: 'auth-failed', detail: `OSCAR refused the OAuth credentials (${code})` };
  if (status === 401) return { reach: 'auth-failed', detail: 'OSCAR refused the OAuth credentials (HTTP 401)' };
  return { reach: 'unreachable', detail: `the signed probe got HTTP ${status}` };
}

/**
 * Whether PUT reaches OSCAR (B4): a GET-only resource answers 405 (or 401/404/an OAuth fault) from
 * CXF; a 403 from a proxy means the edge refuses the method. Undefined when the answer says neither.
 */
export function putAllowedOf(a: Answer): boolean | undefined {
  if (a.status === 403) return false;
  if (a.status >= 502 && a.status <= 504) return undefined;
  return true;
}

export async function probeRest(channel: ProbeChannel, hints: RestProbeHints): Promise<RestCapabilities> {
  const listing = await findListing(channel, hints);
  const { dialect } = listing;
  if (listing.reach) return { reach: listing.reach, ...(listing.detail && { detail: listing.detail }), dialect };
  const paths = listing.paths;
  const withPaths = paths ? { paths } : {};

  // Step 6: a signed read that changes nothing. OSCAR 15.0 lists only providerService (B3); on
  // Juno, the provider login2 acts as, else a listed provider list (staff, not patients).
  const probePath = dialect === 'juno-v1'
    ? (hints.providerNo ? `/v1/provider/${encodeURIComponent(hints.providerNo)}` : paths?.find((p) => p.startsWith('/v1/providers') && !p.includes('{')))
    : (!paths || paths.includes('/oauth/info') ? '/oauth/info' : undefined);
  if (!probePath) return { reach: 'ok', detail: 'listed; the OAuth credentials were not checked (no harmless signed call on this line)', dialect, ...withPaths };
  const access = accessOf(await attempt(() => channel.rest('GET', probePath)));
  if (access.reach !== 'ok') return { ...access, dialect, ...withPaths };

  // Step 7: PUT to a GET-only resource, so nothing can change.
  const putPath = dialect === 'juno-v1' ? probePath : '/status/checkIfAuthed';
  const put = await attempt(() => channel.rest('PUT', putPath, {}));
  const putAllowed = 'answer' in put ? putAllowedOf(put.answer) : undefined;
  return { ...access, dialect, ...withPaths, ...(putAllowed !== undefined && { putAllowed }) };
}
