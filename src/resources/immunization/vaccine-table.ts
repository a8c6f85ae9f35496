// The OSCAR prevention type → vaccine code table (mapping §5.3), shipped as
// vaccine-codes.csv beside this file and parsed once at module load. (A build that emits to
// dist/ must copy the .csv next to the compiled module.)

import { readFileSync } from 'node:fs';

export interface VaccineRow {
  preventionType: string;
  /** NVC generic SNOMED CT CA concept (falls back to the "unspecified" concept). */
  generic?: { code: string; display: string };
  cvx?: string;
}

/** Splits CSV text into rows of fields (RFC 4180 quoting: "a, b" and "" for a quote). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

/** "code=[X] NAME code=[Y] NAME2" → [code, display] pairs. */
function tradenamePairs(cell: string): [string, string][] {
  return [...cell.matchAll(/(\d{6,})=(.*?)(?=\s+\d{6,}=|$)/g)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()]);
}

function load(): { byType: Map<string, VaccineRow>; tradenames: Map<string, { display: string; row: VaccineRow }> } {
  const [header, ...rows] = parseCsv(readFileSync(new URL('./vaccine-codes.csv', import.meta.url), 'utf8'));
  if (!header) throw new Error('vaccine-codes.csv is empty');
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`vaccine-codes.csv lacks column ${name}`);
    return i;
  };
  const c = {
    type: col('oscar_prevention_type'), gen: col('nvc_generic_sctid'), genDisp: col('nvc_generic_display_en'),
    uns: col('nvc_unspecified_sctid'), unsDisp: col('nvc_unspecified_display_en'), trade: col('nvc_tradename_sctids'), cvx: col('cvx'),
  };
  const byType = new Map<string, VaccineRow>();
  const tradenames = new Map<string, { display: string; row: VaccineRow }>();
  for (const r of rows) {
    const get = (i: number): string => (r[i] ?? '').trim();
    const code = get(c.gen) || get(c.uns);
    const display = get(c.gen) ? get(c.genDisp) : get(c.unsDisp);
    const row: VaccineRow = { preventionType: get(c.type), generic: code ? { code, display } : undefined, cvx: get(c.cvx) || undefined };
    if (!row.preventionType || byType.has(row.preventionType)) continue;
    byType.set(row.preventionType, row);
    for (const [t, d] of tradenamePairs(get(c.trade))) if (!tradenames.has(t)) tradenames.set(t, { display: d, row });
  }
  return { byType, tradenames };
}

const table = load();

/** Vaccine row for an OSCAR prevention type (exact name). */
export const VACCINES_BY_TYPE: ReadonlyMap<string, VaccineRow> = table.byType;
/** Tradename SNOMED code → its display and the row of its generic vaccine. */
export const TRADENAMES: ReadonlyMap<string, { display: string; row: VaccineRow }> = table.tradenames;
