/**
 * Parses the SOQL subset the connector and its tests use: field lists with one-level relationship paths and
 * COUNT(), FROM, WHERE (comparisons, IN / NOT IN, LIKE, INCLUDES / EXCLUDES, null checks, AND / OR / NOT with
 * parentheses), ORDER BY (ASC / DESC, NULLS FIRST / LAST), LIMIT and OFFSET. Anything else is a MALFORMED_QUERY
 * naming what was not understood.
 */
import { parseDate, parseDateTime } from '../org/datetime.js';
import type {
  ComparisonOperator,
  Condition,
  FieldPath,
  Literal,
  OrderItem,
  SecurityMode,
  SelectItem,
  SoqlQuery,
} from './ast.js';
import { syntaxError, tokenize, type Token } from './lexer.js';

const DATE_LITERALS = new Set([
  'TODAY',
  'YESTERDAY',
  'TOMORROW',
  'THIS_WEEK',
  'LAST_WEEK',
  'NEXT_WEEK',
  'THIS_MONTH',
  'LAST_MONTH',
  'NEXT_MONTH',
  'THIS_YEAR',
  'LAST_YEAR',
  'NEXT_YEAR',
]);
const DATE_LITERALS_WITH_N = new Set(['LAST_N_DAYS', 'NEXT_N_DAYS', 'N_DAYS_AGO', 'LAST_N_MONTHS', 'NEXT_N_MONTHS']);

/** Words that end a field list or condition; a field may not be named after them. */
const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'ORDER',
  'BY',
  'LIMIT',
  'OFFSET',
  'NULL',
  'TRUE',
  'FALSE',
  'WITH',
  'GROUP',
  'HAVING',
  'FOR',
  'INCLUDES',
  'EXCLUDES',
  'ASC',
  'DESC',
  'NULLS',
]);

export function parseSoql(soql: string): SoqlQuery {
  return new Parser(soql).query();
}

class Parser {
  private readonly tokens: Token[];
  private position = 0;

  constructor(private readonly soql: string) {
    this.tokens = tokenize(soql);
  }

  query(): SoqlQuery {
    this.expectKeyword('SELECT');
    const select = this.selectList();
    this.expectKeyword('FROM');
    const from = this.identifier('an object name');
    let where: Condition | undefined;
    if (this.acceptKeyword('WHERE')) where = this.condition();
    let security: SecurityMode | undefined;
    if (this.acceptKeyword('WITH')) {
      const written = this.identifier('SECURITY_ENFORCED, USER_MODE or SYSTEM_MODE');
      const mode = written.toUpperCase();
      if (mode !== 'SECURITY_ENFORCED' && mode !== 'USER_MODE' && mode !== 'SYSTEM_MODE')
        this.fail(this.previous(), `unexpected token: ${written}`);
      security = mode;
    }
    if (this.peekKeyword('GROUP')) this.fail(this.peek(), 'GROUP BY is not supported by the sandbox org');
    const orderBy: OrderItem[] = [];
    if (this.acceptKeyword('ORDER')) {
      this.expectKeyword('BY');
      do orderBy.push(this.orderItem());
      while (this.acceptPunctuation(','));
    }
    const limit = this.acceptKeyword('LIMIT') ? this.integer() : undefined;
    const offset = this.acceptKeyword('OFFSET') ? this.integer() : undefined;
    if (this.acceptKeyword('FOR')) {
      const what = this.identifier('VIEW, REFERENCE or UPDATE');
      if (!['VIEW', 'REFERENCE', 'UPDATE'].includes(what.toUpperCase()))
        this.fail(this.previous(), `unexpected token: ${what}`);
    }
    if (this.peek().kind !== 'end') this.fail(this.peek(), `unexpected token: ${this.peek().text}`);
    return {
      select,
      from,
      ...(where ? { where } : {}),
      ...(security ? { security } : {}),
      orderBy,
      ...(limit === undefined ? {} : { limit }),
      ...(offset === undefined ? {} : { offset }),
    };
  }

  private selectList(): SelectItem[] {
    const items: SelectItem[] = [];
    do {
      if (this.peekKeyword('COUNT') && this.peek(1).text === '(') {
        this.position++;
        this.expectPunctuation('(');
        if (this.peek().kind === 'identifier')
          this.fail(
            this.peek(),
            'COUNT(field) and other aggregate functions are not supported by the sandbox org; use COUNT()',
          );
        this.expectPunctuation(')');
        items.push({ kind: 'count' });
      } else if (this.peek().text === '(') {
        this.fail(this.peek(), 'relationship subqueries are not supported by the sandbox org');
      } else {
        items.push({ kind: 'field', path: this.fieldPath() });
      }
    } while (this.acceptPunctuation(','));
    if (items.some((item) => item.kind === 'count') && items.length > 1) {
      this.fail(this.peek(), 'COUNT() must be the only element in the SELECT list');
    }
    return items;
  }

  private fieldPath(): FieldPath {
    const start = this.peek();
    const parts = [this.identifier('a field name')];
    while (this.acceptPunctuation('.')) parts.push(this.identifier('a field name'));
    if (RESERVED.has(parts[0]!.toUpperCase()) && parts.length === 1) this.fail(start, `unexpected token: ${parts[0]}`);
    return { parts, text: parts.join('.'), column: this.columnOf(start) };
  }

  /** `a AND b AND c` or `a OR b OR c`: Salesforce requires parentheses to mix the two. */
  private condition(): Condition {
    const first = this.unary();
    const token = this.peek();
    const joiner = token.kind === 'identifier' ? token.text.toUpperCase() : '';
    if (joiner !== 'AND' && joiner !== 'OR') return first;
    const conditions = [first];
    while (this.acceptKeyword(joiner)) conditions.push(this.unary());
    const next = this.peek();
    if (next.kind === 'identifier' && ['AND', 'OR'].includes(next.text.toUpperCase()))
      this.fail(next, `unexpected token: ${next.text}`);
    return { kind: joiner === 'AND' ? 'and' : 'or', conditions };
  }

