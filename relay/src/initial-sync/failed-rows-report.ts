/**
 * The report of every row that did not load: rows the mapping could not read (file, line, reason), rows Salesforce
 * refused (with its error code and message) and rows a failed job left unprocessed. Written to a CSV file as rows
 * come in (a buffered file, never the whole report in memory), then attached in Salesforce as a file
 * (ContentVersion) the user can open.
 */
import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Connection } from 'jsforce';
import { csvLine } from './csv.js';
import { RelayError } from '../platform/errors.js';

export type ReportedProblem = 'unmapped' | 'failed' | 'unprocessed';

export interface ReportRow {
  readonly stage: string;
  readonly object: string;
  readonly problem: ReportedProblem;
  readonly file: string;
  /** 0 when the row's line is unknown. */
  readonly line: number;
  readonly externalId: string;
  readonly errorCode: string;
  readonly message: string;
  /** The values sent to Salesforce (by CSV header), when the row got that far. */
  readonly values?: Readonly<Record<string, string>>;
}

export const REPORT_HEADER = [
  'stage',
  'object',
  'problem',
  'file',
  'line',
  'external_id',
  'error_code',
  'error_message',
  'values',
] as const;

const FLUSH_AT = 256 * 1024;

/** A text file written through a buffer (bounded memory, few system calls). */
export class BufferedFile {
  private fd: number | undefined;
  private buffer = '';

  constructor(readonly path: string) {}

  write(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.buffer === '') return;
    this.fd ??= openSync(this.path, 'w');
    writeSync(this.fd, this.buffer);
    this.buffer = '';
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export class FailedRowsReport {
  private file: BufferedFile | undefined;
  private rows = 0;

  /** `file` is created with the first row only: a run without problems leaves no report behind. */
  constructor(readonly path: string) {}

  add(row: ReportRow): void {
    if (!this.file) {
      this.file = new BufferedFile(this.path);
      this.file.write(csvLine(REPORT_HEADER));
    }
    this.rows++;
    this.file.write(
      csvLine([
        row.stage,
        row.object,
        row.problem,
        row.file,
        row.line === 0 ? '' : String(row.line),
        row.externalId,
        row.errorCode,
        row.message,
        row.values ? JSON.stringify(row.values) : '',
      ]),
    );
  }

  get count(): number {
    return this.rows;
  }

  /** Writes out what is buffered; returns the file's path, or undefined when no row was reported. */
  close(): string | undefined {
    this.file?.close();
    return this.file ? this.path : undefined;
  }
}

export interface AttachedReport {
  readonly contentVersionId: string;
  readonly contentDocumentId: string;
  /** Where a user opens it in Lightning. */
  readonly url: string;
}

/** Salesforce's REST insert takes a file of up to about 37.5 MB (base64 in JSON); larger reports stay on disk. */
export const MAX_ATTACHED_REPORT_BYTES = 35 * 1024 * 1024;

export class ReportAttachError extends RelayError {
  readonly code = 'REPORT_NOT_ATTACHED';
}

/**
 * Uploads the report as a Salesforce file. Without `shareWith` it lands in the integration user's files; with a
 * record, user or library id it is published there (FirstPublishLocationId) for people to find.
 */
export async function attachReport(
  connection: Connection,
  file: string,
  options: { title: string; description: string; shareWith?: string },
): Promise<AttachedReport> {
  const size = statSync(file).size;
  if (size > MAX_ATTACHED_REPORT_BYTES) {
    throw new ReportAttachError(
      `the report (${Math.round(size / 1024 / 1024)} MB) is larger than Salesforce accepts through the REST API: open it at ${file}`,
    );
  }
  const result = (await connection.sobject('ContentVersion').create({
    Title: options.title,
    PathOnClient: path.basename(file),
    Description: options.description,
    VersionData: readFileSync(file).toString('base64'),
    ...(options.shareWith ? { FirstPublishLocationId: options.shareWith } : {}),
  })) as { id?: string; success?: boolean; errors?: { message?: string }[] };
  if (!result.success || !result.id) {
    throw new ReportAttachError(
      `Salesforce refused the report file: ${(result.errors ?? []).map((error) => error.message).join('; ')}`,
    );
  }
  const version = await connection.query<{ ContentDocumentId: string }>(
    `SELECT ContentDocumentId FROM ContentVersion WHERE Id = '${result.id}'`,
  );
  const contentDocumentId = version.records[0]?.ContentDocumentId ?? '';
  return {
    contentVersionId: result.id,
    contentDocumentId,
    url: `${connection.instanceUrl}/lightning/r/ContentDocument/${contentDocumentId}/view`,
  };
}
