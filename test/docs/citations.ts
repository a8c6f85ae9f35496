// Finds the citations of the repository's own docs in a text and checks each against docs/.
// The convention is written in docs/README.md: `contract 7.8` is docs/oscar-contract.md §7.8,
// `samples §2a`, `mapping §3.2`, `smart §7.3`… name a section of the doc that short name stands
// for, `design principle 5` a principle of docs/design.md, and `docs/<file>.md` (optionally
// followed by `§N`) a file of docs/. Anything that claims to be a citation and does not resolve is
// reported, so a reader can always follow a comment to the reason it gives.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
const DOCS = join(REPO, 'docs');

/** Short names used in comments → the file under docs/ they stand for. */
export const SHORT_NAMES: Readonly<Record<string, string>> = {
  contract: 'oscar-contract.md',
  samples: 'oscar-samples.md',
  mapping: 'mapping.md',
  design: 'design.md',
  smart: 'smart-app-launch.md',
  variants: 'oscar-variants.md',
  scheduling: 'scheduling.md',
  'bulk-data': 'bulk-data.md',
};

export interface Finding { file: string; line: number; message: string }

/** Section ids of a Markdown text: the first word of each heading, without its "." or "( )". */
export function headingIds(markdown: string): Set<string> {
  const ids = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const m = /^#{1,6}\s+(.+?)\s*$/.exec(line);
    if (!m) continue;
    const text = m[1]!;
    const first = text.split(/\s+/)[0]!.replace(/^\(/, '').replace(/[.:)]+$/, '');
    ids.add(first);
    const principle = /^Principle (\d+)\b/.exec(text);
    if (principle) ids.add(`principle ${principle[1]}`);
  }
  return ids;
}

/** The docs a check reads: file name (relative to docs/) → its heading ids; absent when missing. */
export type DocIndex = (name: string) => Set<string> | undefined;

export function docsIndex(docsDir = DOCS): DocIndex {
  const cache = new Map<string, Set<string> | undefined>();
  return (name) => {
    if (!cache.has(name)) {
      const path = join(docsDir, name);
      cache.set(name, existsSync(path) && statSync(path).isFile() ? headingIds(readFileSync(path, 'utf8')) : undefined);
    }
    return cache.get(name);
  };
}

// One id: 7.8, 2a, 10d, b.6, A. Letters only where a doc numbers that way (never for contract).
const ID = String.raw`(?:\d+(?:\.\d+)*[a-z]?|[A-Za-z](?:\.\d+)?)`;
const NUMERIC_ID = String.raw`\d+(?:\.\d+)*`;

/** The ids of a cited list starting at `text[at]`: "7.8", "3.1, 3.6, 7.23–7.25", "§1–§3 and §10". */
function idList(text: string, at: number, numericOnly: boolean, sectionSignOptional: boolean): string[] {
  const id = numericOnly ? NUMERIC_ID : ID;
  const sign = sectionSignOptional ? '§?' : '§';
  const first = new RegExp(`^§?\\s*(${id})(?![\\w.]*\\w)`).exec(text.slice(at));
  if (!first) return [];
  const ids = [first[1]!];
  let rest = text.slice(at + first[0].length);
  const next = new RegExp(`^\\s*(,|/|–|-|and|&)\\s*${sign}\\s*(${id})(?![\\w.]*\\w)`);
  for (let m = next.exec(rest); m; m = next.exec(rest)) {
    const [sep, to] = [m[1]!, m[2]!];
    ids.push(...(sep === '–' || sep === '-' ? rangeAfter(ids[ids.length - 1]!, to) : [to]));
    rest = rest.slice(m[0].length);
  }
  return ids;
}

/** "7.23"–"7.25" → 7.24, 7.25; "1"–"3" → 2, 3; anything else → just the end. */
function rangeAfter(from: string, to: string): string[] {
  const a = /^(.*?)(\d+)$/.exec(from);
  const b = /^(.*?)(\d+)$/.exec(to);
  if (!a || !b || a[1] !== b[1] || Number(b[2]) <= Number(a[2]) || Number(b[2]) - Number(a[2]) > 50) return [to];
  const out: string[] = [];
  for (let n = Number(a[2]) + 1; n <= Number(b[2]); n++) out.push(`${a[1]}${n}`);
  return out;
}

/**
 * The text with comment continuation markers (a line's leading `//` or `*`) blanked out, so a
 * citation wrapped over two comment lines reads as one. Same length: indexes and lines still match.
 */
function unwrapComments(text: string): string {
  return text.replace(/(\n[ \t]*)(\/\/|\*(?!\/))/g, (_, lead: string, mark: string) => lead + ' '.repeat(mark.length));
}

const lineOf = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/**
 * Unresolved citations in one text. `file` is its path relative to the repository (it anchors
 * relative Markdown links); `docs` answers which docs exist and which headings they have.
 */
