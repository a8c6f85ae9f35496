// A block of README.md generated from the code, between a BEGIN and an END marker comment, and the
// command line every generator shares: no argument prints the block, --write FILE replaces it,
// --check FILE exits 1 when it differs (npm test runs the checks).
import { readFileSync, writeFileSync } from 'node:fs';

export interface GeneratedBlock {
  begin: string;
  end: string;
  /** What the block is, for the message when it is out of date. */
  what: string;
  /** The npm script that regenerates it. */
  regenerate: string;
}

/** `text` with the block between the markers replaced by `docs`; undefined when the markers are missing. */
export function withGeneratedBlock(text: string, docs: string, block: Pick<GeneratedBlock, 'begin' | 'end'>): string | undefined {
  const start = text.indexOf(block.begin);
  const end = text.indexOf(block.end);
  if (start < 0 || end < start) return undefined;
  return `${text.slice(0, start + block.begin.length)}\n${docs}${text.slice(end)}`;
}

/** The exit code of a generator run with `argv`. */
export function generatedBlockMain(argv: readonly string[], docs: string, block: GeneratedBlock): number {
  const [mode, file] = argv;
  if (mode === undefined) {
    process.stdout.write(docs);
    return 0;
  }
  if ((mode !== '--check' && mode !== '--write') || !file) {
    process.stderr.write('usage: [--check FILE | --write FILE]\n');
    return 2;
  }
  const text = readFileSync(file, 'utf8');
  const updated = withGeneratedBlock(text, docs, block);
  if (updated === undefined) {
    process.stderr.write(`${file} has no generated block (the lines ${block.begin} and ${block.end})\n`);
    return 2;
  }
  if (mode === '--write') {
    if (updated !== text) writeFileSync(file, updated);
    return 0;
  }
  if (updated !== text) {
    process.stderr.write(`${file}: ${block.what} differs from the code; run ${block.regenerate}\n`);
    return 1;
  }
  return 0;
}
