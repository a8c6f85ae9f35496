// Whether OSCAR is close enough that compressing its answers costs more than it saves (contract
// 4.1: CXF gzips every SOAP answer when asked). On the same host or a private network the bytes
// cross in microseconds and gzip costs CPU on both sides; across a WAN the bytes cost more.
import { isIP } from 'node:net';

const PRIVATE_V4 = [/^127\./, /^10\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^169\.254\./];

/** A loopback name, or an IP literal of a loopback, private (RFC 1918, RFC 4193) or link-local address. */
export function isNearHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const v = isIP(host);
  if (v === 4) return PRIVATE_V4.some((r) => r.test(host));
  if (v === 6) {
    // An IPv4-mapped address, as written or as the URL parser prints it (::ffff:c0a8:1).
    const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1];
    if (dotted) return isNearHost(dotted);
    const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
    if (hex) {
      const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
      return isNearHost(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    return host === '::1' || /^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host);
  }
  return false;
}
