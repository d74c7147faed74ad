/**
 * One pass of rows into Salesforce through Bulk API 2.0 (jsforce's bulk2): rows are written as CSV straight into a
 * job's upload stream; a job is closed and a new one opened before the upload would pass the size or record limit;
 * a few jobs process at once while the next one uploads; each job is polled (poll-schedule.ts) until it ends, then its
 * successful, failed and unprocessed results are streamed back and matched to their rows by External ID (Salesforce
 * returns them in no particular order).
 *
 * A pass may be given a promise to submit after (`submitAfter`, the previous stage's completion): its first jobs are
 * then opened and uploaded at once, but closed (marked UploadComplete, which is what makes Salesforce process them)
 * only when it resolves, and aborted if it rejects. Parents' jobs still complete before children's start, and the
 * children's first rows are read while the parents' last jobs run.
 *
 * Results are downloaded with a plain streamed GET rather than jsforce's getSuccessfulResults(), which holds a
 * job's whole result set in memory.
 */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Connection } from 'jsforce';
import { request } from 'undici';
import { CsvStreamParser, csvLine, parseCsvBatches } from './csv.js';
import { PollWaits, nextPollWait, type JobProgress } from './poll-schedule.js';
import { RowLines } from './row-lines.js';
import { RelayError } from '../platform/errors.js';

export interface BulkSettings {
  /** Largest upload per job, in bytes. Salesforce accepts 150 MB counted after base64 encoding (about 112 MB of CSV). */
  readonly maxUploadBytes: number;
  /** Rows per job; bounds the memory that matches results to rows. */
  readonly maxRecordsPerJob: number;
  /** Jobs processing at once (plus the one uploading). */
  readonly jobConcurrency: number;
  /** First wait before polling a closed job; then see poll-schedule.ts (backoff up to pollMaxIntervalMs, or the job's rate). */
  readonly pollIntervalMs: number;
  readonly pollMaxIntervalMs: number;
  /** A job still running after this long fails the pass. */
  readonly jobTimeoutMs: number;
}

export const DEFAULT_BULK_SETTINGS: BulkSettings = {
  maxUploadBytes: 100 * 1024 * 1024,
  maxRecordsPerJob: 50_000,
  // Enough jobs queued that Salesforce always has one to process while the results of another are read.
  jobConcurrency: 4,
  pollIntervalMs: 250,
  pollMaxIntervalMs: 5_000,
  jobTimeoutMs: 2 * 60 * 60 * 1000,
};

/** The Salesforce side of a pass: the integration user's connection, and a way to renew its session. */
export interface SalesforceAccess {
  readonly connection: Connection;
  renewSession(): Promise<void>;
}

export interface PassSpec {
  readonly object: string;
  readonly operation: 'upsert' | 'update';
  /** The column every row carries its key in; upserts match on it. */
  readonly keyField: string;
  readonly header: readonly string[];
}

export interface RowOrigin {
  /** Case-insensitive key (the External ID, lower-cased). */
  readonly key: string;
  /** Line in the extract file; 0 when a result matches no row sent (it should not happen). */
  readonly line: number;
}

export interface PassHandlers {
  /** A row loaded (its line is not looked up: nothing is reported for it). */
  onSuccess(result: { readonly id: string; readonly created: boolean }): void;
  onFailure(
    origin: RowOrigin,
    result: { readonly errorCode: string; readonly message: string; readonly values: Record<string, string> },
  ): void;
  onUnprocessed(origin: RowOrigin, values: Record<string, string>): void;
}

export class BulkJobError extends RelayError {
  readonly code = 'BULK_JOB_FAILED';
  constructor(
    message: string,
    readonly jobId?: string,
  ) {
    super(message);
  }
}

type IngestJob = ReturnType<Connection['bulk2']['createJob']>;
type IngestJobInfo = Awaited<ReturnType<IngestJob['check']>>;

interface OpenPart {
  readonly job: IngestJob;
  readonly input: PassThrough;
  readonly upload: Promise<void>;
  readonly lines: RowLines;
  /** Rows this job may hold (see recordLimit). */
  readonly recordLimit: number;
  bytes: number;
  records: number;
  /** Rows not yet written to the upload: written in chunks, not a stream write per row. */
  pending: string;
}

