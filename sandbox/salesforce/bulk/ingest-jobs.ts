/**
 * Bulk API 2.0 ingest jobs: open, upload CSV, UploadComplete, processing, JobComplete, results. Records are written
 * through the same DML engine as REST, in DML calls of 200 (so the trigger hook sees what a Bulk API load fires) and
 * partial success. Salesforce processes a job's batches in parallel, so result rows are NOT in input order: the
 * sandbox returns them chunk by chunk from the last chunk to the first, so a client that assumes input order fails
 * here as it would against an org. One upload per job, of at most 150 MB (configurable lower for tests); processing
 * yields to the event loop between chunks so the org keeps answering (job polls, other jobs' uploads) meanwhile.
 * Tests can make the next jobs on an object fail (`failNextJobs`), as a job fails in an org on a platform error.
 */
import { SalesforceError, notFound } from '../errors.js';
import { formatDateTime } from '../org/datetime.js';
import { caseSafeSuffix } from '../org/ids.js';
import { ExternalIdReference, type DmlResult, type RecordValues } from '../org/dml-engine.js';
import type { OrgSchema, SObjectSchema } from '../org/schema.js';
import type { SandboxOrg } from '../org/sandbox-org.js';
import type { SandboxUser } from '../org/users.js';
import { CsvReader, QuoteFreeCsvReader, csvLine, parseCsv, pushCsvCells, toCsv } from './csv.js';

export const BULK_OPERATIONS = ['insert', 'update', 'upsert', 'delete', 'hardDelete'] as const;
export type BulkOperation = (typeof BULK_OPERATIONS)[number];
export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

/** Bulk API 2.0's marker for "set this field to null" (an empty cell leaves the field alone). */
export const NULL_VALUE = '#N/A';
const DML_CHUNK = 200;
/** Bulk API 2.0 accepts up to 150 MB of CSV per job. */
export const MAX_UPLOAD_BYTES = 150 * 1024 * 1024;
/** Chunks processed between yields to the event loop. */
const CHUNKS_PER_TURN = 10;

export interface IngestJobsOptions {
  /** Largest upload accepted, in bytes (default MAX_UPLOAD_BYTES). */
  readonly maxUploadBytes?: number;
}

export function uploadTooLarge(limit: number): SalesforceError {
  return new SalesforceError(
    'REQUEST_ENTITY_TOO_LARGE',
    `The upload exceeds the ${formatBytes(limit)} a Bulk API 2.0 job accepts: split the data over several jobs`,
    [],
    413,
  );
}

/** A header cell: a field name, or `Relationship.ExternalIdField` for a foreign key resolved by External ID. */
interface BulkColumn {
  readonly name: string;
  /** Set for `Relationship.ExternalIdField`: the External ID field. */
  readonly keyField?: string;
}

/**
 * A header cell, with the names the schema knows in the schema's own spelling: header names are case-insensitive,
 * and resolving them once per job spares a case-insensitive lookup per cell. Unknown names are kept as given, for the
 * row's error to name them.
 */
function bulkColumn(schema: OrgSchema, object: SObjectSchema, header: string): BulkColumn {
  const dot = header.indexOf('.');
  if (dot < 0) return { name: object.field(header)?.name ?? header };
  const name = header.slice(0, dot);
  const keyField = header.slice(dot + 1);
  const reference = object.relationship(name);
  const target = reference?.referenceTo.length === 1 ? schema.object(reference.referenceTo[0]!) : undefined;
  return { name: reference?.relationshipName ?? name, keyField: target?.field(keyField)?.name ?? keyField };
}

/** A CSV row as record values: empty cells are left out, #N/A is null, relationship columns become foreign-key references. */
function recordOf(columns: readonly BulkColumn[], row: readonly string[]): RecordValues {
  const values: Record<string, unknown> = {};
  for (let index = 0; index < columns.length; index++) {
    const cell = row[index];
    if (cell === undefined || cell === '') continue;
    const value = cell === NULL_VALUE ? null : cell;
    const column = columns[index]!;
    values[column.name] = column.keyField === undefined ? value : new ExternalIdReference(column.keyField, value);
  }
  return values;
}