  private unary(): Condition {
    if (this.acceptKeyword('NOT')) return { kind: 'not', condition: this.unary() };
    if (this.acceptPunctuation('(')) {
      const inner = this.condition();
      this.expectPunctuation(')');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Condition {
    const path = this.fieldPath();
    const operator = this.operator();
    if (operator === 'IN' || operator === 'NOT IN' || operator === 'INCLUDES' || operator === 'EXCLUDES') {
      this.expectPunctuation('(');
      const values: Literal[] = [];
      do values.push(this.literal());
      while (this.acceptPunctuation(','));
      this.expectPunctuation(')');
      return { kind: 'comparison', path, operator, value: values };
    }
    return { kind: 'comparison', path, operator, value: this.literal() };
  }

  private operator(): ComparisonOperator {
    const token = this.peek();
    if (token.kind === 'punctuation' && ['=', '!=', '<>', '<', '>', '<=', '>='].includes(token.text)) {
      this.position++;
      return token.text === '<>' ? '!=' : (token.text as ComparisonOperator);
    }
    if (this.acceptKeyword('LIKE')) return 'LIKE';
    if (this.acceptKeyword('IN')) return 'IN';
    if (this.acceptKeyword('INCLUDES')) return 'INCLUDES';
    if (this.acceptKeyword('EXCLUDES')) return 'EXCLUDES';
    if (this.peekKeyword('NOT') && this.peek(1).text.toUpperCase() === 'IN') {
      this.position += 2;
      return 'NOT IN';
    }
    return this.fail(token, `unexpected token: ${token.text}`);
  }

  private literal(): Literal {
    const token = this.peek();
    this.position++;
    switch (token.kind) {
      case 'string':
        return { kind: 'string', value: token.text };
      case 'number':
        return { kind: 'number', value: Number(token.text) };
      case 'date': {
        const epochMs = parseDate(token.text);
        return epochMs === undefined
          ? this.fail(token, `line 1:${token.offset} no viable alternative at character ' '`)
          : { kind: 'date', text: token.text, epochMs };
      }
      case 'datetime': {
        const epochMs = parseDateTime(token.text);
        return epochMs === undefined
          ? this.fail(token, `unexpected token: ${token.text}`)
          : { kind: 'datetime', text: token.text, epochMs };
      }
      case 'identifier': {
        const word = token.text.toUpperCase();
        if (word === 'NULL') return { kind: 'null' };
        if (word === 'TRUE' || word === 'FALSE') return { kind: 'boolean', value: word === 'TRUE' };
        if (DATE_LITERALS.has(word)) return { kind: 'dateLiteral', name: word };
        if (DATE_LITERALS_WITH_N.has(word)) {
          this.expectPunctuation(':');
          return { kind: 'dateLiteral', name: word, n: this.integer() };
        }
        return this.fail(token, `unexpected token: ${token.text}`);
      }
      case 'punctuation':
        if (token.text === ':') return this.fail(token, 'bind variables are Apex only; inline the value');
        return this.fail(token, `unexpected token: '${token.text}'`);
      default:
        return this.fail(token, `unexpected token: ${token.text}`);
    }
  }

  private orderItem(): OrderItem {
    const path = this.fieldPath();
    const descending = this.acceptKeyword('DESC');
    if (!descending) this.acceptKeyword('ASC');
    let nullsLast = descending;
    if (this.acceptKeyword('NULLS')) {
      if (this.acceptKeyword('LAST')) nullsLast = true;
      else if (this.acceptKeyword('FIRST')) nullsLast = false;
      else this.fail(this.peek(), `unexpected token: ${this.peek().text}`);
    }
    return { path, descending, nullsLast };
  }

  private integer(): number {
    const token = this.peek();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text))
      return this.fail(token, `unexpected token: ${token.text}`);
    this.position++;
    return Number(token.text);
  }

  private identifier(what: string): string {
    const token = this.peek();
    if (token.kind !== 'identifier')
      return this.fail(
        token,
        token.kind === 'end' ? `unexpected end of query: expected ${what}` : `unexpected token: ${token.text}`,
      );
    this.position++;
    return token.text;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.position + ahead, this.tokens.length - 1)]!;
  }

  private previous(): Token {
    return this.tokens[this.position - 1]!;
  }

  private peekKeyword(word: string): boolean {
    const token = this.peek();
    return token.kind === 'identifier' && token.text.toUpperCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.peekKeyword(word)) return false;
    this.position++;
    return true;
  }

  private expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) {
      const token = this.peek();
      this.fail(
        token,
        token.kind === 'end' ? `unexpected end of query: expected ${word}` : `unexpected token: ${token.text}`,
      );
    }
  }

  private acceptPunctuation(text: string): boolean {
    const token = this.peek();
    if (token.kind !== 'punctuation' || token.text !== text) return false;
    this.position++;
    return true;
  }

  private expectPunctuation(text: string): void {
    if (!this.acceptPunctuation(text)) {
      const token = this.peek();
      this.fail(
        token,
        token.kind === 'end' ? `unexpected end of query: expected '${text}'` : `unexpected token: ${token.text}`,
      );
    }
  }

  private columnOf(token: Token): number {
    return this.soql.slice(0, token.offset).split('\n').at(-1)!.length + 1;
  }

  private fail(token: Token, problem: string): never {
    throw syntaxError(this.soql, token.offset, problem);
  }
}
