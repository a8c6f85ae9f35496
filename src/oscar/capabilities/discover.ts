// One round of capability discovery (variants §7.2): the SOAP half, then the REST half (Juno's
// REST probes need what SOAP said: its namespace and the provider login2 acts as), the server zone
// against the clinic's, and the variant guess. Counts its OSCAR calls and time (README
// "Operations" gives the figures).
import { offsetMinutesAt } from '../../time/zone.js';
import type { CapabilityMap } from './map.js';
import type { ProbeChannel } from './probe-channel.js';
import { probeRest } from './rest-probes.js';
import { probeSoap } from './soap-probes.js';
import { guessVariant, JUNO_SOAP_NAMESPACE } from './variant-guess.js';

export interface DiscoveryInput {
  channel: ProbeChannel;
  /** LoginService.login2 credentials (never stored in the map). */
  soapCredentials: { userName: string; password: string };
  /** OSCAR_TIMEZONE: the zone the clinic's wall-clock times mean. */
  clinicZone: string;
  now?: () => number;
}

export interface Discovery {
  map: CapabilityMap;
  /** OSCAR calls the round made. */
  calls: number;
  /** Wall time of the round. */
  ms: number;
}

/** Counts the exchanges that go through a channel. */
function counted(channel: ProbeChannel): { channel: ProbeChannel; calls: () => number } {
  let n = 0;
  const tick = <T>(p: () => T): T => { n++; return p(); };
  return {
    calls: () => n,
    channel: {
      baseUrl: channel.baseUrl,
      get: (path, op) => tick(() => channel.get(path, op)),
      soap: (service, op, args, ns, security) => tick(() => channel.soap(service, op, args, ns, security)),
      rest: (method, path, body) => tick(() => channel.rest(method, path, body)),
    },
  };
}

export async function discover(input: DiscoveryInput): Promise<Discovery> {
  const now = input.now ?? Date.now;
  const started = performance.now();
  const { channel, calls } = counted(input.channel);
  const soap = await probeSoap(channel, input.soapCredentials);
  const rest = await probeRest(channel, {
    juno: soap.soap.namespace === undefined ? undefined : soap.soap.namespace === JUNO_SOAP_NAMESPACE,
    ...(soap.providerNo && { providerNo: soap.providerNo }),
  });
  const at = now();
  const offset = soap.serverOffsetMinutes;
  const map: CapabilityMap = {
    probedAt: new Date(at).toISOString(),
    source: 'probe',
    variant: guessVariant(soap.soap, rest),
    soap: soap.soap,
    rest,
    time: {
      clinicZone: input.clinicZone,
      ...(offset !== undefined && { serverOffsetMinutes: offset }),
      // B10: the JVM renders times in its own zone; B19: without the call, configuration decides.
      mismatch: offset !== undefined && offset !== offsetMinutesAt(at, input.clinicZone),
    },
  };
  return { map, calls: calls(), ms: Math.round(performance.now() - started) };
}