/** Result chunks, last processed first: Salesforce processes a job's batches in parallel, so results are not in input order. */
function inReverse(chunks: readonly string[]): string {
  let text = '';
  for (let index = chunks.length - 1; index >= 0; index--) text += chunks[index]!;
  return text;
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : `${bytes} bytes`;
}

export interface IngestJobRequest {
  readonly object?: unknown;
  readonly operation?: unknown;
  readonly externalIdFieldName?: unknown;
  readonly contentType?: unknown;
  readonly columnDelimiter?: unknown;
  readonly lineEnding?: unknown;
}

interface Job {
  readonly id: string;
  readonly object: string;
  readonly operation: BulkOperation;
  readonly externalIdFieldName?: string;
  readonly user: SandboxUser;
  readonly createdDate: string;
  readonly apiVersion: string;
  state: JobState;
  systemModstamp: string;
  csv: string;
  errorMessage?: string;
  processed: number;
  failed: number;
  header: string[];
  /**
   * Result rows as CSV text, one string per DML chunk in processing order (compact: a job may hold a million rows,
   * and a chunk's rows are garbage as soon as its results are written).
   */
  successChunks: string[];
  failedChunks: string[];
  unprocessedRows: string[][];
}

function invalidJob(message: string): SalesforceError {
  return new SalesforceError('INVALIDJOB', `InvalidJob : ${message}`);
}

export class IngestJobs {
  readonly maxUploadBytes: number;
  private readonly jobs = new Map<string, Job>();
  private readonly injectedFailures = new Map<string, { remaining: number; message: string }>();
  private sequence = 0;

  constructor(
    private readonly org: SandboxOrg,
    options: IngestJobsOptions = {},
  ) {
    this.maxUploadBytes = options.maxUploadBytes ?? MAX_UPLOAD_BYTES;
  }

  /** The next `count` jobs on `object` fail while processing, with `message` as their errorMessage (fault injection). */
  failNextJobs(object: string, message: string, count = 1): void {
    this.injectedFailures.set(object.toLowerCase(), { remaining: count, message });
  }

  create(request: IngestJobRequest, user: SandboxUser, apiVersion: string): Record<string, unknown> {
    const objectName = typeof request.object === 'string' ? request.object : '';
    const object = this.org.schema.object(objectName);
    if (!object || object.kind === 'platformEvent') throw invalidJob(`Invalid object: ${objectName || '(none)'}`);
    const operation = BULK_OPERATIONS.find((candidate) => candidate === request.operation);
    if (!operation)
      throw invalidJob(`Invalid operation: ${String(request.operation)}; use one of ${BULK_OPERATIONS.join(', ')}`);
    if (request.contentType !== undefined && request.contentType !== 'CSV') throw invalidJob('contentType must be CSV');
    if ((request.columnDelimiter ?? 'COMMA') !== 'COMMA')
      throw invalidJob('the sandbox org reads COMMA-delimited CSV only');
    let externalIdFieldName: string | undefined;
    if (operation === 'upsert') {
      const field =
        typeof request.externalIdFieldName === 'string' ? object.field(request.externalIdFieldName) : undefined;
      if (!field || !(field.externalId || field.name === 'Id')) {
        throw invalidJob(
          `External ID was blank or not an External ID field for ${object.name}: ${String(request.externalIdFieldName ?? '')}`,
        );
      }
      externalIdFieldName = field.name;
    }
    const now = formatDateTime(this.org.now());
    const id15 = `7508d${String(++this.sequence).padStart(10, '0')}`;
    const id = id15 + caseSafeSuffix(id15);
    const job: Job = {
      id,
      object: object.name,
      operation,
      ...(externalIdFieldName ? { externalIdFieldName } : {}),
      user,
      createdDate: now,
      apiVersion,
      state: 'Open',
      systemModstamp: now,
      csv: '',
      processed: 0,
      failed: 0,
      header: [],
      successChunks: [],
      failedChunks: [],
      unprocessedRows: [],
    };
    this.jobs.set(id, job);
    return { ...this.info(id), contentUrl: `services/data/v${apiVersion}/jobs/ingest/${id}/batches` };
  }

