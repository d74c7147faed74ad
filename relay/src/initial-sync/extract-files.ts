/**
 * The Gentrack extract: a directory with one file per entity, `<stage>.jsonl` (JSON Lines: one Gentrack record per
 * line, properties at the model's Gentrack paths, e.g. {"accountNumber":"A1","account":{"name":"Acme"}}) or
 * `<stage>.csv` (a header row naming the Gentrack paths, e.g. `accountNumber,account.name`). Files are read line by
 * line, never whole; each record comes with its line number so problems can name file:line.
 */
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { closestMatch } from '../../../model/edit-distance.js';
import { parseCsvBatches, parseCsvStream } from './csv.js';
import { jsonRecord, type GentrackRecord, type ObjectPlan } from './load-plan.js';
import { Utf8Chunks } from './utf8-chunks.js';
import { RelayError } from '../platform/errors.js';

export type ExtractFormat = 'jsonl' | 'csv';

/**
 * Read size: large enough for few system calls, and small enough that a decoded chunk stays below V8's large-object
 * size (128 KiB of string) even as two bytes per character, which a single character outside Latin-1 (a macron in a
 * Māori place name) makes it. A large-object string decoded up to 90 times slower (StringDecoder: 9 GB/s for 64 KiB
 * of ASCII, 104 MB/s for 64 KiB with one "ā", 1 GB/s for 32 KiB with it), and 128 KiB chunks made reading a JSON Lines
 * extract take half as much CPU again. Exported for the other readers of text files (object-stage.ts).
 */
export const READ_CHUNK = 32 * 1024;

/**
 * Read size for counting lines, which looks at bytes and never decodes them (READ_CHUNK's limit is a string's): the
 * count runs before the load starts, and 1 MiB reads count a million-account extract in a third of the time.
 */
const COUNT_CHUNK = 1024 * 1024;

export interface ExtractFile {
  readonly plan: ObjectPlan;
  readonly path: string;
  readonly format: ExtractFormat;
}

export type ExtractRow =
  { readonly line: number; readonly record: GentrackRecord } | { readonly line: number; readonly error: string };

export class ExtractError extends RelayError {
  readonly code = 'INVALID_EXTRACT';
}

/** The extract file of each planned object; objects without one are left out (nothing to load for them). */
export function locateExtractFiles(dir: string, plans: readonly ObjectPlan[]): ExtractFile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new ExtractError(`the extract directory ${dir} does not exist`);
  const files: ExtractFile[] = [];
  for (const plan of plans) {
    const found = (['jsonl', 'csv'] as const)
      .map((format) => ({ plan, format, path: path.join(dir, `${plan.stage}.${format}`) }))
      .filter((file) => existsSync(file.path));
    if (found.length > 1) throw new ExtractError(`${dir} has both ${plan.stage}.jsonl and ${plan.stage}.csv: keep one`);
    if (found[0]) files.push(found[0]);
  }
  if (files.length === 0) {
    throw new ExtractError(
      `${dir} holds no extract file: expected ${plans.map((plan) => `${plan.stage}.jsonl or .csv`).join(', ')}`,
    );
  }
  return files;
}

/**
 * Gentrack paths of a CSV file's header, and those the model does not map (data the sync ignores). A column that
 * is one typo away from a mapped path is refused: loading it would "complete" with that field left empty.
 */
