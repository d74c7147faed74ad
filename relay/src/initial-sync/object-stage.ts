/**
 * One object's stage of the initial synchronisation, streamed from its extract file into Bulk API 2.0 jobs:
 *
 * 1. upsert by External ID every row that is new or changes its record (unchanged rows are skipped, unreadable ones
 *    reported); a row whose record exists but has fields Salesforce sets on insert only (AccountContactRelation's
 *    account and contact) is updated by Id without them instead;
 * 2. for such junctions, a row Salesforce refuses as a duplicate names a relationship that exists without this
 *    External ID (the one Salesforce creates with a contact for its primary account, or one made by hand): the
 *    existing record is adopted (found by its parents' External IDs and updated by Id), not reported;
 * 3. lookups to the object itself (Account.ParentId) are set in a second pass, once every record of the first pass
 *    exists (the rows that need it wait in a scratch file meanwhile).
 *
 * A stage may start while the previous one's last jobs still run (`StageOrder`): it reads the object's existing
 * records and uploads its first jobs, and its jobs are submitted once the previous stage has completed. The existing
 * records are read early safely: a stage writes no other object's External IDs.
 */
import { createReadStream, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EXTERNAL_ID_FIELD } from '../../../model/connector-fields.js';
import { BulkPass, type BulkSettings, type PassHandlers, type RowOrigin, type SalesforceAccess } from './bulk-pass.js';
import { compareRow, type ExistingRecords } from './existing-records.js';
import { READ_CHUNK, readExtractBatches, type ExtractFile } from './extract-files.js';
import { BufferedFile, type FailedRowsReport, type ReportRow } from './failed-rows-report.js';
import { mapRow, type ColumnPlan, type ObjectPlan } from './load-plan.js';
import type { Progress } from './progress.js';
import { RelayError } from '../platform/errors.js';

export type StageCounts = {
  /** Records read from the extract file. */
  read: number;
  /** Records the mapping could not read (reported). */
  unmapped: number;
  /** Records whose Salesforce record already held the same values (not sent). */
  unchanged: number;
  created: number;
  updated: number;
  /** Records Salesforce refused (reported). */
  failed: number;
  /** Records a failed job never processed (reported). */
  unprocessed: number;
};

export const zeroCounts = (): StageCounts => ({
  read: 0,
  unmapped: 0,
  unchanged: 0,
  created: 0,
  updated: 0,
  failed: 0,
  unprocessed: 0,
});

export interface StageContext {
  readonly salesforce: SalesforceAccess;
  readonly existing: ExistingRecords;
  readonly report: FailedRowsReport;
  readonly settings: BulkSettings;
  readonly progress: Progress;
  /** Where scratch files go (rows waiting for adoption). */
  readonly scratchDir: string;
  readonly signal?: AbortSignal;
}

/** Where a stage stands among the others: when its jobs may be submitted, and whom to tell once its rows are read. */
export interface StageOrder {
  /** Resolves when the previous stage has completed (rejects if it failed): no job is submitted before. */
  readonly after: Promise<unknown>;
  /** Called once every row of the main pass is uploaded or waiting to be: the next stage may start reading. */
  readonly onRowsRead: () => void;
}

export class InterruptedError extends RelayError {
  readonly code = 'INTERRUPTED';

  /** Why `signal` stopped the run: the reason it was aborted with when that is a text, else the operator. */
  static of(signal: AbortSignal): InterruptedError {
    return new InterruptedError(typeof signal.reason === 'string' ? signal.reason : 'interrupted by the operator');
  }
}

/** Records to adopt are looked up this many at a time (one query per parent object). */
const ADOPTION_BATCH = 200;

