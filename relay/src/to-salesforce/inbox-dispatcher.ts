/**
 * Applies the Gentrack events in the inbox to Salesforce, in batches: reads the entities some events name from
 * Gentrack, drops the fields a newer event has already set, upserts the rest by External ID in sObject Collections
 * (one record per batch at most once, so events of one record never race), creates follow-up Tasks, and records
 * the outcome. Failures retry with exponential backoff and jitter behind circuit breakers (one for Gentrack reads,
 * one for Salesforce writes), as the outbox dispatcher does; what cannot succeed goes to the dead-letter store.
 */
import type { Logger } from 'pino';
import { findObject, type ConnectorModel } from '../../../model/connector-model.js';
import { readEnvelope, type GentrackEnvelope } from './webhooks/gentrack-envelope.js';
import {
  INBOUND_EVENT_ERROR_CODES,
  planInboundEvent,
  type InboundEventError,
  type InboundPlan,
} from './inbound-plan.js';
import { fieldsFromEntity } from './gentrack-entity-fields.js';
import { withoutSuperseded } from './newer-wins.js';
import { RecordLocks } from './record-locks.js';
import type { EndpointEvent, InboundWriter, SaveOutcome } from './salesforce-writer.js';
import type { InboxEvent, InboxOutcome, InboxStore } from './inbox-store.js';
import { hasCode } from '../platform/errors.js';
import { CircuitState, createCircuitBreaker } from '../platform/retry/circuit-breaker.js';
import { decide, retryPolicyOf, type RetryPolicy } from '../platform/retry/decide.js';
import { failureOf, type Failure } from '../platform/retry/failure.js';
import type { GentrackClient } from '../platform/gentrack/gentrack-client.js';

export interface InboundObserver {
  applied?(eventType: string): void;
  superseded?(eventType: string): void;
  retried?(eventType: string, reasonCode: string, delayMs: number): void;
  deadLettered?(eventType: string, reasonCode: string): void;
}

export interface InboundDispatcherOptions {
  readonly model: ConnectorModel;
  readonly inbox: InboxStore;
  readonly writer: Pick<InboundWriter, 'upsert' | 'ownersOf' | 'createTasks' | 'postEvents'>;
  readonly gentrack: Pick<GentrackClient, 'send'>;
  readonly logger: Logger;
  /** Attempts before a retryable failure is dead-lettered as RETRY_EXHAUSTED. Default 12. */
  readonly maxAttempts?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Consecutive retryable failures that open a breaker. Default 10. */
  readonly breakerThreshold?: number;
  readonly breakerHalfOpenAfterMs?: number;
  /** Events (distinct records) per batch; Salesforce takes 200 records per collection call. Default 200. */
  readonly batchSize?: number;
  /** How often the inbox is looked at for retries that came due. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Gentrack reads in flight at once. Default 8. */
  readonly readConcurrency?: number;
  readonly observer?: InboundObserver;
  /** Held for a batch's records while newer-wins decides and records; shared with on-demand syncs' writes. */
  readonly recordLocks?: RecordLocks;
  readonly random?: () => number;
  readonly clock?: () => number;
}

interface Work {
  readonly event: InboxEvent;
  readonly envelope: GentrackEnvelope;
  readonly plan: InboundPlan;
  /** The entity read from Gentrack, and its Gentrack-mastered fields. */
  entity?: unknown;
  entityFields?: Record<string, unknown>;
  apply?: Record<string, unknown>;
  superseded?: string[];
  recordId?: string;
  tasksCreated?: number;
  /** Why the event did not finish in this batch. */
  failure?: Failure;
}

/** An event as the Event Endpoint takes it: the fields a newer event set are skipped there too. */
function endpointEvent(work: Work): EndpointEvent {
  const { envelope } = work;
  return {
    eventId: envelope.eventId,
    eventType: envelope.eventType,
    createdAt: envelope.createdAt,
    data: envelope.data,
    ...(work.entity === undefined ? {} : { entity: work.entity }),
    skipFields: work.superseded ?? [],
  };
}

