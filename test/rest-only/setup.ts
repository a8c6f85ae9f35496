// A facade over an OSCAR whose SOAP a WAF refuses (variants §6 B5): the simulator with its SOAP
// firewall on and its JVM in another zone than the clinic (B10), the facade given the hand-written
// map of that host, and every request OSCAR receives recorded.
import { VARIANT_MAPS } from '../../scripts/routing-doc/variant-maps.js';
import { startStack, type Stack } from '../helpers/stack.js';

export interface Seen { method: string; path: string }

export const JSON_HEADERS = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };

export async function restOnlyStack(): Promise<{ stack: Stack; seen: Seen[] }> {
  const seen: Seen[] = [];
  const map = VARIANT_MAPS['SOAP WAF']!;
  const stack = await startStack({
    sim: { patients: 8, soapWaf: true, serverTimezone: 'America/Vancouver', onRequest: (r) => seen.push({ method: r.method, path: r.path.replace(/^\/oscar/, '') }) },
    facade: { capabilities: { current: () => map } },
  });
  return { stack, seen };
}

/** What OSCAR was sent since `from`, as 'METHOD path'. */
export const callsSince = (seen: readonly Seen[], from: number): string[] => seen.slice(from).map((s) => `${s.method} ${s.path}`);
