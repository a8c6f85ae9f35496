// The WSDL fingerprint (variants §7.2 step 2): a hash of the target namespace and the sorted
// `Service:operation` list. Equal fingerprints mean the same SOAP surface; a change means OSCAR was
// upgraded or replaced, which the holder reports once.
import { createHash } from 'node:crypto';

export function soapFingerprint(namespace: string, operations: Readonly<Record<string, readonly string[]>>): string {
  const lines = Object.entries(operations).flatMap(([service, ops]) => ops.map((op) => `${service}:${op}`)).sort();
  return createHash('sha256').update([namespace, ...lines].join('\n')).digest('hex').slice(0, 16);
}