export class InboundDispatcher {
  private readonly options: Required<Omit<InboundDispatcherOptions, 'observer'>> & { observer: InboundObserver };
  private readonly retryPolicy: RetryPolicy;
  private readonly gentrackBreaker;
  private readonly salesforceBreaker;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;

  constructor(options: InboundDispatcherOptions) {
    this.options = {
      maxAttempts: 12,
      initialBackoffMs: 500,
      maxBackoffMs: 300_000,
      breakerThreshold: 10,
      breakerHalfOpenAfterMs: 10_000,
      batchSize: 200,
      pollIntervalMs: 250,
      readConcurrency: 8,
      random: Math.random,
      clock: Date.now,
      recordLocks: new RecordLocks(),
      observer: {},
      ...options,
    };
    // A bug or an unexpected failure keeps the event for a later try rather than losing the batch.
    this.retryPolicy = retryPolicyOf(this.options, 'retry');
    const breaker = (name: string) =>
      createCircuitBreaker({
        threshold: this.options.breakerThreshold,
        halfOpenAfterMs: this.options.breakerHalfOpenAfterMs,
        onStateChange: (open, state) => {
          if (state === CircuitState.Open || state === CircuitState.Closed) {
            this.options.logger.warn(
              { breaker: name, state: CircuitState[state] },
              `${name} circuit breaker ${open ? 'opened' : 'closed'} (Gentrack events)`,
            );
          }
        },
      });
    this.gentrackBreaker = breaker('Gentrack read');
    this.salesforceBreaker = breaker('Salesforce write');
  }

  /** `inbound.deliverTo: apex`: the generated Event Endpoint applies the events in the org. */
  private get inApex(): boolean {
    return this.options.model.inbound?.deliverTo === 'apex';
  }

