/**
 * Runs on-demand sync jobs. Salesforce -> Gentrack puts the record into the relay's outbox as a change and lets the
 * dispatcher deliver it (ordering per record, idempotency by X-Transaction-Id, retries and dead letters are the
 * events' own); the job ends when the store says the change was delivered or dead-lettered. Gentrack -> Salesforce
 * reads the entity from Gentrack and upserts its Gentrack-mastered fields by External ID through the webhook events'
 * writer, as the integration user, whose writes the triggers do not publish (no echo), and under the same
 * newer-wins rule: a field a newer Gentrack event already set is left alone and reported.
 *
 * Jobs are persisted: after a restart, unfinished jobs are resumed (the outbox de-duplicates the change by its
 * transaction id, and an upsert can be repeated).
 */
import { randomUUID } from 'node:crypto';
import type { Connection } from 'jsforce';
import type { Logger } from 'pino';
import { EXTERNAL_ID_FIELD } from '../../../model/connector-fields.js';
import {
  findObject,
  onDemandSyncObject,
  type ConnectorModel,
  type SyncedObject,
} from '../../../model/connector-model.js';
import type { GentrackCallError } from '../platform/gentrack/gentrack-call-error.js';
import type { GentrackClient } from '../platform/gentrack/gentrack-client.js';
import type { ChangeKey, PendingChange, RelayStore, ChangeState } from '../to-gentrack/relay-store.js';
import type { SyncHistory } from '../platform/db/sync-history.js';
import { fieldsFromEntity, syncedStatusFields } from '../to-salesforce/gentrack-entity-fields.js';
import {
  type SalesforceCallError,
  type FieldVersionStore,
  type InboundWriter,
  type NewerWinsResult,
} from '../to-salesforce/salesforce-writer.js';
import { recordKey } from '../to-salesforce/record-locks.js';
import { JOB_RETENTION_MS, type SyncJobStore } from './sync-job-store.js';
import { changeFromRecord, gentrackValuesOf, recordQuery } from './salesforce-record-change.js';
import { requesterOf, transactionIdOfJob, type SyncJob, type SyncJobRequest, type SyncJobResult } from './sync-job.js';
import { GENTRACK_CALL_FAILED, hasCode, RelayError, SALESFORCE_CALL_FAILED } from '../platform/errors.js';

export interface SyncJobRunnerOptions {
  readonly model: ConnectorModel;
  readonly jobs: SyncJobStore;
  /** The relay's outbox. */
  readonly outbox: Pick<RelayStore, 'enqueueChange' | 'changeState' | 'referenceOf'>;
  /** The relay's dispatcher: changes put into the outbox are queued there at once. */
  readonly dispatcher: { enqueue(changes: readonly PendingChange[]): void };
  /** The integration user's connection (the relay's Salesforce session): Salesforce -> Gentrack reads the record. */
  readonly salesforce: () => Promise<Connection>;
  /** Gentrack -> Salesforce writes go through the webhook events' writer, with their newer-wins rule... */
  readonly writer: Pick<InboundWriter, 'upsertNewerWins'>;
  /** ...over the same field versions (the inbox store's), so neither path writes an older value over a newer one. */
  readonly fieldVersions: FieldVersionStore;
  readonly gentrack: Pick<GentrackClient, 'send'>;
  readonly logger: Logger;
  /** How often the outbox is asked about changes jobs wait for. Default 100 ms. */
  readonly watchIntervalMs?: number;
  readonly clock?: () => number;
  /** The synchronisation history (gentrack-sf history): each job is a run of kind on-demand, under the job's id. */
  readonly history?: Pick<SyncHistory, 'get' | 'recordSyncStart' | 'recordSyncEnd'>;
  /** Called with every job that finished (succeeded or failed). */
  readonly onJobFinished?: (job: SyncJob) => void;
}

/** Why a job failed, with a code an API caller (and the sync button) can tell apart: `jobErrorCode`. */
export class SyncJobFailure extends RelayError {
  readonly code = 'SYNC_JOB_FAILED';
  constructor(
    readonly jobErrorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'SyncJobFailure';
  }
}