export async function loadObjectStage(
  context: StageContext,
  plan: ObjectPlan,
  file: ExtractFile,
  counts: StageCounts,
  order: StageOrder = { after: Promise.resolve(), onRowsRead: () => undefined },
): Promise<void> {
  const { existing, report, progress } = context;
  const fileName = path.basename(file.path);
  const readColumns = [...plan.columns, ...plan.selfReferences];
  await existing.load(context.salesforce.connection, plan.object, readColumns);

  const createOnly = plan.columns.filter((column) => column.createOnly);
  const updatable = plan.columns.filter((column) => !column.createOnly);
  const reportRow = (
    origin: RowOrigin,
    row: Omit<ReportRow, 'stage' | 'object' | 'file' | 'line' | 'externalId'> & { externalId?: string },
  ) =>
    report.add({
      stage: plan.stage,
      object: plan.object,
      file: fileName,
      line: origin.line,
      externalId: row.externalId ?? origin.key,
      ...row,
    });
  const externalIdOf = (values: Record<string, string>, origin: RowOrigin) => values[EXTERNAL_ID_FIELD] ?? origin.key;

  const adoptionFile = path.join(context.scratchDir, `adopt-${plan.stage}-${process.pid}.jsonl`);
  const adoptions = new BufferedFile(adoptionFile);
  let waitingForAdoption = 0;
  const selfReferenceFile = path.join(context.scratchDir, `self-references-${plan.stage}-${process.pid}.jsonl`);
  const selfReferences = new BufferedFile(selfReferenceFile);
  let waitingForSelfReferences = 0;

  const countResults = (adoptDuplicates: boolean): PassHandlers => ({
    onSuccess(result) {
      if (result.created) counts.created++;
      else counts.updated++;
      progress.advance(1);
    },
    onFailure(origin, result) {
      if (adoptDuplicates && result.errorCode === 'DUPLICATE_VALUE') {
        adoptions.write(`${JSON.stringify({ origin, values: result.values, message: result.message })}\n`);
        waitingForAdoption++;
        return;
      }
      counts.failed++;
      reportRow(origin, {
        problem: 'failed',
        errorCode: result.errorCode,
        message: result.message,
        values: result.values,
        externalId: externalIdOf(result.values, origin),
      });
      progress.advance(1);
    },
    onUnprocessed(origin, values) {
      counts.unprocessed++;
      reportRow(origin, {
        problem: 'unprocessed',
        errorCode: 'UNPROCESSED',
        message: 'the job failed before Salesforce processed this row',
        values,
        externalId: externalIdOf(values, origin),
      });
      progress.advance(1);
    },
  });

  const upserts = new BulkPass(
    context.salesforce,
    {
      object: plan.object,
      operation: 'upsert',
      keyField: EXTERNAL_ID_FIELD,
      header: plan.columns.map((column) => column.header),
    },
    context.settings,
    countResults(createOnly.length > 0),
    order.after,
  );
  // Existing records with insert-only fields are updated by Id, without those fields.
  const updates = new BulkPass(
    context.salesforce,
    {
      object: plan.object,
      operation: 'update',
      keyField: EXTERNAL_ID_FIELD,
      header: ['Id', ...updatable.map((column) => column.header)],
    },
    context.settings,
    countResults(false),
    order.after,
  );
  const passes = [upserts, updates];

  try {
    for await (const rows of readExtractBatches(file))
      for (const row of rows) {
        if (context.signal?.aborted) throw InterruptedError.of(context.signal);
        counts.read++;
        const origin = { key: '', line: row.line };
        if ('error' in row) {
          counts.unmapped++;
          reportRow(origin, {
            problem: 'unmapped',
            errorCode: 'UNREADABLE_ROW',
            message: `${fileName}:${row.line} ${row.error}`,
            externalId: '',
          });
          progress.advance(1);
          continue;
        }
        const mapping = mapRow(plan, row.record);
        if (!mapping.ok) {
          counts.unmapped++;
          reportRow(origin, {
            problem: 'unmapped',
            errorCode: 'UNMAPPABLE_ROW',
            message: mapping.reason,
            externalId: String(row.record.get(plan.externalIdPath) ?? ''),
          });
          progress.advance(1);
          continue;
        }
        const { key, cells, selfCells } = mapping.row;
        const record = existing.get(plan.object, key);
        if (
          selfCells.some((cell) => cell !== '') &&
          (!record ||
            compareRow(plan.selfReferences, selfCells, {
              id: record.id,
              values: record.values.slice(plan.columns.length),
            }) !== 'unchanged')
        ) {
          selfReferences.write(
            `${JSON.stringify({ key, line: row.line, cells: [mapping.row.externalId, ...selfCells] })}\n`,
          );
          waitingForSelfReferences++;
        }
        const comparison = compareRow(plan.columns, cells, record);
        if (comparison === 'unchanged') {
          counts.unchanged++;
          progress.advance(1);
          continue;
        }
        const rowOrigin = { key, line: row.line };
        if (comparison === 'changed' && createOnly.length > 0) {
          const moved = createOnly.find((column) => {
            const index = plan.columns.indexOf(column);
            return cells[index] !== '' && cells[index]!.toLowerCase() !== (record!.values[index] ?? '').toLowerCase();
          });
          if (moved) {
            counts.failed++;
            reportRow(rowOrigin, {
              problem: 'failed',
              errorCode: 'CANNOT_CHANGE_FIELD',
              message: `${plan.object} ${record!.id} exists with another ${moved.field}; Salesforce cannot change it: delete the record in Salesforce and run again`,
              externalId: mapping.row.externalId,
            });
            progress.advance(1);
            continue;
          }
          const waitForUpdates = updates.add(
            [record!.id, ...updatable.map((column) => cells[plan.columns.indexOf(column)]!)],
            rowOrigin,
          );
          if (waitForUpdates) await waitForUpdates;
          continue;
        }
        const waitForUpserts = upserts.add(cells, rowOrigin);
        if (waitForUpserts) await waitForUpserts;
      }
    order.onRowsRead();
    await upserts.finish();

    adoptions.close();
    if (waitingForAdoption > 0) {
      await adoptExisting(context, plan, adoptionFile, updates, {
        refuse(origin, values, message) {
          counts.failed++;
          reportRow(origin, {
            problem: 'failed',
            errorCode: 'DUPLICATE_VALUE',
            message,
            values,
            externalId: externalIdOf(values, origin),
          });
          progress.advance(1);
        },
      });
    }
    await updates.finish();

    selfReferences.close();
    if (waitingForSelfReferences > 0) await setSelfReferences(context, plan, selfReferenceFile, counts, reportRow);
  } catch (error) {
    await Promise.allSettled(passes.map((pass) => pass.abandon()));
    throw error;
  } finally {
    for (const scratch of [adoptions, selfReferences]) {
      scratch.close();
      rmSync(scratch.path, { force: true });
    }
  }
}