  upload(id: string, csv: string): void {
    const job = this.require(id);
    if (job.state !== 'Open')
      throw new SalesforceError('INVALIDJOBSTATE', `Job is not in Open state: ${job.state}`, [], 409);
    // One upload per job, as Salesforce allows.
    if (job.csv !== '')
      throw new SalesforceError(
        'INVALIDJOBSTATE',
        'Found multiple contents for job; upload data in one request',
        [],
        409,
      );
    if (Buffer.byteLength(csv) > this.maxUploadBytes) throw uploadTooLarge(this.maxUploadBytes);
    job.csv = csv;
  }

  changeState(id: string, state: unknown): Record<string, unknown> {
    const job = this.require(id);
    if (state === 'UploadComplete' && job.state === 'Open') {
      this.setState(job, 'UploadComplete');
      // Processing is asynchronous, as in an org: clients poll the job.
      setImmediate(() => void this.process(job));
    } else if (state === 'Aborted' && (job.state === 'Open' || job.state === 'UploadComplete')) {
      this.setState(job, 'Aborted');
    } else {
      throw new SalesforceError(
        'INVALIDJOBSTATE',
        `Can't change the state of a job from ${job.state} to ${String(state)}`,
        [],
        409,
      );
    }
    return this.info(id);
  }

  info(id: string): Record<string, unknown> {
    const job = this.require(id);
    return {
      id: job.id,
      operation: job.operation,
      object: job.object,
      createdById: job.user.id,
      createdDate: job.createdDate,
      systemModstamp: job.systemModstamp,
      state: job.state,
      ...(job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: Number(job.apiVersion),
      jobType: 'V2Ingest',
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
      numberRecordsProcessed: job.processed,
      numberRecordsFailed: job.failed,
      retries: 0,
      totalProcessingTime: 0,
      apiActiveProcessingTime: 0,
      apexProcessingTime: 0,
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
    };
  }

  list(): Record<string, unknown> {
    return { done: true, records: [...this.jobs.keys()].map((id) => this.info(id)), nextRecordsUrl: null };
  }

  delete(id: string): void {
    const job = this.require(id);
    if (job.state === 'Open' || job.state === 'UploadComplete' || job.state === 'InProgress') {
      throw new SalesforceError('INVALIDJOBSTATE', `Can't delete a job in state ${job.state}`, [], 409);
    }
    this.jobs.delete(id);
  }

  successfulResults(id: string): string {
    const job = this.finished(id);
    return csvLine(['sf__Id', 'sf__Created', ...job.header]) + inReverse(job.successChunks);
  }

  failedResults(id: string): string {
    const job = this.finished(id);
    return csvLine(['sf__Id', 'sf__Error', ...job.header]) + inReverse(job.failedChunks);
  }

  unprocessedRecords(id: string): string {
    const job = this.require(id);
    const rows = job.state === 'Aborted' || job.state === 'Failed' ? job.unprocessedRows : [];
    return toCsv(job.header, rows);
  }

  private async process(job: Job): Promise<void> {
    if (job.state !== 'UploadComplete') return;
    this.setState(job, 'InProgress');
    // Without a quote anywhere, a row's cells are its text split at commas: its result line is that text requoted.
    const quoteFree = job.csv.indexOf('"') < 0;
    const reader = quoteFree && job.csv.indexOf('\r') < 0 ? new QuoteFreeCsvReader(job.csv) : new CsvReader(job.csv);
    let header: string[] | undefined;
    try {
      // An upload with quotes is checked whole before any row is written (a quoted cell that never closes fails the
      // job); rows are then read chunk by chunk, so only a chunk's rows exist at a time.
      if (!quoteFree) parseCsv(job.csv);
      header = reader.next();
      if (header === undefined) throw invalidJob('No data: the upload held no CSV header');
    } catch (error) {
      job.errorMessage = error instanceof Error ? error.message : String(error);
      this.setState(job, 'Failed');
      return;
    }
    job.header = header;
    job.csv = '';
    const failure = this.takeInjectedFailure(job.object);
    if (failure !== undefined) {
      job.errorMessage = failure;
      const rows: string[][] = [];
      for (let row = reader.next(); row !== undefined; row = reader.next()) rows.push(row);
      job.unprocessedRows = rows;
      this.setState(job, 'Failed');
      return;
    }
    const object = this.org.schema.object(job.object)!;
    const columns = header.map((cell) => bulkColumn(this.org.schema, object, cell));
    for (let chunks = 1; ; chunks++) {
      if (this.jobs.get(job.id)?.state !== 'InProgress') return;
      const rows: string[][] = [];
      const texts: string[] | undefined = quoteFree ? [] : undefined;
      for (let row = reader.next(); row !== undefined; row = rows.length < DML_CHUNK ? reader.next() : undefined) {
        rows.push(row);
        texts?.push(reader.lastRowText());
      }
      if (rows.length === 0) break;
      this.recordResults(job, rows, texts, await this.write(job, columns, rows));
      if (chunks % CHUNKS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    this.setState(job, 'JobComplete');
  }

  /**
   * A chunk's result rows, as Salesforce writes them: the record id, created or the error, then the row as sent,
   * every cell quoted. `texts`: the rows' text when the upload has no quotes (each cell is then quoted in one replace).
   */
  private recordResults(
    job: Job,
    rows: readonly string[][],
    texts: readonly string[] | undefined,
    results: readonly DmlResult[],
  ): void {
    const success: string[] = [];
    let failed: string[] | undefined;
    const created = String(job.operation === 'insert');
    for (let index = 0; index < rows.length; index++) {
      const result = results[index]!;
      const row = rows[index]!;
      if (result.success) {
        success.push('"', result.id ?? '', '","', result.created === undefined ? created : String(result.created));
        if (texts) success.push('","', texts[index]!.replaceAll(',', '","'), '"\n');
        else {
          success.push('"');
          pushCsvCells(success, row, false);
          success.push('\n');
        }
      } else {
        const error = result.errors[0]!;
        (failed ??= []).push(
          csvLine([result.id ?? '', `${error.errorCode}:${error.message}:${error.fields.join(',')} --`, ...row]),
        );
        job.failed++;
      }
      job.processed++;
    }
    job.successChunks.push(success.join(''));
    if (failed) job.failedChunks.push(failed.join(''));
  }

  private write(job: Job, columns: readonly BulkColumn[], rows: readonly string[][]): Promise<DmlResult[]> {
    const options = { user: job.user, allOrNone: false };
    const records = rows.map((row) => recordOf(columns, row));
    switch (job.operation) {
      case 'insert':
        return this.org.dml.insert(
          records.map((values) => ({ objectType: job.object, values })),
          options,
        );
      case 'update':
        return this.org.dml.update(
          records.map(({ Id, ...values }) => ({ objectType: job.object, id: String(Id ?? ''), values })),
          options,
        );
      case 'upsert':
        return this.org.dml.upsert(job.object, job.externalIdFieldName!, records, options);
      case 'delete':
      case 'hardDelete':
        // hardDelete skips the Recycle Bin in an org; the sandbox keeps the records there (still not queryable).
        return this.org.dml.delete(
          records.map((record) => String(record['Id'] ?? '')),
          { ...options, objectType: job.object },
        );
    }
  }

  private setState(job: Job, state: JobState): void {
    job.state = state;
    job.systemModstamp = formatDateTime(this.org.now());
    if (state === 'Aborted') job.unprocessedRows = parseCsv(job.csv || '').slice(1);
  }

  private takeInjectedFailure(object: string): string | undefined {
    const key = object.toLowerCase();
    const failure = this.injectedFailures.get(key);
    if (!failure) return undefined;
    if (--failure.remaining <= 0) this.injectedFailures.delete(key);
    return failure.message;
  }

  private finished(id: string): Job {
    const job = this.require(id);
    if (job.state !== 'JobComplete' && job.state !== 'Failed') {
      throw new SalesforceError('INVALIDJOBSTATE', `Job ${id} has not finished processing: ${job.state}`, [], 409);
    }
    return job;
  }

  private require(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw notFound();
    return job;
  }
}
