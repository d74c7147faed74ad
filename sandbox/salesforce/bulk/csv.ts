/** RFC 4180 CSV as Bulk API 2.0 reads and writes it: comma-separated, double-quoted when needed, LF or CRLF lines. */
import { SalesforceError } from '../errors.js';

/** Rows of cells; the first row is the header. Blank lines are skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let index = 0;
  const endRow = () => {
    row.push(cell);
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
    cell = '';
  };
  while (index < text.length) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 2;
        continue;
      }
      if (char === '"') quoted = false;
      else cell += char;
      index++;
      continue;
    }
    if (char === '"' && cell === '') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      endRow();
      if (char === '\r' && text[index + 1] === '\n') index++;
    } else cell += char;
    index++;
  }
  if (quoted) throw new SalesforceError('INVALIDJOB', 'Unterminated quoted field in the CSV data');
  if (cell !== '' || row.length > 0) endRow();
  return rows;
}

export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return csvLine(header) + rows.map(csvLine).join('');
}

/** One line, every cell quoted (as Salesforce writes result files), with its line break. */
export function csvLine(cells: readonly string[]): string {
  let line = '';
  for (let index = 0; index < cells.length; index++) line += (index === 0 ? '"' : ',"') + quoteContent(cells[index]!) + '"';
  return `${line}\n`;
}

function quoteContent(cell: string): string {
  return cell.includes('"') ? cell.replace(/"/g, '""') : cell;
}