/** The JSON lines of a scratch file. */
async function* scratchLines<T>(file: string): AsyncGenerator<T> {
  const lines = createInterface({
    input: createReadStream(file, { encoding: 'utf8', highWaterMark: READ_CHUNK }),
    crlfDelay: Infinity,
  });
  for await (const text of lines) if (text !== '') yield JSON.parse(text) as T;
}

interface AdoptionHandlers {
  refuse(origin: RowOrigin, values: Record<string, string>, message: string): void;
}

/**
 * Rows refused as duplicates: finds the existing record joining the same parents and, when it has no other
 * External ID, updates it by Id with the row (so it gets the External ID and the values).
 */
async function adoptExisting(
  context: StageContext,
  plan: ObjectPlan,
  file: string,
  updates: BulkPass,
  handlers: AdoptionHandlers,
): Promise<void> {
  const keys = plan.columns.filter((column) => column.createOnly && column.references);
  const updatable = plan.columns.filter((column) => !column.createOnly);
  // Found through the last parent (ContactId for AccountContactRelation): its lookup is indexed.
  const via = keys[keys.length - 1];
  if (!via || keys.length < 2) {
    throw new Error(`${plan.object} has no pair of insert-only lookups: its duplicates cannot be adopted`);
  }
  const pending: { origin: RowOrigin; values: Record<string, string>; message: string }[] = [];
  const flush = async () => {
    const batch = pending.splice(0, pending.length);
    const parentKeys = [
      ...new Set(batch.map((entry) => (entry.values[via.header] ?? '').toLowerCase()).filter(Boolean)),
    ];
    const parentIds = await idsByExternalId(context, via.references!, parentKeys);
    const candidates = await junctionsOf(context, plan.object, via, keys, [...new Set(parentIds.values())]);
    for (const entry of batch) {
      const parentId = parentIds.get((entry.values[via.header] ?? '').toLowerCase());
      const match = candidates.find(
        (candidate) =>
          candidate.parentId === parentId &&
          keys.every(
            (key) =>
              key === via ||
              (candidate.keys.get(key.header) ?? '').toLowerCase() === (entry.values[key.header] ?? '').toLowerCase(),
          ),
      );
      if (!match) {
        handlers.refuse(
          entry.origin,
          entry.values,
          `${entry.message} (no ${plan.object} joining the same records was found to adopt)`,
        );
      } else if (match.externalId && match.externalId.toLowerCase() !== entry.origin.key) {
        handlers.refuse(
          entry.origin,
          entry.values,
          `${entry.message}: ${plan.object} ${match.id} already joins the same records with ${EXTERNAL_ID_FIELD} ${match.externalId}; Gentrack has two references for one relationship`,
        );
      } else {
        await updates.add([match.id, ...updatable.map((column) => entry.values[column.header] ?? '')], entry.origin);
      }
    }
  };
  for await (const entry of scratchLines<(typeof pending)[number]>(file)) {
    pending.push(entry);
    if (pending.length >= ADOPTION_BATCH) await flush();
  }
  if (pending.length > 0) await flush();
}

