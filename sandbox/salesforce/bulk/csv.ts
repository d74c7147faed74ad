/**
 * RFC 4180 CSV as Bulk API 2.0 reads and writes it: comma-separated, double-quoted when needed, LF or CRLF lines.
 *
 * Reading is a state machine over the string by character code: an unquoted cell is one slice, a quoted one is
 * found with indexOf, so a row costs a few slices and no per-character work beyond the scan.
 */
import { SalesforceError } from '../errors.js';

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

export function unterminatedQuote(): SalesforceError {
  return new SalesforceError('INVALIDJOB', 'Unterminated quoted field in the CSV data');
}

/**
 * Reads CSV text one row at a time (a job is processed in chunks, so its rows need not all exist at once). A quote
 * opens a quoted cell only at the start of a cell; inside it `""` is a quote and commas and line breaks are data;
 * text after the closing quote is kept as part of the cell. Blank lines are skipped.
 */
export class CsvReader {
  private position = 0;
  private rowStart = 0;
  private rowEnd = 0;

  constructor(private readonly text: string) {}

  /** The text of the row `next` last returned, without its line break (quotes and all, as sent). */
  lastRowText(): string {
    return this.text.slice(this.rowStart, this.rowEnd);
  }

  /** The next row's cells, or undefined at the end. Throws INVALIDJOB on a quoted cell that never closes. */
  next(): string[] | undefined {
    const text = this.text;
    const length = text.length;
    for (;;) {
      if (this.position >= length) return undefined;
      const cells: string[] = [];
      const start = this.position;
      let position = start;
      // Where the row's text ends (before its line break), if it has one.
      let end = length;
      for (;;) {
        let cell: string;
        if (text.charCodeAt(position) === QUOTE) {
          cell = '';
          let from = position + 1;
          for (;;) {
            const quote = text.indexOf('"', from);
            if (quote < 0) throw unterminatedQuote();
            if (text.charCodeAt(quote + 1) === QUOTE) {
              cell += text.slice(from, quote + 1);
              from = quote + 2;
              continue;
            }
            cell += text.slice(from, quote);
            position = quote + 1;
            break;
          }
          // Text after the closing quote belongs to the cell, as it does for lenient readers.
          const end = delimiterAt(text, position);
          if (end > position) cell += text.slice(position, end);
          position = end;
        } else {
          const end = delimiterAt(text, position);
          cell = text.slice(position, end);
          position = end;
        }
        cells.push(cell);
        if (position >= length) break;
        const code = text.charCodeAt(position++);
        if (code === COMMA) {
          // A comma at the very end of the text still ends a cell: an empty last one.
          if (position >= length) cells.push('');
          else continue;
          break;
        }
        end = position - 1;
        if (code === CR && text.charCodeAt(position) === LF) position++;
        break;
      }
      this.position = position;
      if (cells.length > 1 || cells[0] !== '') {
        this.rowStart = start;
        this.rowEnd = end;
        return cells;
      }
    }
  }
}

/**
 * Reads CSV text without quotes or carriage returns (what a loader sends when no cell needs quoting): each line is a
 * row and its cells are the line split at commas, which takes native string operations instead of a scan by character
 * code. Reads such text exactly as CsvReader does; the caller checks that it is such text.
 */
export class QuoteFreeCsvReader {
  private position = 0;
  private row = '';

  constructor(private readonly text: string) {}

  lastRowText(): string {
    return this.row;
  }

  next(): string[] | undefined {
    const text = this.text;
    while (this.position < text.length) {
      let end = text.indexOf('\n', this.position);
      if (end < 0) end = text.length;
      const row = text.slice(this.position, end);
      this.position = end + 1;
      if (row === '') continue;
      this.row = row;
      return row.split(',');
    }
    return undefined;
  }
}

/** The index of the first comma or line break at or after `from` (the text's length if none). */
function delimiterAt(text: string, from: number): number {
  const length = text.length;
  let index = from;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (code === COMMA || code === LF || code === CR) return index;
    index++;
  }
  return index;
}

/** Rows of cells; the first row is the header. Blank lines are skipped. */
export function parseCsv(text: string): string[][] {
  const reader = new CsvReader(text);
  const rows: string[][] = [];
  for (let row = reader.next(); row !== undefined; row = reader.next()) rows.push(row);
  return rows;
}

export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return csvLine(header) + rows.map(csvLine).join('');
}

/** One line, every cell quoted (as Salesforce writes result files), with its line break. */
export function csvLine(cells: readonly string[]): string {
  const parts: string[] = [];
  pushCsvCells(parts, cells, true);
  parts.push('\n');
  return parts.join('');
}

/** Appends each cell quoted, comma-separated; `startsLine`: no comma before the first one. */
export function pushCsvCells(parts: string[], cells: readonly string[], startsLine: boolean): void {
  for (let index = 0; index < cells.length; index++) {
    const cell = cells[index]!;
    parts.push(index === 0 && startsLine ? '"' : ',"', cell.indexOf('"') < 0 ? cell : cell.replaceAll('"', '""'), '"');
  }
}