/** Upload chunk size. */
const WRITE_CHUNK = 64 * 1024;
/** Rows in the first job of a pass; each next job may hold four times as many, up to maxRecordsPerJob. */
const FIRST_JOB_RECORDS = 2_000;

export interface PassSummary {
  readonly jobs: readonly string[];
}

export class BulkPass {
  private current?: OpenPart;
  private readonly inFlight = new Set<Promise<void>>();
  /** The waits between looks at this pass's jobs: one job ending cuts the others short (see PollWaits). */
  private readonly pollWaits = new PollWaits();
  private readonly jobIds: string[] = [];
  private failure?: Error;
  private readonly headerLine: string;
  private readonly keyIndex: number;
  /** Resolves when the pass is abandoned: uploaded jobs still waiting for submitAfter are aborted, not submitted. */
  private readonly abandoned: Promise<'abandoned'>;
  private markAbandoned: () => void = () => undefined;

  constructor(
    private readonly salesforce: SalesforceAccess,
    private readonly spec: PassSpec,
    private readonly settings: BulkSettings,
    private readonly handlers: PassHandlers,
    private readonly submitAfter: Promise<unknown> = Promise.resolve(),
  ) {
    this.headerLine = csvLine(spec.header);
    this.keyIndex = spec.header.indexOf(spec.keyField);
    if (this.keyIndex < 0) throw new Error(`the pass header has no ${spec.keyField} column`);
    this.abandoned = new Promise((resolve) => (this.markAbandoned = () => resolve('abandoned')));
    // The stage before failed: stop taking rows now rather than at the next job.
    submitAfter.catch((error: Error) => {
      this.failure ??= error;
    });
  }

