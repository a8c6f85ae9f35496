// The second half of `oscar-fhir check`: what this OSCAR offers (the facade's own discovery,
// variants §7.2), what the facade therefore cannot serve, and what to do about each problem, in
// words a clinic's IT person can act on.
import { OscarClient } from '../oscar/client.js';
import { discover, type Discovery } from '../oscar/capabilities/discover.js';
import type { CapabilityMap, VariantGuess } from '../oscar/capabilities/map.js';
import { utcOffsetLabel, verdictsOf, verdictText, type Verdict } from '../oscar/capabilities/verdicts.js';
import { resolveRoutes } from '../routing/resolve.js';
import { ROUTE_TABLE, type RouteKey } from '../routing/table.js';
import { offsetMinutesAt } from '../time/zone.js';
import { usable } from '../oscar/capabilities/live-checks.js';
import type { ConnectionCredentials, ConnectivityReport } from './connectivity.js';

const LINES: Record<VariantGuess, string> = {
  openo: 'Open-O, ca.openosp.openo line (OpenOSP since 2025-11)',
  'openo-legacy': 'Open-O, org.oscarehr line',
  carlos: 'CARLOS',
  oscar19: 'OSCAR 19',
  'oscar19-rc': 'OSCAR 19 release candidate',
  kai15: 'KAI-15 (an OSCAR Pro ancestor)',
  oscar15: 'OSCAR 15.0',
  juno: 'Juno',
  unknown: 'unknown',
};

export async function probeCapabilities(c: ConnectionCredentials, clinicZone: string, timeoutMs: number): Promise<Discovery> {
  const oscar = new OscarClient({
    baseUrl: c.url, timezone: clinicZone, retries: 0, timeoutMs,
    oauth: { consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, token: c.accessToken, tokenSecret: c.accessTokenSecret },
    soap: { userName: c.soapUserName ?? '', password: c.soapPassword ?? '' },
    ...(c.proxy && { proxy: c.proxy }), ...(c.tls && { tls: c.tls }),
  });
  try {
    return await discover({ channel: oscar.probeChannel(timeoutMs), soapCredentials: oscar.options.soap, clinicZone });
  } finally {
    oscar.close();
  }
}

/** 'create', 'search by _lastUpdated' for a routing entry of its type. */
function interactionName(key: RouteKey): string {
  const { interaction } = ROUTE_TABLE[key];
  if (interaction === 'search-type') return 'search';
  return interaction.startsWith('search.') ? `search by ${interaction.slice('search.'.length)}` : interaction;
}

/** 'Patient create/update, DocumentReference create'; a type that loses every entry is named alone. */
function perType(keys: readonly RouteKey[]): string[] {
  const byType = new Map<string, RouteKey[]>();
  for (const k of keys) byType.set(ROUTE_TABLE[k].type, [...(byType.get(ROUTE_TABLE[k].type) ?? []), k]);
  const all = Object.keys(ROUTE_TABLE) as RouteKey[];
  return [...byType].map(([type, ks]) => (ks.length === all.filter((k) => ROUTE_TABLE[k].type === type).length
    ? type : `${type} ${ks.map(interactionName).join('/')}`));
}

function unavailable(map: CapabilityMap): Set<RouteKey> {
  return new Set([...resolveRoutes(map)].filter(([, r]) => r.status === 'unavailable').map(([k]) => k));
}

/** The FHIR interactions a problem takes away: unavailable now, served on the map without it. */
export function lostTo(map: CapabilityMap, v: Verdict): string[] {
  if (!v.without) return [];
  const then = unavailable(v.without);
  return perType([...unavailable(map)].filter((k) => !then.has(k)));
}

/** What is served with less on this OSCAR, and why (the routing table's degraded options). */
function servedWithLess(map: CapabilityMap): string[] {
  return [...resolveRoutes(map)].flatMap(([key, r]) => (r.status === 'degraded' && r.option.degraded
    ? [`${ROUTE_TABLE[key].type} ${interactionName(key)}: ${r.option.degraded}`] : []));
}

/**
 * The connectivity checks the verdicts do not explain better: with the REST module off, Juno's
 * other API or a blocked half, "the access token is not accepted" would only mislead.
 */
export function unexplained(report: ConnectivityReport, map: CapabilityMap): ConnectivityReport {
  const restExplained = map.rest.dialect === 'juno-v1' || ['module-off', 'edge-blocked', 'ip-not-allowed'].includes(map.rest.reach);
  const soapExplained = ['edge-blocked', 'ip-not-allowed'].includes(map.soap.reach);
  const checks = report.checks.filter((c) => !(c.name.startsWith('REST') ? restExplained : c.name.startsWith('SOAP') && soapExplained));
  return { ...report, checks };
}


function soapLine(m: CapabilityMap): string {
  const s = m.soap;
  const ops = Object.values(s.operations);
  const state = s.reach === 'ok' ? 'ok' : `${s.reach}: ${s.detail ?? ''}`;
  if (!s.namespace) return state;
  const count = ops.reduce((n, o) => n + o.length, 0);
  return `${state} — namespace ${s.namespace}, ${count} operations in ${ops.filter((o) => o.length).length} services${s.genderCodes ? `, sex codes ${s.genderCodes.join(' ')}` : ''}`;
}

function restLine(m: CapabilityMap): string {
  const r = m.rest;
  const what = r.reach === 'ok' ? `${r.dialect === 'juno-v1' ? 'Juno integrator API /ws/services/v1' : '/ws/services'}${r.paths ? `, ${r.paths.length} resources listed` : ''}` : r.detail;
  return [r.reach, what].filter(Boolean).join(': ');
}

function timeLine(m: CapabilityMap, now: number): string {
  const clinic = `clinic ${m.time.clinicZone} (${utcOffsetLabel(offsetMinutesAt(now, m.time.clinicZone))})`;
  if (m.time.serverOffsetMinutes === undefined) return `server zone not known (OSCAR does not say); ${clinic}`;
  return `server ${utcOffsetLabel(m.time.serverOffsetMinutes)}, ${clinic}${m.time.mismatch ? ': DIFFERENT' : ''}`;
}

export function formatCapabilities(d: Discovery, now = Date.now()): string {
  const m = d.map;
  const put = m.rest.putAllowed === undefined ? 'not checked' : m.rest.putAllowed ? 'reaches OSCAR' : 'refused by a proxy';
  const lines = [
    `What this OSCAR offers (${d.calls} calls, ${d.ms} ms):`,
    `  line      ${LINES[m.variant]} (a guess from its services, for support)`,
    `  SOAP      ${soapLine(m)}`,
    `  REST      ${restLine(m)}`,
    `  HTTP PUT  ${put}`,
    `  time      ${timeLine(m, now)}`,
  ];
  const verdicts = verdictsOf(m);
  if (verdicts.length) {
    lines.push('', 'Verdicts:');
    for (const v of verdicts) lines.push(`  ${v.problem ? 'FIX ' : 'note'}  ${verdictText(v, lostTo(m, v))}`);
  }
  const less = servedWithLess(m);
  if (less.length) {
    lines.push('', 'Served with less:');
    for (const l of less) lines.push(`  ${l}`);
  }
  lines.push('', usable(m)
    ? `Usable: the facade can serve this OSCAR${verdicts.some((v) => v.problem) ? ', without what is listed above' : ''}.`
    : 'NOT usable: neither OSCAR\'s SOAP services nor its REST API can be used; fix the first verdict above.');
  return lines.join('\n');
}
