/**
 * The one writer of Gentrack's values into Salesforce, for webhook events and on-demand syncs alike, as the
 * integration user (whose bypass permission keeps the triggers from publishing them back to Gentrack): sObject
 * Collections upsert by External ID, up to 200 records per call, allOrNone false so each record succeeds or fails on
 * its own; and the Tasks that follow some events. With `inbound.deliverTo: apex` events go to the generated Event
 * Endpoint instead, which does the same in the org. Both paths keep newer-wins (newer-wins.ts) over the same field
 * versions: the inbox dispatcher per batch of events, `upsertNewerWins` for one record read on demand.
 */
import type { Connection } from 'jsforce';
import { EVENT_ENDPOINT_PATH } from '../../../model/connector-fields.js';
import { RelayError, SALESFORCE_CALL_FAILED, type CallFailedError } from '../platform/errors.js';
import type { InboxStore } from './inbox-store.js';
import { withoutSuperseded } from './newer-wins.js';
import { RecordLocks, recordKey } from './record-locks.js';

export const COLLECTION_LIMIT = 200;

export type SaveOutcome =
  | { readonly ok: true; readonly id: string; readonly created: boolean }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly retryable: boolean };

/**
 * A whole call failed (no per-record answer). `errorType` is Salesforce's error code (or CONNECTIVITY,
 * SALESFORCE_AUTH_FAILED, UNEXPECTED_ANSWER); `retryable` says whether the same call may succeed later.
 */
export class SalesforceCallError extends RelayError implements CallFailedError {
  readonly code = SALESFORCE_CALL_FAILED;
  constructor(
    readonly errorType: string,
    message: string,
    override readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'SalesforceCallError';
  }
}

/** Per-record failures that pass: another transaction held the row, the org was briefly busy, or (Event Endpoint)
 * another event of the same call changed the record. */
const RETRYABLE_RECORD_CODES = new Set([
  'UNABLE_TO_LOCK_ROW',
  'SERVER_UNAVAILABLE',
  'REQUEST_RUNNING_TOO_LONG',
  'RECORD_BUSY',
]);
/**
 * Whole-call failures that pass; any other coded answer is about the request itself and will not change.
 * APEX_ERROR is the Event Endpoint's 500 (an exception its Apex did not handle, such as an exceeded governor limit):
 * Salesforce rolled the whole call back, so sending it again applies each event once, and a fault that does not pass
 * ends as RETRY_EXHAUSTED with the Apex error, like any other.
 */
const RETRYABLE_CALL_CODES = new Set([
  'SERVER_UNAVAILABLE',
  'REQUEST_LIMIT_EXCEEDED',
  'UNABLE_TO_LOCK_ROW',
  'INVALID_SESSION_ID',
  'SALESFORCE_AUTH_FAILED',
  'REQUEST_RUNNING_TOO_LONG',
  'APEX_ERROR',
]);
const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

interface RawSaveResult {
  id?: string;
  success: boolean;
  created?: boolean;
  errors?: { statusCode?: string; errorCode?: string; message: string; fields?: string[] }[];
}

/** What the Event Endpoint takes per event: the envelope's parts, the entity read from Gentrack, and the fields a
 * newer event has already set (left alone). */
export interface EndpointEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly createdAt: string;
  readonly data: unknown;
  readonly entity?: unknown;
  readonly skipFields: readonly string[];
}

interface EndpointResult {
  eventId?: string;
  status?: string;
  recordId?: string;
  errorCode?: string;
  message?: string;
}

export interface InboundWriterOptions {
  /** The integration user's connection, with a valid session. */
  readonly connection: () => Promise<Connection>;
  /** Held around each newer-wins write; the relay shares one with the inbox dispatcher. Default: the writer's own. */
  readonly recordLocks?: RecordLocks;
}

/** Where newer-wins keeps, per record and field, the Gentrack time of the value last written: the inbox store. */
export type FieldVersionStore = Pick<InboxStore, 'fieldVersions' | 'recordFieldVersions'>;