export async function csvHeader(file: ExtractFile): Promise<{ columns: string[]; unknown: string[] }> {
  const rows = readCsv(file.path);
  const first = await rows.next();
  await rows.return(undefined);
  if (first.done)
    throw new ExtractError(`${file.path} is empty: a CSV extract starts with a header row of Gentrack paths`);
  const columns = first.value.cells.map((cell) => cell.trim());
  const known = new Set([
    file.plan.externalIdPath,
    ...[...file.plan.columns, ...file.plan.selfReferences].map((column) => column.gentrackPath),
  ]);
  if (!columns.includes(file.plan.externalIdPath)) {
    throw new ExtractError(
      `${file.path}:1: the header has no ${file.plan.externalIdPath} column (the ${file.plan.object} External ID)`,
    );
  }
  const unknown = columns.filter((column) => !known.has(column));
  const typos = unknown.flatMap((column) => {
    const meant = closestMatch(
      column,
      [...known].filter((path) => !columns.includes(path)),
    );
    return meant ? [`"${column}" (did you mean "${meant}"?)`] : [];
  });
  if (typos.length > 0) {
    throw new ExtractError(
      `${file.path}:1: the header names columns the model does not map: ${typos.join(', ')}; correct the header and start again`,
    );
  }
  return { columns, unknown };
}

/** Files in the extract folder that are no extract file of the model: named, so a misnamed file is not missed. */
export function ignoredExtractFiles(dir: string, files: readonly ExtractFile[]): string[] {
  const used = new Set(files.map((file) => path.basename(file.path)));
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !used.has(entry.name) && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

export async function* readExtract(file: ExtractFile): AsyncGenerator<ExtractRow> {
  for await (const rows of readExtractBatches(file)) yield* rows;
}

/** The rows of an extract file, one array per chunk read (a loop over arrays, not an await per row). */
export async function* readExtractBatches(file: ExtractFile): AsyncGenerator<ExtractRow[]> {
  if (file.format === 'jsonl') {
    yield* readJsonLines(file.path);
    return;
  }
  let columns: Map<string, number> | undefined;
  for await (const records of parseCsvBatches(createReadStream(file.path, { highWaterMark: READ_CHUNK }))) {
    const rows: ExtractRow[] = [];
    for (const { cells, line } of records) {
      if (!columns) {
        columns = new Map(cells.map((cell, index) => [cell.trim(), index]));
        continue;
      }
      if (cells.length !== columns.size) {
        rows.push({ line, error: `has ${cells.length} columns, the header ${columns.size}` });
        continue;
      }
      const index = columns;
      rows.push({ line, record: { get: (property) => emptyAsUndefined(cells[index.get(property) ?? -1]) } });
    }
    if (rows.length > 0) yield rows;
  }
}

async function* readJsonLines(file: string): AsyncGenerator<ExtractRow[]> {
  let line = 0;
  for await (const texts of readLines(file)) {
    const rows: ExtractRow[] = [];
    for (const text of texts) {
      line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        rows.push({ line, error: `is not valid JSON: ${(error as Error).message}` });
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        rows.push({ line, error: 'is not a JSON object' });
        continue;
      }
      rows.push({ line, record: jsonRecord(value) });
    }
    if (rows.length > 0) yield rows;
  }
}

/** The file's lines (LF or CRLF), read in large chunks, one array per chunk: a JSON Lines extract holds a record per line. */
async function* readLines(file: string): AsyncGenerator<string[]> {
  const decoder = new Utf8Chunks();
  let rest = '';
  for await (const chunk of createReadStream(file, { highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>) {
    const text = rest + decoder.text(chunk);
    const lines: string[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      lines.push(text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end));
      start = end + 1;
    }
    rest = text.slice(start);
    if (lines.length > 0) yield lines;
  }
  rest += decoder.end();
  if (rest !== '') yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
}

function readCsv(file: string) {
  return parseCsvStream(createReadStream(file, { highWaterMark: READ_CHUNK }));
}

function emptyAsUndefined(cell: string | undefined): string | undefined {
  return cell === undefined || cell === '' ? undefined : cell;
}

/** Records in a file, for the progress total: its lines (minus the CSV header); an estimate when cells span lines. */
export async function countRecords(file: ExtractFile): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of createReadStream(file.path, { highWaterMark: COUNT_CHUNK }) as AsyncIterable<Buffer>) {
    for (let index = chunk.indexOf(10); index >= 0; index = chunk.indexOf(10, index + 1)) lines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1]!;
  }
  if (last !== 10) lines++;
  return file.format === 'csv' ? Math.max(0, lines - 1) : lines;
}