/** The runner stopped while the job waited: it stays running and resumes at the next start. */
export class RunnerStopped extends RelayError {
  readonly code = 'SYNC_JOB_RUNNER_STOPPED';
}

interface Watch {
  /** The outbox's key of the change watched. */
  readonly change: ChangeKey;
  resolve(state: ChangeState): void;
  reject(error: Error): void;
}

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export class SyncJobRunner {
  private readonly clock: () => number;
  private readonly watches = new Set<Watch>();
  private readonly running = new Set<Promise<void>>();
  private started = false;
  private stopping = false;
  private waitingToStart: string[] = [];
  private watchTimer?: NodeJS.Timeout;
  private pruneTimer?: NodeJS.Timeout;

  constructor(private readonly options: SyncJobRunnerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Records a job (queued) and runs it; the request must have passed readSyncJobRequest. */
  submit(request: SyncJobRequest): SyncJob {
    const job = this.options.jobs.insert(randomUUID(), request, this.clock());
    this.options.logger.info(
      {
        jobId: job.id,
        source: job.source,
        entityType: job.entityType,
        entityId: job.entityId,
        onBehalfOf: job.onBehalfOf,
        clientId: job.clientId,
      },
      'on-demand sync requested',
    );
    if (this.started) this.launch(job.id);
    else this.waitingToStart.push(job.id);
    return job;
  }

  get(id: string): SyncJob | undefined {
    return this.options.jobs.get(id);
  }

  /** Starts running jobs, resuming those a previous run left unfinished. Call after the dispatcher started. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    const resumed = this.options.jobs.unfinished().map((job) => job.id);
    if (resumed.length > 0)
      this.options.logger.info({ count: resumed.length }, 'resuming unfinished on-demand sync jobs');
    for (const id of new Set([...resumed, ...this.waitingToStart])) this.launch(id);
    this.waitingToStart = [];
    this.watchTimer = setInterval(() => this.checkWatches(), this.options.watchIntervalMs ?? 100);
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  /** Stops: jobs waiting for a delivery stay running in the store and are resumed at the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.started = false;
    clearInterval(this.watchTimer);
    clearInterval(this.pruneTimer);
    for (const watch of this.watches) watch.reject(new RunnerStopped());
    this.watches.clear();
    await Promise.allSettled([...this.running]);
  }

  private launch(id: string): void {
    const task = this.run(id).finally(() => this.running.delete(task));
    this.running.add(task);
  }

  private async run(id: string): Promise<void> {
    const job = this.options.jobs.get(id);
    if (!job || job.state === 'succeeded' || job.state === 'failed') return;
    this.recordStart(job);
    try {
      const result = job.source === 'Salesforce' ? await this.toGentrack(job) : await this.toSalesforce(job);
      this.options.jobs.markSucceeded(id, result, this.clock());
      this.options.logger.info({ jobId: id, action: result.action, id: result.id }, 'on-demand sync succeeded');
    } catch (error) {
      if (hasCode<RunnerStopped>(error, 'SYNC_JOB_RUNNER_STOPPED') || this.stopping) return;
      const failure = hasCode<SyncJobFailure>(error, 'SYNC_JOB_FAILED')
        ? error
        : new SyncJobFailure('INTERNAL_ERROR', `the relay failed to run the job: ${(error as Error).message}`);
      this.options.jobs.markFailed(id, { code: failure.jobErrorCode, message: failure.message }, this.clock());
      this.options.logger.warn({ jobId: id, code: failure.jobErrorCode }, `on-demand sync failed: ${failure.message}`);
    }
    const finished = this.options.jobs.get(id);
    if (!finished) return;
    this.recordEnd(finished);
    this.options.onJobFinished?.(finished);
  }

  /** A resumed job is already in the history: its run goes on under the same id. */
  private recordStart(job: SyncJob): void {
    const history = this.options.history;
    if (!history || history.get(job.id)) return;
    history.recordSyncStart({
      kind: 'on-demand',
      id: job.id,
      subject: `${job.entityType} ${job.entityId} ${job.source} -> ${job.destination}`,
      initiatedBy: requesterOf(job),
      startedAt: this.clock(),
    });
  }

  private recordEnd(job: SyncJob): void {
    this.options.history?.recordSyncEnd(job.id, {
      outcome: job.state === 'succeeded' ? 'completed' : 'failed',
      counts: { records: 1, [job.state === 'succeeded' ? 'synced' : 'failed']: 1 },
      ...(job.error ? { error: `${job.error.code}: ${job.error.message}` } : {}),
      ...(job.finishedAt ? { endedAt: job.finishedAt } : {}),
    });
  }

  private async toGentrack(job: SyncJob): Promise<SyncJobResult> {
    const transactionId = transactionIdOfJob(job.id);
    const startedAt = job.startedAt ?? this.clock();
    this.options.jobs.markRunning(job.id, transactionId, startedAt);
    const object = this.objectOf(job);
    const connection = await this.salesforceConnection();
    let records: Record<string, unknown>[];
    try {
      records = (await connection.query<Record<string, unknown>>(recordQuery(object, job.entityId))).records;
    } catch (error) {
      throw new SyncJobFailure(
        'SALESFORCE_ERROR',
        `reading ${job.entityType} ${job.entityId} from Salesforce failed: ${(error as Error).message}`,
      );
    }
    const record = records[0];
    if (!record) {
      throw new SyncJobFailure(
        'NOT_FOUND',
        `Salesforce has no ${job.entityType} with id ${job.entityId} (deleted, never existed, or not visible to the integration user)`,
      );
    }
    const change = changeFromRecord(object, record, {
      transactionId,
      requestedBy: job.onBehalfOf,
      // The job's first start, not now: a job resumed after a restart then has the outbox key it had (transaction
      // id and time of change), so its change is not put in the outbox twice.
      changedAt: new Date(startedAt),
      learntReference: this.options.outbox.referenceOf(object.name, String(record.Id)),
    });
    const pending = this.options.outbox.enqueueChange(change, this.clock());
    if (pending) this.options.dispatcher.enqueue([pending]);
    const outcome = await this.watch(change);
    if (outcome.state === 'dead') {
      throw new SyncJobFailure(
        outcome.reasonCode ?? 'DELIVERY_FAILED',
        `Gentrack did not take the ${job.entityType}: ${outcome.lastError ?? 'the change was dead-lettered'} (see gentrack-sf dlq list)`,
      );
    }
    return {
      system: 'Gentrack',
      action: change.operationType === 'INSERT' ? 'created' : 'updated',
      entityType: job.entityType,
      id:
        this.options.outbox.referenceOf(object.name, change.recordId) ??
        (change.newValues?.[EXTERNAL_ID_FIELD] as string | null) ??
        null,
      fields: gentrackValuesOf(object, change),
    };
  }

  private async toSalesforce(job: SyncJob): Promise<SyncJobResult> {
    this.options.jobs.markRunning(job.id, undefined, this.clock());
    const object = this.objectOf(job);
    // What "as of" the values read are, for newer-wins against webhook events (by their Gentrack createdAt): the
    // moment the read is sent. Gentrack's answer holds at least every change made before it, so an event older than
    // that is in it and loses; an event created while the read was in flight may be missing from it, and wins (as
    // new or newer). The relay's clock stands in for Gentrack's: skew between them shifts this boundary.
    const asOfMs = this.clock();
    const entity = await this.readEntity(job, asOfMs);
    let written: NewerWinsResult;
    try {
      written = await this.options.writer.upsertNewerWins(
        {
          objectType: object.name,
          externalIdField: EXTERNAL_ID_FIELD,
          reference: job.entityId,
          fields: fieldsFromEntity(object, entity),
          asOfMs,
          writtenBy: transactionIdOfJob(job.id),
          always: syncedStatusFields(new Date(this.clock())),
        },
        this.options.fieldVersions,
      );
    } catch (error) {
      if (hasCode<SalesforceCallError>(error, SALESFORCE_CALL_FAILED) && error.errorType === 'SALESFORCE_AUTH_FAILED') {
        throw new SyncJobFailure('SALESFORCE_UNAVAILABLE', `the relay has no Salesforce session: ${error.message}`);
      }
      throw new SyncJobFailure(
        'SALESFORCE_ERROR',
        `Salesforce refused the ${job.entityType} ${EXTERNAL_ID_FIELD} ${job.entityId}: ${(error as Error).message}`,
      );
    }
    const { outcome, applied, superseded } = written;
    if (!outcome.ok) {
      throw new SyncJobFailure(
        'SALESFORCE_ERROR',
        `Salesforce refused the ${job.entityType} ${EXTERNAL_ID_FIELD} ${job.entityId}: ${outcome.message}`,
      );
    }
    const kept = Object.keys(superseded);
    if (kept.length > 0) {
      this.options.logger.info(
        { jobId: job.id, record: recordKey(object.name, job.entityId), fields: kept },
        'on-demand sync left fields a newer Gentrack event set',
      );
    }
    return {
      system: 'Salesforce',
      action: outcome.created ? 'created' : 'updated',
      entityType: job.entityType,
      id: outcome.id,
      fields: applied,
      ...(kept.length > 0 ? { superseded } : {}),
    };
  }

  /** The entity, read from Gentrack by its reference. */
  private async readEntity(job: SyncJob, at: number): Promise<unknown> {
    const read = onDemandSyncObject(this.options.model, job.entityType)!.read;
    try {
      const response = await this.options.gentrack.send({
        method: read.method,
        path: read.path.replace('{ref}', encodeURIComponent(job.entityId)),
        headers: {
          transactionId: transactionIdOfJob(job.id),
          transactionDateTime: new Date(at).toISOString(),
          traceId: randomUUID(),
          onBehalfOf: job.onBehalfOf,
        },
      });
      return response.body;
    } catch (error) {
      if (hasCode<GentrackCallError>(error, GENTRACK_CALL_FAILED) && error.errorType === 'NOT_FOUND') {
        throw new SyncJobFailure('NOT_FOUND', `Gentrack has no ${job.entityType} with reference ${job.entityId}`);
      }
      if (hasCode<GentrackCallError>(error, GENTRACK_CALL_FAILED))
        throw new SyncJobFailure(error.errorType, `reading from Gentrack failed: ${error.message}`);
      throw error;
    }
  }

  private objectOf(job: SyncJob): SyncedObject {
    const object = findObject(this.options.model, job.entityType);
    if (!object || !onDemandSyncObject(this.options.model, job.entityType)) {
      throw new SyncJobFailure(
        'UNSUPPORTED_ENTITY_TYPE',
        `${job.entityType} cannot be synced on demand by this relay's connector model`,
      );
    }
    return object;
  }

  private async salesforceConnection(): Promise<Connection> {
    try {
      return await this.options.salesforce();
    } catch (error) {
      throw new SyncJobFailure(
        'SALESFORCE_UNAVAILABLE',
        `the relay has no Salesforce session: ${(error as Error).message}`,
      );
    }
  }

  /** Resolves when the outbox says the change was delivered or dead-lettered. */
  private watch(change: ChangeKey): Promise<ChangeState> {
    return new Promise<ChangeState>((resolve, reject) => {
      const watch: Watch = { change, resolve, reject };
      this.watches.add(watch);
      this.checkWatch(watch);
    });
  }

  private checkWatches(): void {
    for (const watch of this.watches) this.checkWatch(watch);
  }

  private checkWatch(watch: Watch): void {
    const state = this.options.outbox.changeState(watch.change);
    if (state?.state === 'pending') return;
    this.watches.delete(watch);
    if (state) watch.resolve(state);
    else {
      // Only after the 72 h redelivery window, once the outbox pruned it: the outcome can no longer be known.
      watch.reject(
        new SyncJobFailure('OUTCOME_UNKNOWN', `the outbox no longer holds transaction ${watch.change.transactionId}`),
      );
    }
  }

  private prune(): void {
    const pruned = this.options.jobs.prune(this.clock() - JOB_RETENTION_MS);
    if (pruned > 0) this.options.logger.info({ pruned }, 'pruned finished on-demand sync jobs');
  }
}