/** One record's Gentrack values, as of one Gentrack time. */
export interface NewerWinsWrite {
  readonly objectType: string;
  readonly externalIdField: string;
  /** The record's Gentrack reference: its External ID value. */
  readonly reference: string;
  /** Gentrack-mastered values: each is written unless Salesforce already holds a newer value of its field. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The Gentrack time (epoch ms) the values are as of. */
  readonly asOfMs: number;
  /** Kept with the field versions, to tell which write set a field: an event id or a sync job's transaction id. */
  readonly writtenBy: string;
  /** The connector's own fields (the record's sync status): written whatever the versions say. */
  readonly always?: Readonly<Record<string, unknown>>;
}

export interface NewerWinsResult {
  readonly outcome: SaveOutcome;
  /** The Gentrack values written. */
  readonly applied: Readonly<Record<string, unknown>>;
  /** The Gentrack values left out because Salesforce already holds a newer value of the field. */
  readonly superseded: Readonly<Record<string, unknown>>;
}

export class InboundWriter {
  private readonly recordLocks: RecordLocks;

  constructor(private readonly options: InboundWriterOptions) {
    this.recordLocks = options.recordLocks ?? new RecordLocks();
  }

  /** Upserts records by External ID; one outcome per record, in order. Throws SalesforceCallError when a call fails. */
  async upsert(
    objectType: string,
    externalIdField: string,
    records: readonly { reference: string; fields: Readonly<Record<string, unknown>> }[],
  ): Promise<SaveOutcome[]> {
    const connection = await this.connect();
    const outcomes: SaveOutcome[] = [];
    for (let start = 0; start < records.length; start += COLLECTION_LIMIT) {
      const chunk = records
        .slice(start, start + COLLECTION_LIMIT)
        .map((record) => ({ ...record.fields, [externalIdField]: record.reference }));
      const answer = await call(`upsert ${objectType} by ${externalIdField}`, () =>
        connection.upsert(objectType, chunk as never[], externalIdField, { allOrNone: false }),
      );
      outcomes.push(...toOutcomes(answer, chunk.length));
    }
    return outcomes;
  }

  /**
   * Upserts one record, newer-wins per field like the events' batches: fields a newer write already set are left
   * out, and once Salesforce took the record the others' versions move to `asOfMs`. The record is upserted even when
   * every field is superseded, so `always` is written and the caller learns the record's id. The record is held
   * from reading its versions to recording them, so an event of it is not applied in between.
   */
  upsertNewerWins(write: NewerWinsWrite, versions: FieldVersionStore): Promise<NewerWinsResult> {
    return this.recordLocks.hold([recordKey(write.objectType, write.reference)], () =>
      this.upsertHeld(write, versions),
    );
  }

  private async upsertHeld(write: NewerWinsWrite, versions: FieldVersionStore): Promise<NewerWinsResult> {
    const split = withoutSuperseded(
      write.fields,
      versions.fieldVersions(write.objectType, write.reference),
      write.asOfMs,
    );
    const [outcome] = await this.upsert(write.objectType, write.externalIdField, [
      { reference: write.reference, fields: { ...split.apply, ...write.always } },
    ]);
    if (outcome!.ok) {
      versions.recordFieldVersions({
        objectType: write.objectType,
        reference: write.reference,
        fields: Object.keys(split.apply),
        createdAtMs: write.asOfMs,
        eventId: write.writtenBy,
      });
    }
    const superseded = Object.fromEntries(split.superseded.map((field) => [field, write.fields[field]]));
    return { outcome: outcome!, applied: split.apply, superseded };
  }

  /** Each record's OwnerId, by record id. */
  async ownersOf(objectType: string, ids: readonly string[]): Promise<Map<string, string>> {
    const connection = await this.connect();
    const owners = new Map<string, string>();
    const safe = ids.filter((id) => SALESFORCE_ID.test(id));
    for (let start = 0; start < safe.length; start += COLLECTION_LIMIT) {
      const list = safe
        .slice(start, start + COLLECTION_LIMIT)
        .map((id) => `'${id}'`)
        .join(', ');
      const result = await call(`read ${objectType} owners`, async () => {
        const answer = await connection.query<{ Id: string; OwnerId: string }>(
          `SELECT Id, OwnerId FROM ${objectType} WHERE Id IN (${list})`,
        );
        return answer.records;
      });
      for (const record of result) owners.set(record.Id, record.OwnerId);
    }
    return owners;
  }

