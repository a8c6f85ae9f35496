// The last good capability map on disk (CAPABILITY_CACHE_FILE), so a restart while OSCAR is down
// or slow serves what was known instead of assuming everything. Keyed to the OSCAR base URL: a map
// of another OSCAR is never used. The map holds no secrets (operation names, paths, zones).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CapabilityMap } from './map.js';

interface CacheFileContent {
  /** The OSCAR base URL the map describes. */
  oscarUrl: string;
  map: CapabilityMap;
}

export type CacheRead =
  | { map: CapabilityMap }
  | { none: 'absent' | 'other-oscar' | 'unreadable' };

function looksLikeMap(m: unknown): m is CapabilityMap {
  const x = m as Partial<CapabilityMap> | null;
  return typeof x === 'object' && x !== null && typeof x.probedAt === 'string'
    && typeof x.soap?.reach === 'string' && typeof x.soap.operations === 'object' && x.soap.operations !== null
    && typeof x.rest?.reach === 'string' && typeof x.rest.dialect === 'string'
    && typeof x.time?.clinicZone === 'string';
}

export function readCapabilityCache(path: string, oscarUrl: string): CacheRead {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    return { none: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'unreadable' };
  }
  let content: Partial<CacheFileContent>;
  try { content = JSON.parse(text) as Partial<CacheFileContent>; } catch { return { none: 'unreadable' }; }
  if (content.oscarUrl !== oscarUrl) return { none: 'other-oscar' };
  if (!looksLikeMap(content.map)) return { none: 'unreadable' };
  return { map: { ...content.map, source: 'cache' } };
}

/** Writes the map atomically (a crash mid-write leaves the previous file). */
export function writeCapabilityCache(path: string, oscarUrl: string, map: CapabilityMap): void {
  mkdirSync(dirname(path), { recursive: true });
  const content: CacheFileContent = { oscarUrl, map };
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}
