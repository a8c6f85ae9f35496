// Accept-Encoding for the export's files (bulk-data §a G: servers SHOULD compress NDJSON on
// request): whether the client takes gzip, read by hand with its q-values (RFC 9110 §12.5.3).
// An explicit `gzip;q=0` refuses it even when `*` would allow it.

/** True when the header accepts gzip (or x-gzip) with a q-value above zero. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let star: boolean | undefined;
  for (const part of header.slice(0, 1024).split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const allowed = q === undefined || Number(q.slice(2)) > 0;
    if (name === 'gzip' || name === 'x-gzip') return allowed;
    if (name === '*') star = allowed;
  }
  return star === true;
}
