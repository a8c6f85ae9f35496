// Which source lines a test file executes, from the V8 coverage Node writes when NODE_V8_COVERAGE
// is set. tsx hands Node the transpiled code with a source map, and Node copies that map into the
// coverage file ('source-map-cache'), so block ranges of the transpiled code are mapped back to
// lines of the .ts source here. A mutant is then run only against the test files that execute its
// line; a mutant no test executes is reported as not covered without running anything.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Range { startOffset: number; endOffset: number; count: number }
interface ScriptCoverage { url: string; functions: { ranges: Range[] }[] }
interface CoverageFile {
  result: ScriptCoverage[];
  'source-map-cache'?: Record<string, { lineLengths: number[]; data: { mappings: string; sources: string[] } | null }>;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Source map v3 'mappings' → [generatedLine, generatedColumn, originalLine] (all 0-based). */
function decodeMappings(mappings: string): [number, number, number][] {
  const out: [number, number, number][] = [];
  let originalLine = 0;
  mappings.split(';').forEach((lineText, generatedLine) => {
    let column = 0;
    for (const segment of lineText.split(',')) {
      if (!segment) continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of segment) {
        const digit = BASE64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) { shift += 5; continue; }
        values.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
      column += values[0] ?? 0;
      if (values.length >= 4) {
        originalLine += values[2]!;
        out.push([generatedLine, column, originalLine]);
      }
    }
  });
  return out;
}

/** Execution count at an offset: that of the narrowest range containing it (V8 nests block ranges). */
function countAt(ranges: Range[], offset: number): number {
  let best: Range | undefined;
  for (const r of ranges) {
    if (offset < r.startOffset || offset >= r.endOffset) continue;
    if (!best || r.endOffset - r.startOffset <= best.endOffset - best.startOffset) best = r;
  }
  return best?.count ?? 0;
}

/** Lines (1-based) executed per source file under `root`, read from one NODE_V8_COVERAGE folder. */
export function executedLines(coverageDir: string, root: string): Map<string, Set<number>> {
  const lines = new Map<string, Set<number>>();
  for (const name of readdirSync(coverageDir)) {
    if (!name.endsWith('.json')) continue;
    const data = JSON.parse(readFileSync(join(coverageDir, name), 'utf8')) as CoverageFile;
    for (const script of data.result) {
      if (!script.url.startsWith('file://')) continue;
      const file = relative(root, fileURLToPath(script.url));
      if (file.startsWith('..') || file.includes('node_modules')) continue;
      const map = data['source-map-cache']?.[script.url];
      if (!map?.data) continue;
      const lineStart = [0];
      for (const len of map.lineLengths) lineStart.push(lineStart[lineStart.length - 1]! + len + 1);
      const ranges = script.functions.flatMap((f) => f.ranges);
      const seen = lines.get(file) ?? new Set<number>();
      for (const [gLine, gColumn, oLine] of decodeMappings(map.data.mappings)) {
        if (countAt(ranges, lineStart[gLine]! + gColumn) > 0) seen.add(oLine + 1);
      }
      lines.set(file, seen);
    }
  }
  return lines;
}
