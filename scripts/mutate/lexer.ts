// A TypeScript tokenizer just good enough to find the operators, literals and `if` conditions the
// mutation runner changes: it knows comments, strings, template literals (with nested `${…}`),
// regular expression literals and multi-character punctuators, so none of them is mutated by
// accident. It does not know types: a mutant that only touches a type is recognised later, because
// the transpiled JavaScript does not change (see equivalence.ts).

export type TokenKind = 'name' | 'number' | 'string' | 'template' | 'regex' | 'punct';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offsets into the source: text === source.slice(start, end). */
  start: number;
  end: number;
  /** 1-based line of `start`. */
  line: number;
  /** For 'template' tokens: true when the token is a whole template without `${…}`. */
  plainTemplate?: boolean;
  /** For '!': true when it is TypeScript's non-null assertion (`total!`), which ends an operand. */
  postfix?: boolean;
}

// Longest first, so `!==` wins over `!=` and `!`.
const PUNCTUATORS = [
  '>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=',
  '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=',
  '&=', '|=', '^=', '**', '<<', '>>',
  '{', '}', '(', ')', '[', ']', ';', ',', '<', '>', '+', '-', '*', '/', '%', '&', '|', '^', '!', '~',
  '?', ':', '=', '.', '@', '#',
];

/** Keywords after which a `/` starts a regular expression rather than a division. */
const BEFORE_EXPRESSION = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await',
]);

/** True when the token ends an operand, so a following `/`, `+`, `-` or `!` is binary or postfix. */
export function endsOperand(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.kind === 'punct') return t.text === ')' || t.text === ']' || t.text === '}' || t.postfix === true;
  if (t.kind === 'name') return !BEFORE_EXPRESSION.has(t.text);
  return true;
}

const isNameChar = (c: string): boolean => /[\p{ID_Continue}$\u200c\u200d]/u.test(c);
const isNameStart = (c: string): boolean => /[\p{ID_Start}$_]/u.test(c);

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  // For each open `{`: true when it is the `${` of a template, whose `}` resumes the template.
  const braces: boolean[] = [];
  let i = 0;
  let line = 1;
  const lineAt = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (source[k] === '\n') line++;
  };
  const push = (kind: TokenKind, start: number, end: number, extra: Partial<Token> = {}): void => {
    tokens.push({ kind, text: source.slice(start, end), start, end, line, ...extra });
    lineAt(start, end);
  };
  // Scans template characters from `from` (just after '`' or '}') to the closing '`' or a '${'.
  const templatePart = (from: number): { end: number; closed: boolean } => {
    let k = from;
    while (k < source.length) {
      const c = source[k];
      if (c === '\\') { k += 2; continue; }
      if (c === '`') return { end: k + 1, closed: true };
      if (c === '$' && source[k + 1] === '{') return { end: k + 2, closed: false };
      k++;
    }
    throw new SyntaxError(`unterminated template literal at line ${line}`);
  };

  while (i < source.length) {
    const c = source[i] ?? '';
    const next = source[i + 1];
    if (c === '\n') { line++; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new SyntaxError(`unterminated comment at line ${line}`);
      lineAt(i, end + 2);
      i = end + 2;
      continue;
    }
    if (c === '\'' || c === '"') {
      let k = i + 1;
      while (k < source.length && source[k] !== c) k += source[k] === '\\' ? 2 : 1;
      push('string', i, k + 1);
      i = k + 1;
      continue;
    }
    if (c === '`') {
      const part = templatePart(i + 1);
      push('template', i, part.end, { plainTemplate: part.closed });
      if (!part.closed) braces.push(true);
      i = part.end;
      continue;
    }
    if (c === '}' && braces.length > 0 && braces[braces.length - 1]) {
      braces.pop();
      const part = templatePart(i + 1);
      push('template', i, part.end);
      if (!part.closed) braces.push(true);
      i = part.end;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(next ?? ''))) {
      let k = i + 1;
      while (k < source.length && /[0-9a-zA-Z_.]/.test(source[k] ?? '')) {
        // An exponent sign belongs to the number: 1e-3.
        if (/[eE]/.test(source[k] ?? '') && /[+-]/.test(source[k + 1] ?? '') && !/^0[xX]/.test(source.slice(i, k))) k++;
        k++;
      }
      push('number', i, k);
      i = k;
      continue;
    }
    if (isNameStart(c) || c === '\\') {
      let k = i + 1;
      while (k < source.length && isNameChar(source[k] ?? '')) k++;
      push('name', i, k);
      i = k;
      continue;
    }
    if (c === '/' && !endsOperand(tokens[tokens.length - 1])) {
      let k = i + 1;
      let inClass = false;
      while (k < source.length) {
        const r = source[k];
        if (r === '\\') { k += 2; continue; }
        if (r === '\n') throw new SyntaxError(`unterminated regular expression at line ${line}`);
        if (r === '[') inClass = true;
        else if (r === ']') inClass = false;
        else if (r === '/' && !inClass) break;
        k++;
      }
      k++;
      while (k < source.length && /[a-z]/.test(source[k] ?? '')) k++;
      push('regex', i, k);
      i = k;
      continue;
    }
    const p = PUNCTUATORS.find((q) => source.startsWith(q, i));
    if (!p) throw new SyntaxError(`unexpected character ${JSON.stringify(c)} at line ${line}`);
    if (p === '{') braces.push(false);
    else if (p === '}') braces.pop();
    push('punct', i, i + p.length, p === '!' && endsOperand(tokens[tokens.length - 1]) ? { postfix: true } : {});
    i += p.length;
  }
  return tokens;
}
