/** Splits SOQL text into tokens, keeping each token's offset so errors can point at it as Salesforce does. */
import { malformedQuery } from '../errors.js';

export type TokenKind = 'identifier' | 'string' | 'number' | 'date' | 'datetime' | 'punctuation' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Identifiers and punctuation as written; strings unescaped. */
  readonly text: string;
  readonly offset: number;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*/;
const PUNCTUATION = ['!=', '<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '.', ':'];
const ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
  '%': '\\%',
  _: '\\_',
};

/** Tokens after which a sign starts a number rather than being an operator (SOQL has no arithmetic). */
const BEFORE_SIGNED_NUMBER = new Set(['=', '!=', '<>', '<', '>', '<=', '>=', '(', ',', ':']);

export function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  while (offset < soql.length) {
    const char = soql[offset]!;
    if (/\s/.test(char)) {
      offset++;
      continue;
    }
    const rest = soql.slice(offset);
    if (char === "'") {
      const { value, end } = readString(soql, offset);
      tokens.push({ kind: 'string', text: value, offset });
      offset = end;
      continue;
    }
    const datetime = DATETIME.exec(rest);
    if (datetime) {
      tokens.push({ kind: 'datetime', text: datetime[0], offset });
      offset += datetime[0].length;
      continue;
    }
    const date = DATE.exec(rest);
    if (date) {
      tokens.push({ kind: 'date', text: date[0], offset });
      offset += date[0].length;
      continue;
    }
    const previous = tokens.at(-1);
    const signAllowed =
      !/^[+-]/.test(rest) ||
      (previous?.kind === 'punctuation' && BEFORE_SIGNED_NUMBER.has(previous.text)) ||
      previous?.text.toUpperCase() === 'IN';
    const number = signAllowed ? NUMBER.exec(rest) : null;
    if (number && !(previous?.kind === 'identifier' && /^[.]/.test(rest))) {
      tokens.push({ kind: 'number', text: number[0], offset });
      offset += number[0].length;
      continue;
    }
    const identifier = IDENTIFIER.exec(rest);
    if (identifier) {
      tokens.push({ kind: 'identifier', text: identifier[0], offset });
      offset += identifier[0].length;
      continue;
    }
    const punctuation = PUNCTUATION.find((candidate) => rest.startsWith(candidate));
    if (punctuation) {
      tokens.push({ kind: 'punctuation', text: punctuation, offset });
      offset += punctuation.length;
      continue;
    }
    throw syntaxError(soql, offset, `unexpected token: '${char}'`);
  }
  tokens.push({ kind: 'end', text: '<EOF>', offset: soql.length });
  return tokens;
}

function readString(soql: string, start: number): { value: string; end: number } {
  let value = '';
  let offset = start + 1;
  while (offset < soql.length) {
    const char = soql[offset]!;
    if (char === "'") return { value, end: offset + 1 };
    if (char === '\\') {
      const next = soql[offset + 1];
      const escaped = next === undefined ? undefined : ESCAPES[next];
      if (escaped === undefined)
        throw syntaxError(
          soql,
          offset,
          `Invalid string literal '${soql.slice(start, offset + 2)}'. Illegal character sequence '\\${next ?? ''}' in string literal.`,
        );
      value += escaped;
      offset += 2;
      continue;
    }
    value += char;
    offset++;
  }
  throw syntaxError(soql, start, `unexpected token: '${soql.slice(start)}'`);
}

/** Salesforce's MALFORMED_QUERY text: the query, a caret under the problem, its row and column, then the problem. */
export function syntaxError(soql: string, offset: number, problem: string) {
  const before = soql.slice(0, offset).split('\n');
  const row = before.length;
  const column = before.at(-1)!.length + 1;
  const line = soql.split('\n')[row - 1] ?? '';
  return malformedQuery(`\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${problem}`);
}
