// The upstream cache seam (issue 8). `cachedOscar` returns an OscarClient whose reads may be
// answered from the cache; today it is the client itself.
import type { OscarClient } from '../oscar/client.js';

export function cachedOscar(oscar: OscarClient): OscarClient {
  return oscar;
}
