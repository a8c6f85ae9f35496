// The mutants of one source file, generated from its tokens (lexer.ts). Each operator is a fault a
// test suite should notice: a comparison off by one, a condition inverted, a guard that never fires,
// a literal that lost its value, arithmetic with the wrong sign. Mutants that do not change the
// running program (a `<` in a type, a string in a type alias) are dropped later (equivalence.ts).
import { endsOperand, tokenize, type Token } from './lexer.js';

export type Operator =
  | 'boundary' | 'equality' | 'logical' | 'boolean' | 'negate-condition' | 'remove-not' | 'remove-guard'
  | 'empty-string' | 'arithmetic' | 'method';

export interface Mutant {
  /** Stable across runs while the line does not change: file:line:column:operator. */
  id: string;
  file: string;
  line: number;
  column: number;
  operator: Operator;
  /** Offsets of the replaced text in the original source. */
  start: number;
  end: number;
  replacement: string;
  /** Human-readable 'old → new'. */
  description: string;
}

const SWAPS = new Map<string, Partial<Record<Operator, string>>>(Object.entries({
  '<': { boundary: '<=' }, '<=': { boundary: '<' }, '>': { boundary: '>=' }, '>=': { boundary: '>' },
  '===': { equality: '!==' }, '!==': { equality: '===' }, '==': { equality: '!=' }, '!=': { equality: '==' },
  '&&': { logical: '||' }, '||': { logical: '&&' }, '??': { logical: '&&' },
  '+': { arithmetic: '-' }, '-': { arithmetic: '+' }, '*': { arithmetic: '/' }, '/': { arithmetic: '*' }, '%': { arithmetic: '*' },
  '+=': { arithmetic: '-=' }, '-=': { arithmetic: '+=' },
}));

/** Methods whose twin does something plausible but different. */
const METHOD_TWINS = new Map(Object.entries({
  floor: 'ceil', ceil: 'floor', min: 'max', max: 'min', some: 'every', every: 'some',
  startsWith: 'endsWith', endsWith: 'startsWith', toUpperCase: 'toLowerCase', toLowerCase: 'toUpperCase',
  trimStart: 'trimEnd', trimEnd: 'trimStart', padStart: 'padEnd', padEnd: 'padStart',
}));

/** Statements after which a `*` is not multiplication (`import * as`, `function*`, `yield*`). */
const STAR_NOT_ARITHMETIC = new Set(['import', 'export', 'function', 'yield']);

/** Tokens before a string that names a module rather than holding data. */
const MODULE_SPECIFIER_BEFORE = new Set(['from', 'import', 'require']);

/** Index of the token that closes the bracket opened at `open`, or -1. */
function matching(tokens: Token[], open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const close = pairs[tokens[open]?.text ?? ''];
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'punct') continue;
    if (t.text === tokens[open]!.text) depth++;
    else if (t.text === close && --depth === 0) return k;
  }
  return -1;
}

const EXITS = new Set(['return', 'throw', 'continue', 'break']);

export function mutantsOf(file: string, source: string): Mutant[] {
  const tokens = tokenize(source);
  const lineStarts = [0];
  for (let k = 0; k < source.length; k++) if (source[k] === '\n') lineStarts.push(k + 1);
  const out: Mutant[] = [];
  const add = (operator: Operator, start: number, end: number, replacement: string, line: number): void => {
    const column = start - lineStarts[line - 1]! + 1;
    const before = source.slice(start, end);
    const shorten = (s: string): string => (s.length > 60 ? `${s.slice(0, 57)}...` : s).replace(/\s+/g, ' ');
    out.push({
      id: `${file}:${line}:${column}:${operator}`, file, line, column, operator, start, end, replacement,
      description: `${shorten(before)} → ${shorten(replacement) || '(removed)'}`,
    });
  };

  tokens.forEach((t, k) => {
    const prev = tokens[k - 1];
    const next = tokens[k + 1];
    if (t.kind === 'punct') {
      const swaps = SWAPS.get(t.text);
      const binary = endsOperand(prev) && !(t.text === '*' && STAR_NOT_ARITHMETIC.has(prev?.text ?? ''));
      if (swaps && binary) {
        for (const [op, to] of Object.entries(swaps)) add(op as Operator, t.start, t.end, to, t.line);
      }
      if (t.text === '!' && !endsOperand(prev)) add('remove-not', t.start, t.end, '', t.line);
      return;
    }
    if (t.kind === 'name') {
      if (prev?.text === '.') {
        const twin = METHOD_TWINS.get(t.text);
        if (twin && next?.text === '(') add('method', t.start, t.end, twin, t.line);
        return;
      }
      if (t.text === 'true' || t.text === 'false') add('boolean', t.start, t.end, t.text === 'true' ? 'false' : 'true', t.line);
      if ((t.text === 'if' || t.text === 'while') && next?.text === '(') {
        const close = matching(tokens, k + 1);
        if (close < 0) return;
        const open = next;
        const condition = source.slice(open.start + 1, tokens[close]!.start);
        add('negate-condition', open.start, tokens[close]!.end, `(!(${condition}))`, open.line);
        const body = tokens[close + 1];
        const first = body?.text === '{' ? tokens[close + 2] : body;
        if (t.text === 'if' && first && EXITS.has(first.text)) add('remove-guard', open.start, tokens[close]!.end, '(false)', open.line);
      }
      return;
    }
    if (t.kind === 'string' || (t.kind === 'template' && t.plainTemplate)) {
      if (t.text.length <= 2) return;
      if (MODULE_SPECIFIER_BEFORE.has(prev?.text ?? '')) return;
      if (prev?.text === '(' && MODULE_SPECIFIER_BEFORE.has(tokens[k - 2]?.text ?? '')) return;
      if (t.text === '\'use strict\'' || t.text === '"use strict"') return;
      const quote = t.text[0]!;
      add('empty-string', t.start, t.end, `${quote}${quote}`, t.line);
    }
  });
  return out;
}

/** The source with the mutant applied. */
export function applyMutant(source: string, m: Mutant): string {
  return source.slice(0, m.start) + m.replacement + source.slice(m.end);
}