async function idsByExternalId(
  context: StageContext,
  object: string,
  keys: readonly string[],
): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const records = await queryAll<{ Id: string; [EXTERNAL_ID_FIELD]: string }>(
    context,
    `SELECT Id, ${EXTERNAL_ID_FIELD} FROM ${object} WHERE ${EXTERNAL_ID_FIELD} IN (${keys.map(soqlString).join(', ')})`,
  );
  return new Map(records.map((record) => [String(record[EXTERNAL_ID_FIELD]).toLowerCase(), record.Id]));
}

interface Junction {
  readonly id: string;
  readonly externalId: string | null;
  readonly parentId: string;
  /** The other parents' External IDs, by relationship header. */
  readonly keys: Map<string, string>;
}

async function junctionsOf(
  context: StageContext,
  object: string,
  via: ColumnPlan,
  keys: readonly ColumnPlan[],
  parentIds: readonly string[],
): Promise<Junction[]> {
  if (parentIds.length === 0) return [];
  const others = keys.filter((key) => key !== via);
  const records = await queryAll<Record<string, unknown>>(
    context,
    `SELECT Id, ${EXTERNAL_ID_FIELD}, ${via.field}, ${others.map((key) => key.header).join(', ')} FROM ${object} WHERE ${via.field} IN (${parentIds.map(soqlString).join(', ')})`,
  );
  return records.map((record) => ({
    id: String(record['Id']),
    externalId: (record[EXTERNAL_ID_FIELD] as string | null) ?? null,
    parentId: String(record[via.field]),
    keys: new Map(
      others.map((key) => {
        const [relationship, field] = key.header.split('.') as [string, string];
        const parent = record[relationship] as Record<string, unknown> | null;
        return [key.header, String(parent?.[field] ?? '')];
      }),
    ),
  }));
}

async function queryAll<T extends Record<string, unknown>>(context: StageContext, soql: string): Promise<T[]> {
  const result = await context.salesforce.connection.query<T>(soql).run({ autoFetch: true, maxFetch: 100_000 });
  return result.records;
}

function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Second pass: lookups to the object itself, for the rows (in `file`) whose parent is new or changed. */
async function setSelfReferences(
  context: StageContext,
  plan: ObjectPlan,
  file: string,
  counts: StageCounts,
  reportRow: (
    origin: RowOrigin,
    row: Omit<ReportRow, 'stage' | 'object' | 'file' | 'line' | 'externalId'> & { externalId?: string },
  ) => void,
): Promise<void> {
  const pass = new BulkPass(
    context.salesforce,
    {
      object: plan.object,
      operation: 'upsert',
      keyField: EXTERNAL_ID_FIELD,
      header: [EXTERNAL_ID_FIELD, ...plan.selfReferences.map((column) => column.header)],
    },
    context.settings,
    {
      onSuccess() {},
      onFailure(origin, result) {
        counts.failed++;
        reportRow(origin, {
          problem: 'failed',
          errorCode: result.errorCode,
          message: `setting ${plan.selfReferences.map((column) => column.field).join(', ')}: ${result.message}`,
          values: result.values,
          externalId: result.values[EXTERNAL_ID_FIELD] ?? origin.key,
        });
      },
      onUnprocessed(origin, values) {
        counts.unprocessed++;
        reportRow(origin, {
          problem: 'unprocessed',
          errorCode: 'UNPROCESSED',
          message: 'the job failed before Salesforce processed this row',
          values,
        });
      },
    },
  );
  try {
    for await (const row of scratchLines<{ key: string; line: number; cells: string[] }>(file)) {
      if (context.signal?.aborted) throw InterruptedError.of(context.signal);
      const wait = pass.add(row.cells, { key: row.key, line: row.line });
      if (wait) await wait;
    }
    await pass.finish();
  } catch (error) {
    await pass.abandon().catch(() => undefined);
    throw error;
  }
}