  get breakerOpen(): { gentrack: boolean; salesforce: boolean } {
    return {
      gentrack: this.gentrackBreaker.state === CircuitState.Open,
      salesforce: this.salesforceBreaker.state === CircuitState.Open,
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.wake();
  }

  /** Looks at the inbox now (a webhook was just stored). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.workOff().finally(() => {
      this.running = undefined;
    });
  }

  /** Stops polling and waits for the batch in hand; unfinished events stay in the inbox for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Works off every event that is due now (tests and the demo settle with it). */
  async drain(): Promise<void> {
    await this.running;
    while ((await this.runBatch()) > 0);
  }

  private async workOff(): Promise<void> {
    do {
      this.again = false;
      try {
        while (!this.stopped && (await this.runBatch()) > 0);
      } catch (error) {
        this.options.logger.error(
          { err: error },
          'Gentrack event batch failed; its events stay in the inbox and are tried again',
        );
      }
    } while (this.again && !this.stopped);
  }

  /** One batch; returns how many inbox events it settled or rescheduled (0: nothing was due). */
  private async runBatch(): Promise<number> {
    const { inbox, batchSize } = this.options;
    const due = inbox.due(batchSize * 4, this.options.clock());
    if (due.length === 0) return 0;
    const batch: Work[] = [];
    const records = new Set<string>();
    let settled = 0;
    for (const event of due) {
      if (batch.length >= batchSize) break;
      const work = this.prepare(event);
      if (!work) {
        settled++;
        continue;
      }
      // A later event of a record already in this batch waits for the next one: no two writes of a record race.
      if (records.has(work.plan.recordKey)) continue;
      records.add(work.plan.recordKey);
      batch.push(work);
    }
    await this.read(batch.filter((work) => work.plan.read));
    // From reading the field versions to recording them, no on-demand sync writes these records.
    await this.options.recordLocks.hold(records, async () => {
      this.dropSuperseded(batch);
      await this.write(batch);
      await this.followUp(batch);
      this.settle(batch);
    });
    return settled + batch.length;
  }

  /** Parses and plans one event; events that can never apply are dead-lettered here (undefined). */
  private prepare(event: InboxEvent): Work | undefined {
    let reading;
    try {
      reading = readEnvelope(JSON.parse(event.rawBody));
    } catch {
      reading = { problem: 'the stored body is not JSON' };
    }
    if ('problem' in reading) {
      this.deadLetter(event, undefined, 'BAD_EVENT', reading.problem);
      return undefined;
    }
    try {
      return { event, envelope: reading.envelope, plan: planInboundEvent(this.options.model, reading.envelope) };
    } catch (error) {
      if (!hasCode<InboundEventError>(error, ...INBOUND_EVENT_ERROR_CODES)) throw error;
      this.deadLetter(event, undefined, error.code, error.message);
      return undefined;
    }
  }

  private async read(batch: Work[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < batch.length) {
        const work = batch[next++]!;
        const { plan, envelope } = work;
        try {
          const response = await this.gentrackBreaker.execute(() =>
            this.options.gentrack.send({
              method: 'GET',
              path: plan.read!.path,
              headers: {
                transactionId: `gentrack-event-${plan.eventId}`,
                transactionDateTime: envelope.createdAt,
                traceId: plan.eventId,
              },
            }),
          );
          work.entity = response.body;
          work.entityFields = fieldsFromEntity(findObject(this.options.model, plan.objectType)!, response.body);
        } catch (error) {
          work.failure = failureOf(error, `${plan.read!.operation} GET ${plan.read!.path}`, 'Gentrack');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.readConcurrency, batch.length) }, worker));
  }

  /** Keeps only the fields no newer event has set; an event left with nothing to set is superseded. */
  private dropSuperseded(batch: Work[]): void {
    for (const work of batch) {
      if (work.failure) continue;
      const { plan } = work;
      const fields = { ...work.entityFields, ...plan.fields };
      const versions = this.options.inbox.fieldVersions(plan.objectType, plan.reference);
      const { apply, superseded } = withoutSuperseded(fields, versions, plan.createdAtMs);
      work.apply = apply;
      work.superseded = superseded;
    }
  }

  private async write(batch: Work[]): Promise<void> {
    const byObject = new Map<string, Work[]>();
    for (const work of batch) {
      if (work.failure || Object.keys(work.apply!).length === 0) continue;
      byObject.set(work.plan.objectType, [...(byObject.get(work.plan.objectType) ?? []), work]);
    }
    for (const [objectType, works] of byObject) {
      let outcomes: SaveOutcome[];
      try {
        outcomes = await this.salesforceBreaker.execute(() =>
          this.inApex
            ? this.options.writer.postEvents(works.map((work) => endpointEvent(work)))
            : this.options.writer.upsert(
                objectType,
                works[0]!.plan.externalIdField,
                works.map((work) => ({ reference: work.plan.reference, fields: work.apply! })),
              ),
        );
      } catch (error) {
        const failure = failureOf(error, this.inApex ? 'the Event Endpoint' : `upsert ${objectType}`, 'Salesforce');
        for (const work of works) work.failure = failure;
        continue;
      }
      outcomes.forEach((outcome, index) => {
        const work = works[index]!;
        if (outcome.ok) work.recordId = outcome.id;
        else work.failure = this.refusal(work, outcome);
      });
    }
  }

  /**
   * Why Salesforce refused an event's write. The Event Endpoint judges the event itself (its type, its values), so
   * its refusals name the event; an upsert's name the record.
   */
  private refusal(work: Work, outcome: SaveOutcome & { ok: false }): Failure {
    const { plan } = work;
    const message = this.inApex
      ? `the Event Endpoint refused ${plan.eventType} event ${plan.eventId} (${plan.objectType} ${plan.reference}): ${outcome.message}`
      : `Salesforce refused ${plan.objectType} ${plan.reference}: ${outcome.message}`;
    return { kind: 'classified', code: outcome.code, message, retryable: outcome.retryable };
  }

  /** Tasks for the owners of the records just written (events that were superseded create none). */
  private async followUp(batch: Work[]): Promise<void> {
    if (this.inApex) return; // the Event Endpoint creates them in the org
    const byObject = new Map<string, Work[]>();
    for (const work of batch) {
      if (work.failure || !work.recordId || work.plan.tasks.length === 0) continue;
      byObject.set(work.plan.objectType, [...(byObject.get(work.plan.objectType) ?? []), work]);
    }
    for (const [objectType, works] of byObject) {
      try {
        const owners = await this.salesforceBreaker.execute(() =>
          this.options.writer.ownersOf(
            objectType,
            works.map((work) => work.recordId!),
          ),
        );
        const tasks = works.flatMap((work) =>
          work.plan.tasks.map((task) => ({
            work,
            task: { ...task, WhatId: work.recordId!, OwnerId: owners.get(work.recordId!) },
          })),
        );
        const outcomes = await this.salesforceBreaker.execute(() =>
          this.options.writer.createTasks(
            tasks.map(({ task }) =>
              Object.fromEntries(Object.entries(task).filter(([, value]) => value !== undefined)),
            ),
          ),
        );
        outcomes.forEach((outcome, index) => {
          const { work } = tasks[index]!;
          if (outcome.ok) work.tasksCreated = (work.tasksCreated ?? 0) + 1;
          else
            work.failure ??= {
              kind: 'classified',
              code: outcome.code,
              message: `the follow-up Task for ${objectType} ${work.plan.reference} failed: ${outcome.message}`,
              retryable: outcome.retryable,
            };
        });
      } catch (error) {
        const failure = failureOf(error, `follow-up Tasks for ${objectType}`, 'Salesforce');
        for (const work of works) work.failure = failure;
      }
    }
  }

  private settle(batch: Work[]): void {
    const finished: Parameters<InboxStore['finish']>[0][number][] = [];
    for (const work of batch) {
      const { plan, event } = work;
      if (work.failure) {
        this.fail(work, work.failure);
        continue;
      }
      const applied = Object.keys(work.apply!);
      const outcome: InboxOutcome = {
        record: plan.recordKey,
        applied,
        superseded: work.superseded!,
        ...(work.tasksCreated ? { tasks: work.tasksCreated } : {}),
      };
      if (applied.length === 0 && work.superseded!.length > 0) {
        finished.push({ seq: event.seq, state: 'superseded', outcome });
        this.options.logger.info(
          { eventId: plan.eventId, eventType: plan.eventType, record: plan.recordKey, fields: work.superseded },
          'Gentrack event superseded: newer events already set its fields',
        );
        this.options.observer.superseded?.(plan.eventType);
        continue;
      }
      if (applied.length === 0) {
        this.options.logger.warn(
          { eventId: plan.eventId, eventType: plan.eventType, record: plan.recordKey },
          'Gentrack event carried none of the mapped values; nothing to apply',
        );
      }
      finished.push({
        seq: event.seq,
        state: 'applied',
        outcome,
        versions: {
          objectType: plan.objectType,
          reference: plan.reference,
          fields: applied,
          createdAtMs: plan.createdAtMs,
          eventId: plan.eventId,
        },
      });
      this.options.logger.debug(
        { eventId: plan.eventId, eventType: plan.eventType, record: plan.recordKey, fields: applied },
        'Gentrack event applied',
      );
      this.options.observer.applied?.(plan.eventType);
    }
    this.options.inbox.finish(finished);
  }

  /** Retries the event or dead-letters it, as the retry policy decides. */
  private fail(work: Work, failure: Failure): void {
    const { event } = work;
    const decision = decide(failure, event.attempts, this.retryPolicy);
    if (decision.action === 'raise') throw decision.error; // not with this policy: unclassified errors retry
    if (decision.action === 'dead-letter') return this.deadLetter(event, work.plan, decision.code, decision.message);
    const { attempts, delayMs, code, message } = decision;
    this.options.inbox.scheduleRetry(event.seq, attempts, this.options.clock() + delayMs, `${code}: ${message}`);
    this.options.observer.retried?.(event.eventType, code, delayMs);
    this.options.logger.debug(
      { eventId: event.eventId, reasonCode: code, delayMs, attempts },
      'Gentrack event will be retried',
    );
  }

  private deadLetter(event: InboxEvent, plan: InboundPlan | undefined, code: string, message: string): void {
    this.options.inbox.deadLetter(event.seq, code, message, plan?.recordKey ?? null);
    this.options.observer.deadLettered?.(event.eventType, code);
    this.options.logger.error(
      { eventId: event.eventId, eventType: event.eventType, record: plan?.recordKey, reasonCode: code },
      `Gentrack event dead-lettered: ${message}`,
    );
  }
}