export function checkCitations(file: string, source: string, docs: DocIndex): Finding[] {
  const text = unwrapComments(source);
  const findings: Finding[] = [];
  const report = (index: number, message: string): void => { findings.push({ file, line: lineOf(text, index), message }); };
  const checkIds = (index: number, doc: string, ids: string[], cited: string): void => {
    const headings = docs(doc);
    if (!headings) { report(index, `${cited}: docs/${doc} does not exist`); return; }
    for (const id of ids) if (!headings.has(id)) report(index, `${cited}: docs/${doc} has no section ${id}`);
  };

  // contract 7.8 | contracts 4.5 and 4.6 | contract section 5 | contract §1.3
  for (const m of text.matchAll(/\bcontracts?(?:\s+sections?)?\s+(?=§?\s*\d)/gi)) {
    const ids = idList(text, m.index + m[0].length, true, true);
    checkIds(m.index, SHORT_NAMES.contract!, ids, `contract ${ids.join(', ')}`);
  }
  // samples §2a | mapping §3.2, §8 | smart §7.3 | bulk-data §b.6
  const shortNames = Object.keys(SHORT_NAMES).filter((n) => n !== 'contract').map((n) => n.replace('-', '\\-'));
  for (const m of text.matchAll(new RegExp(`(?<![\\w/.-])(${shortNames.join('|')})\\s+(?=§)`, 'g'))) {
    const ids = idList(text, m.index + m[0].length, false, false);
    if (ids.length === 0) { report(m.index, `${m[1]} § without a section id`); continue; }
    checkIds(m.index, SHORT_NAMES[m[1]!]!, ids, `${m[1]} §${ids.join(', §')}`);
  }
  // samples 4 (without §) reads like a citation but is not one the check can follow
  for (const m of text.matchAll(new RegExp(`(?<![\\w/.-])(${shortNames.join('|')})\\s+(\\d+(?:\\.\\d+)*[a-z]?)\\b`, 'g'))) {
    report(m.index, `${m[0]}: write ${m[1]} §${m[2]}`);
  }
  // design principle 5 | design principles 1 and 4
  for (const m of text.matchAll(/\bdesign(?:\.md)?\s+principles?\s+(\d+(?:\s*(?:,|and|&)\s*\d+)*)/gi)) {
    const ids = m[1]!.split(/\s*(?:,|and|&)\s*/).map((n) => `principle ${n}`);
    checkIds(m.index, SHORT_NAMES.design!, ids, m[0]);
  }
  // docs/oscar-contract.md, optionally followed by § ids (inside docs/, such paths name other
  // projects' files; the docs cite each other by short form or relative link)
  for (const m of file.startsWith('docs/') ? [] : text.matchAll(/(?<![\w/.-])docs\/([\w./-]+?\.md)\b(\s*§)?/g)) {
    const doc = m[1]!;
    if (!docs(doc)) { report(m.index, `docs/${doc} does not exist`); continue; }
    if (m[2]) checkIds(m.index, doc, idList(text, m.index + m[0].length, false, false), m[0]);
  }
  // Markdown links to other Markdown files, relative to the file that holds them
  for (const m of text.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+\.md)(#[^)]*)?\)/g)) {
    const target = relative(DOCS, resolve(REPO, dirname(file), m[1]!));
    if (target.startsWith('..')) {
      if (!existsSync(resolve(REPO, dirname(file), m[1]!))) report(m.index, `link to ${m[1]} that does not exist`);
    } else if (!docs(target)) report(m.index, `link to docs/${target} that does not exist`);
  }
  // Study files that are not in the repository, cited by their bare name or an outside path
  const study = /(?<![\w/.-])((?:[\w.]+\/)*)(contract|samples|mapping|design|canadian-profiles|variants|scheduling|stack|bulk-data|smart-app-launch)\.md\b|\/work\/shared\b|\bcanadian-profiles\b/g;
  for (const m of text.matchAll(study)) {
    if (m[1] === 'docs/') continue; // checked above
    if (m[1] === '' && file.startsWith('docs/') && docs(`${m[2]}.md`)) continue; // a sibling doc named by file name
    report(m.index, `${m[0]}: not a file of this repository; cite docs/ (see docs/README.md)`);
  }
  return findings;
}

/** Process words that say when or by whom something was asked for instead of why ("issue 8", "wave 2", "the review's"). */
export function checkProcessWords(file: string, text: string): Finding[] {
  return [...text.matchAll(/\b(?:issue|wave)s?\s*#?\d+\b|\bthe review(?:'s|\\'s)?\b|\b(?:security|quality) review\b/gi)].map((m) => ({
    file, line: lineOf(text, m.index), message: `"${m[0]}": say the reason, not the work item`,
  }));
}

/**
 * Repository paths named in a text that describes this repository (`src/oscar/client.ts`, in
 * backticks) that do not exist. Paths of other projects are left alone: Open-O's `src/main/…`,
 * and anything with a Java-side extension.
 */
export function checkRepoPaths(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  for (const m of text.matchAll(/`((?:src|test|scripts|bench|profiles|capability|bin|docs)\/[\w./-]*)`/g)) {
    const path = m[1]!;
    if (path.startsWith('src/main/') || /\.(php|java|xml|jsp|properties|sql)$/.test(path)) continue;
    if (!existsSync(join(REPO, path))) findings.push({ file, line: lineOf(text, m.index), message: `${path} does not exist` });
  }
  return findings;
}

/** Every file a check reads: the given roots (directories are walked), relative to the repository. */
export function repoFiles(roots: string[], extensions = /\.(ts|mts|cts|js|mjs|cjs|md)$/): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const abs = join(REPO, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) if (name !== 'node_modules' && name !== 'generated') walk(join(rel, name));
    } else if (extensions.test(rel)) out.push(rel);
  };
  for (const r of roots) walk(r);
  return out;
}