  /**
   * Hands events to the generated Event Endpoint (Apex REST, `inbound.deliverTo: apex`), which applies the rules in
   * the org; one outcome per event, in order.
   */
  async postEvents(events: readonly EndpointEvent[]): Promise<SaveOutcome[]> {
    const connection = await this.connect();
    const outcomes: SaveOutcome[] = [];
    for (let start = 0; start < events.length; start += COLLECTION_LIMIT) {
      const chunk = events.slice(start, start + COLLECTION_LIMIT);
      const answer = await call(`POST /services/apexrest${EVENT_ENDPOINT_PATH}`, () =>
        connection.apex.post<{ results?: EndpointResult[] }>(EVENT_ENDPOINT_PATH, { events: chunk }),
      );
      const results = answer?.results;
      if (!Array.isArray(results) || results.length !== chunk.length) {
        throw new SalesforceCallError(
          'UNEXPECTED_ANSWER',
          `the Event Endpoint answered ${JSON.stringify(answer).slice(0, 200)} for ${chunk.length} events`,
          true,
        );
      }
      for (const result of results) {
        if (result.status === 'applied' && result.recordId)
          outcomes.push({ ok: true, id: result.recordId, created: false });
        else {
          const code = result.errorCode ?? 'UNKNOWN_ERROR';
          outcomes.push({
            ok: false,
            code,
            message: `${code}: ${result.message ?? 'no message'}`,
            retryable: RETRYABLE_RECORD_CODES.has(code),
          });
        }
      }
    }
    return outcomes;
  }

  /** Creates Tasks; one outcome per task, in order. */
  async createTasks(tasks: readonly Record<string, unknown>[]): Promise<SaveOutcome[]> {
    const connection = await this.connect();
    const outcomes: SaveOutcome[] = [];
    for (let start = 0; start < tasks.length; start += COLLECTION_LIMIT) {
      const chunk = tasks.slice(start, start + COLLECTION_LIMIT);
      const answer = await call('create Tasks', () =>
        connection.create('Task', chunk as never[], { allOrNone: false }),
      );
      outcomes.push(...toOutcomes(answer, chunk.length));
    }
    return outcomes;
  }

  private async connect(): Promise<Connection> {
    try {
      return await this.options.connection();
    } catch (error) {
      throw new SalesforceCallError(
        'SALESFORCE_AUTH_FAILED',
        `no Salesforce session: ${(error as Error).message}`,
        true,
      );
    }
  }
}

async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const code = (error as { errorCode?: unknown }).errorCode;
    const message = `${what}: ${(error as Error).message ?? String(error)}`;
    if (typeof code !== 'string') throw new SalesforceCallError('CONNECTIVITY', message, true);
    const retryable = RETRYABLE_CALL_CODES.has(code) || /^ERROR_HTTP_(5\d\d|429)$/.test(code);
    throw new SalesforceCallError(code, message, retryable);
  }
}

function toOutcomes(answer: unknown, expected: number): SaveOutcome[] {
  const results = (Array.isArray(answer) ? answer : [answer]) as RawSaveResult[];
  if (results.length !== expected) {
    throw new SalesforceCallError(
      'UNEXPECTED_ANSWER',
      `Salesforce answered ${results.length} results for ${expected} records`,
      true,
    );
  }
  return results.map((result) => {
    if (result.success && result.id) return { ok: true, id: result.id, created: result.created === true };
    const error = result.errors?.[0];
    const code = error?.statusCode ?? error?.errorCode ?? 'UNKNOWN_ERROR';
    const fields = error?.fields?.length ? ` (fields: ${error.fields.join(', ')})` : '';
    return {
      ok: false,
      code,
      message: `${code}: ${error?.message ?? 'no message'}${fields}`,
      retryable: RETRYABLE_RECORD_CODES.has(code),
    };
  });
}