  /**
   * Sends one row (cells in header order). Returns a promise to await while uploads or jobs are at their limits, and
   * undefined otherwise: most rows only join the pending chunk, and a million awaits would cost more than the rows.
   */
  add(cells: readonly string[], origin: RowOrigin): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    const text = csvLine(cells);
    const bytes = Buffer.byteLength(text);
    const part = this.current;
    if (!part || part.bytes + bytes > this.settings.maxUploadBytes || part.records >= part.recordLimit)
      return this.addToNextPart(text, bytes, origin);
    return this.append(part, text, bytes, origin);
  }

  private async addToNextPart(text: string, bytes: number, origin: RowOrigin): Promise<void> {
    if (this.current) await this.closePart();
    const target = await this.openPart();
    if (Buffer.byteLength(this.headerLine) + bytes > this.settings.maxUploadBytes) {
      throw new BulkJobError(
        `a row of ${bytes} bytes does not fit in an upload of ${this.settings.maxUploadBytes} bytes`,
      );
    }
    await this.append(target, text, bytes, origin);
  }

  private append(part: OpenPart, text: string, bytes: number, origin: RowOrigin): Promise<void> | undefined {
    part.lines.set(origin.key, origin.line);
    part.bytes += bytes;
    part.records++;
    part.pending += text;
    return part.pending.length >= WRITE_CHUNK ? this.write(part) : undefined;
  }

  /**
   * Rows for the job opened now (kept with it): the first jobs of a pass are small, so Salesforce starts processing
   * while the rest is still read (each job is processed only once its upload is complete).
   */
  private recordLimit(): number {
    const ramp = FIRST_JOB_RECORDS * 4 ** this.jobIds.length;
    return Math.min(this.settings.maxRecordsPerJob, ramp / 4);
  }

  /** Writes the pending chunk; a promise when the upload wants it to wait (until drained). */
  private write(part: OpenPart): Promise<void> | undefined {
    const chunk = part.pending;
    part.pending = '';
    if (part.input.write(chunk)) return undefined;
    return Promise.race([once(part.input, 'drain'), part.upload]).then(() => undefined);
  }

  /** Uploads what is left and waits for every job; throws the first job failure after collecting all results. */
  async finish(): Promise<PassSummary> {
    try {
      if (this.current && !this.failure) await this.closePart();
    } catch (error) {
      this.failure ??= error as Error;
    }
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    if (this.failure) throw this.failure;
    return { jobs: this.jobIds };
  }

  /**
   * Stops after a failure elsewhere: the open upload is abandoned and jobs not yet submitted are aborted; submitted
   * jobs run to the end.
   */
  async abandon(): Promise<void> {
    this.markAbandoned();
    const part = this.current;
    this.current = undefined;
    if (part) {
      // Ended, not destroyed: jsforce pipes the stream into its request, and a destroyed source would leave that
      // request (and this await) open for ever. The rows written so far make a valid CSV; the job is aborted next.
      part.input.end();
      await part.upload.catch(() => undefined);
      await part.job.abort().catch(() => undefined);
    }
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async openPart(): Promise<OpenPart> {
    while (this.inFlight.size >= this.settings.jobConcurrency) await Promise.race([...this.inFlight]);
    if (this.failure) throw this.failure;
    const job = this.salesforce.connection.bulk2.createJob({
      object: this.spec.object,
      operation: this.spec.operation,
      ...(this.spec.operation === 'upsert' ? { externalIdFieldName: this.spec.keyField } : {}),
      contentType: 'CSV',
      columnDelimiter: 'COMMA',
      lineEnding: 'LF',
    });
    await job.open();
    this.jobIds.push(job.id);
    const input = new PassThrough();
    const upload = job.uploadData(input);
    // A failed upload is reported by closePart; this keeps it from being an unhandled rejection meanwhile.
    upload.catch(() => undefined);
    const recordLimit = this.recordLimit();
    this.current = {
      job,
      input,
      upload,
      lines: new RowLines(recordLimit),
      recordLimit,
      bytes: Buffer.byteLength(this.headerLine),
      records: 0,
      pending: this.headerLine,
    };
    return this.current;
  }

  private async closePart(): Promise<void> {
    const part = this.current!;
    this.current = undefined;
    part.input.end(part.pending);
    part.pending = '';
    try {
      await part.upload;
    } catch (error) {
      await part.job.abort().catch(() => undefined);
      throw new BulkJobError(
        `uploading ${this.spec.object} rows to job ${part.job.id} failed: ${(error as Error).message}`,
        part.job.id,
      );
    }
    const done: Promise<void> = this.submit(part)
      .catch((error: Error) => {
        this.failure ??= error;
      })
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  /** Closes the uploaded job once submitAfter resolves (aborts it if that rejects), then sees it to the end. */
  private async submit(part: OpenPart): Promise<void> {
    let gate: unknown;
    try {
      gate = await Promise.race([this.submitAfter, this.abandoned]);
    } catch (error) {
      await part.job.abort().catch(() => undefined);
      throw error;
    }
    if (gate === 'abandoned' || this.failure) {
      await part.job.abort().catch(() => undefined);
      return;
    }
    await part.job.close();
    await this.complete(part);
  }

  /** Polls the job until it ends, then streams its results to the handlers. */
  private async complete(part: OpenPart): Promise<void> {
    const { job } = part;
    let info: IngestJobInfo;
    try {
      info = await this.pollUntilEnded(part);
    } finally {
      // However this job's polling ended, the org (or this pass) is done with it: the others look again now.
      this.pollWaits.wakeAll();
    }
    if (info.state === 'JobComplete') return this.collect(job.id, part.lines, false);
    await this.collect(job.id, part.lines, true);
    throw new BulkJobError(
      `Salesforce ${info.state === 'Failed' ? 'failed' : 'aborted'} ${this.spec.object} job ${job.id}: ${info.errorMessage ?? 'no reason given'}`,
      job.id,
    );
  }

  /** Looks at the job until Salesforce says it completed, failed or was aborted; throws once it has run too long. */
  private async pollUntilEnded(part: OpenPart): Promise<IngestJobInfo> {
    const { job } = part;
    const deadline = Date.now() + this.settings.jobTimeoutMs;
    let wait = this.settings.pollIntervalMs;
    let last: JobProgress | undefined;
    let mark = this.pollWaits.mark;
    for (;;) {
      const woken = (await this.pollWaits.wait(wait, mark)) === 'woken';
      mark = this.pollWaits.mark;
      // Jobs of this pass closed and not yet collected: at most that many processed during the wait just ended.
      const jobsProcessing = this.inFlight.size;
      const info = await job.check();
      if (info.state === 'JobComplete' || info.state === 'Failed' || info.state === 'Aborted') return info;
      if (Date.now() > deadline) {
        throw new BulkJobError(
          `${this.spec.object} job ${job.id} was still ${info.state} after ${Math.round(this.settings.jobTimeoutMs / 60_000)} min`,
          job.id,
        );
      }
      const now: JobProgress = { processed: info.numberRecordsProcessed ?? 0, at: Date.now() };
      // Woken by another job's end with nothing processed since the last look: that look and its wait still stand
      // (an org reports progress in steps, and growing the wait here would look later, not sooner).
      if (woken && last && now.processed <= last.processed) continue;
      wait = nextPollWait(this.settings, wait, part.records, last, now, jobsProcessing);
      last = now;
    }
  }

  private async collect(jobId: string, lines: RowLines, withUnprocessed: boolean): Promise<void> {
    const origin = (values: readonly string[], keyIndex: number): RowOrigin => {
      const key = (values[keyIndex] ?? '').toLowerCase();
      return { key, line: lines.get(key) };
    };
    let idIndex = -1;
    let createdIndex = -1;
    await this.results(
      jobId,
      'successfulResults',
      (header, parser) => {
        idIndex = header.indexOf('sf__Id');
        createdIndex = header.indexOf('sf__Created');
        // Only the result columns are read: the row's own cells are skipped, not copied.
        parser.maxCells = Math.max(idIndex, createdIndex) + 1;
      },
      (_header, cells) => {
        this.handlers.onSuccess({ id: cells[idIndex] ?? '', created: cells[createdIndex] === 'true' });
      },
    );
    await this.results(jobId, 'failedResults', undefined, (header, cells) => {
      const { errorCode, message } = parseBulkError(cells[header.indexOf('sf__Error')] ?? '');
      this.handlers.onFailure(origin(cells, header.indexOf(this.spec.keyField)), {
        errorCode,
        message,
        values: valuesOf(header, cells, 2),
      });
    });
    if (withUnprocessed) {
      await this.results(jobId, 'unprocessedrecords', undefined, (header, cells) => {
        this.handlers.onUnprocessed(origin(cells, header.indexOf(this.spec.keyField)), valuesOf(header, cells, 0));
      });
    }
  }

  private async results(
    jobId: string,
    kind: string,
    onHeader: ((header: readonly string[], parser: CsvStreamParser) => void) | undefined,
    onRow: (header: readonly string[], cells: string[]) => void,
    renewed = false,
  ): Promise<void> {
    const { connection } = this.salesforce;
    const url = `${connection.instanceUrl}/services/data/v${connection.version}/jobs/ingest/${jobId}/${kind}`;
    const response = await request(url, {
      headers: { authorization: `Bearer ${connection.accessToken}`, accept: 'text/csv' },
    });
    if (response.statusCode === 401 && !renewed) {
      await response.body.dump();
      await this.salesforce.renewSession();
      return this.results(jobId, kind, onHeader, onRow, true);
    }
    if (response.statusCode !== 200) {
      const text = await response.body.text();
      throw new BulkJobError(
        `reading ${kind} of job ${jobId} failed: ${response.statusCode} ${text.slice(0, 300)}`,
        jobId,
      );
    }
    let header: string[] | undefined;
    const parser = new CsvStreamParser();
    for await (const records of parseCsvBatches(response.body, parser)) {
      for (const { cells } of records) {
        if (header) onRow(header, cells);
        else {
          header = cells;
          onHeader?.(header, parser);
        }
      }
    }
  }
}

/** `CODE:message:Field1,Field2 --` as Bulk API writes sf__Error. */
export function parseBulkError(text: string): { errorCode: string; message: string } {
  const trimmed = text.replace(/\s*--\s*$/, '');
  const colon = trimmed.indexOf(':');
  if (colon < 0) return { errorCode: 'UNKNOWN_EXCEPTION', message: trimmed };
  const errorCode = trimmed.slice(0, colon);
  const rest = trimmed.slice(colon + 1);
  const fields = /:([A-Za-z0-9_]+(?:,[A-Za-z0-9_]+)*)?$/.exec(rest);
  return { errorCode, message: fields ? rest.slice(0, fields.index) : rest };
}

function valuesOf(header: readonly string[], cells: readonly string[], skip: number): Record<string, string> {
  const values: Record<string, string> = {};
  for (let index = skip; index < header.length; index++)
    if ((cells[index] ?? '') !== '') values[header[index]!] = cells[index]!;
  return values;
}
