/**
 * Delivers stored changes to Gentrack: in order per record, in parallel across records (bounded), retrying what may
 * succeed later with exponential backoff and jitter (honouring Retry-After), holding back while the circuit breaker
 * is open, and dead-lettering what cannot succeed.
 *
 * The queue lives in memory for speed; the store is the truth. Deliveries are recorded in batches: losing a batch in
 * a crash only means those changes are sent again, and Gentrack de-duplicates them by X-Transaction-Id.
 */
import type { Logger } from 'pino';
import { EXTERNAL_ID_FIELD } from '../../../model/connector-fields.js';
import type { ConnectorModel } from '../../../model/connector-model.js';
import { GENTRACK_CALL_FAILED, hasCode } from '../platform/errors.js';
import type { GentrackCallError } from '../platform/gentrack/gentrack-call-error.js';
import { CircuitState, createCircuitBreaker, isCircuitOpenError } from '../platform/retry/circuit-breaker.js';
import { decide, retryPolicyOf, type RetryPolicy } from '../platform/retry/decide.js';
import { failureOf, type Failure } from '../platform/retry/failure.js';
import { createOnceOf } from './create-once.js';
import {
  callTransactionId,
  planGentrackCalls,
  type GentrackCall,
  type MissingReferenceError,
} from './gentrack-calls.js';
import type { BadEventError } from './object-event.js';
import type { ObjectChange } from './reassemble.js';
import { failureWriteBack, successWriteBack, type FieldUpdates } from './write-back.js';
import { transactionIdOf, type DeliveredChange, type PendingChange, type RelayStore } from './relay-store.js';

/** What the dispatcher needs from the Gentrack client. */
export interface GentrackSender {
  send(request: {
    method: GentrackCall['method'] | 'GET';
    path: string;
    body?: unknown;
    headers: {
      transactionId: string;
      transactionDateTime: string;
      traceId: string;
      onBehalfOf?: string;
    };
  }): Promise<{ status?: number; body: unknown }>;
}

export type BreakerStateName = 'closed' | 'half_open' | 'open';

/** What the dispatcher tells the relay's metrics; `operation` is the Gentrack operation, or `planning` before any call. */
export interface DeliveryObserver {
  delivered?(change: ObjectChange, operations: readonly string[]): void;
  retried?(change: ObjectChange, errorType: string, delayMs: number, operation: string): void;
  deadLettered?(change: ObjectChange, reasonCode: string, operation: string): void;
  breakerChanged?(open: boolean, state: BreakerStateName): void;
  /** One Gentrack call answered (its HTTP status) or failed without an answer ('error'). */
  called?(operation: string, status: number | 'error', seconds: number): void;
}

/** The label of a failure before any Gentrack call was made (planning the calls, a missing reference). */
const PLANNING = 'planning';

export interface DispatcherOptions {
  readonly model: ConnectorModel;
  readonly store: RelayStore;
  readonly gentrack: GentrackSender;
  readonly logger: Logger;
  /** Calls in flight at once, across records. Default 32. */
  readonly concurrency?: number;
  /** Attempts before a retryable failure is dead-lettered as RETRY_EXHAUSTED. Default 12. */
  readonly maxAttempts?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Consecutive retryable failures that open the breaker. Default 10. */
  readonly breakerThreshold?: number;
  readonly breakerHalfOpenAfterMs?: number;
  /**
   * How often delivered changes are recorded in the store. Default 25 ms: fewer, larger commits write each page of
   * the outbox once instead of once per few deliveries; a crash can only cause that many idempotent redeliveries.
   */
  readonly flushIntervalMs?: number;
  readonly observer?: DeliveryObserver;
  readonly random?: () => number;
}

const WAITING_SCAN_MS = 25;

export class Dispatcher {
  private readonly queues = new Map<string, PendingChange[]>();
  /** Entities whose next change can go now; insertion order keeps it fair. */
  private readonly ready = new Set<string>();
  /** Entities whose next change waits for a retry time. */
  private readonly waiting = new Map<string, number>();
  private readonly learntReferences = new Map<string, string>();
  private readonly delivered: DeliveredChange[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private inFlight = 0;
  private running = false;
  private flushTimer?: NodeJS.Timeout;
  private waitingTimer?: NodeJS.Timeout;
  private readonly breaker;
  private readonly retryPolicy: RetryPolicy;
  private readonly options: Required<Omit<DispatcherOptions, 'observer'>> & { observer: DeliveryObserver };

  constructor(options: DispatcherOptions) {
    this.options = {
      concurrency: 32,
      maxAttempts: 12,
      initialBackoffMs: 500,
      maxBackoffMs: 300_000,
      breakerThreshold: 10,
      breakerHalfOpenAfterMs: 10_000,
      flushIntervalMs: 25,
      random: Math.random,
      observer: {},
      ...options,
    };
    // An unclassified error is a bug here: it is thrown, not retried.
    this.retryPolicy = retryPolicyOf(this.options, 'raise');
    this.breaker = createCircuitBreaker({
      threshold: this.options.breakerThreshold,
      halfOpenAfterMs: this.options.breakerHalfOpenAfterMs,
      onStateChange: (open, state) => {
        if (state === CircuitState.Open || state === CircuitState.Closed) {
          this.options.logger.warn(
            { state: CircuitState[state] },
            open ? 'Gentrack circuit breaker opened' : 'Gentrack circuit breaker closed',
          );
        }
        this.options.observer.breakerChanged?.(
          open,
          state === CircuitState.HalfOpen ? 'half_open' : open ? 'open' : 'closed',
        );
      },
    });
  }

  get breakerOpen(): boolean {
    return this.breaker.state === CircuitState.Open;
  }

  get pendingCount(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += queue.length;
    return count;
  }

  /** Loads what the store still has to deliver (after a restart) and starts delivering. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.enqueue(this.options.store.pendingChanges());
    this.flushTimer = setInterval(() => this.flush(), this.options.flushIntervalMs);
    this.waitingTimer = setInterval(() => this.wakeDueEntities(), WAITING_SCAN_MS);
    this.pump();
  }

  /** Queues changes the store has just committed, in arrival order. */
  enqueue(changes: readonly PendingChange[]): void {
    const now = Date.now();
    for (const pending of changes) {
      let queue = this.queues.get(pending.entityKey);
      if (!queue) {
        queue = [];
        this.queues.set(pending.entityKey, queue);
      }
      queue.push(pending);
      if (queue.length === 1) this.markReadyOrWaiting(pending.entityKey, pending.nextAttemptAt, now);
    }
    this.pump();
  }

  /** Resolves once every queued change is delivered or dead-lettered (changes waiting to retry count as queued). */
  async idle(): Promise<void> {
    if (this.queues.size === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking new work, lets calls in flight finish for up to `graceMs`, and records what was delivered. Calls
   * still running after that are abandoned: their changes stay pending and are sent again after a restart.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.running = false;
    clearInterval(this.waitingTimer);
    const deadline = Date.now() + graceMs;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    clearInterval(this.flushTimer);
    this.flush();
    if (this.inFlight > 0)
      this.options.logger.warn({ inFlight: this.inFlight }, 'abandoned calls still in flight at shutdown');
  }

  private markReadyOrWaiting(entityKey: string, nextAttemptAt: number, now: number): void {
    if (nextAttemptAt > now) this.waiting.set(entityKey, nextAttemptAt);
    else this.ready.add(entityKey);
  }

  private wakeDueEntities(): void {
    const now = Date.now();
    for (const [entityKey, dueAt] of this.waiting) {
      if (dueAt <= now) {
        this.waiting.delete(entityKey);
        this.ready.add(entityKey);
      }
    }
    this.pump();
  }

  private pump(): void {
    while (this.running && this.inFlight < this.options.concurrency && this.ready.size > 0) {
      const entityKey = this.ready.values().next().value as string;
      this.ready.delete(entityKey);
      const head = this.queues.get(entityKey)?.[0];
      if (!head) continue;
      this.inFlight++;
      void this.deliver(head).finally(() => {
        this.inFlight--;
        this.pump();
        this.notifyIfIdle();
      });
    }
  }

  private async deliver(pending: PendingChange): Promise<void> {
    const { change } = pending;
    let calls: GentrackCall[];
    try {
      calls = planGentrackCalls(this.options.model, change, (objectType, recordId) =>
        this.referenceOf(objectType, recordId),
      );
    } catch (error) {
      // A reference learnt later (the parent's delivery) lets the change through: retry it.
      if (hasCode<MissingReferenceError>(error, 'REFERENCE_PENDING')) {
        return this.retryOrDeadLetter(
          pending,
          {
            kind: 'classified',
            code: error.code,
            message: error.message,
            retryable: true,
          },
          PLANNING,
        );
      }
      if (hasCode<BadEventError>(error, 'BAD_EVENT'))
        return this.deadLetter(pending, error.code, error.message, PLANNING);
      throw error;
    }

    const responses: unknown[] = [];
    for (const call of calls) {
      const started = performance.now();
      const timed = (status: number | 'error') =>
        this.options.observer.called?.(call.operation, status, (performance.now() - started) / 1000);
      try {
        const response = await this.breaker.execute(() => this.send(pending, call));
        timed(response.status ?? 200);
        responses.push(response.body);
      } catch (error) {
        // A call the open breaker refused was never made: it has no duration.
        if (!isCircuitOpenError(error))
          timed(hasCode<GentrackCallError>(error, GENTRACK_CALL_FAILED) ? (error.status ?? 'error') : 'error');
        return this.retryOrDeadLetter(
          pending,
          failureOf(error, `${call.operation} ${call.method} ${call.path}`, 'Gentrack'),
          call.operation,
        );
      }
    }
    this.completed(pending, calls, responses);
  }

  /**
   * One call, as its own Gentrack transaction. An operation Gentrack does not de-duplicate is preceded by a read of
   * what it makes, and not sent when the read finds this change's effect (made before a crash or a lost answer).
   */
  private async send(pending: PendingChange, call: GentrackCall): Promise<{ status?: number; body: unknown }> {
    const { change } = pending;
    const headers = {
      transactionId: callTransactionId(transactionIdOf(pending), call),
      transactionDateTime: change.changedAt,
      traceId: pending.traceId,
      ...(change.changedBy ? { onBehalfOf: change.changedBy } : {}),
    };
    const once = createOnceOf(call.operation);
    if (once) {
      const found = await this.readEffect(once.read(call), headers);
      if (found !== undefined && once.made(found.body, call)) {
        this.options.logger.info(
          { transactionId: headers.transactionId, operation: call.operation, path: call.path },
          'Gentrack already has the effect of this call; not sending it again',
        );
        return found;
      }
    }
    return this.options.gentrack.send({ method: call.method, path: call.path, body: call.body, headers });
  }

  /** The read before a create-once call: undefined when Gentrack has nothing there yet (404). */
  private async readEffect(
    read: { method: 'GET'; path: string },
    headers: Parameters<GentrackSender['send']>[0]['headers'],
  ): Promise<{ status?: number; body: unknown } | undefined> {
    try {
      return await this.options.gentrack.send({ ...read, headers });
    } catch (error) {
      if (hasCode<GentrackCallError>(error, GENTRACK_CALL_FAILED) && error.errorType === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  private completed(pending: PendingChange, calls: readonly GentrackCall[], responses: readonly unknown[]): void {
    const { change } = pending;
    const entry: { -readonly [K in keyof DeliveredChange]: DeliveredChange[K] } = { seq: pending.seq };
    if (change.operationType !== 'DELETE' && calls.length > 0) {
      const fields: FieldUpdates = {};
      const syncedAt = new Date();
      calls.forEach((call, index) =>
        Object.assign(fields, successWriteBack(call.writeBack, responses[index], syncedAt)),
      );
      entry.writeBack = { objectType: change.objectType, recordId: change.recordId, fields };
      const reference = fields[EXTERNAL_ID_FIELD] ?? (change.newValues?.[EXTERNAL_ID_FIELD] as string | undefined);
      const key = `${change.objectType}:${change.recordId}`;
      // Every update carries the record's reference: storing it again unchanged would only rewrite its page.
      if (reference && this.learntReferences.get(key) !== reference) {
        entry.learntReference = { objectType: change.objectType, recordId: change.recordId, reference };
        this.learntReferences.set(key, reference);
      }
    }
    this.delivered.push(entry);
    if (this.delivered.length >= 256) this.flush();
    this.options.observer.delivered?.(
      change,
      calls.map((call) => call.operation),
    );
    this.advance(pending.entityKey);
  }

  /** Retries the change, dead-letters it or throws, as the retry policy decides. */
  private retryOrDeadLetter(pending: PendingChange, failure: Failure, operation: string): void {
    const decision = decide(failure, pending.attempts, this.retryPolicy);
    if (decision.action === 'raise') throw decision.error;
    if (decision.action === 'dead-letter') return this.deadLetter(pending, decision.code, decision.message, operation);
    const { attempts, delayMs, code: reasonCode, message } = decision;
    const nextAttemptAt = Date.now() + delayMs;
    const updated: PendingChange = { ...pending, attempts, nextAttemptAt };
    const queue = this.queues.get(pending.entityKey)!;
    queue[0] = updated;
    this.options.store.scheduleRetry(pending.seq, attempts, nextAttemptAt, `${reasonCode}: ${message}`);
    this.options.observer.retried?.(pending.change, reasonCode, delayMs, operation);
    this.options.logger.debug(
      { transactionId: pending.change.transactionId, reasonCode, delayMs, attempts },
      'delivery will be retried',
    );
    if (this.running) this.waiting.set(pending.entityKey, nextAttemptAt);
  }

  private deadLetter(pending: PendingChange, reasonCode: string, reason: string, operation: string): void {
    const { change } = pending;
    this.flush(); // keep the store's order of events: deliveries before this dead letter
    const writeBack =
      change.operationType === 'DELETE'
        ? undefined
        : {
            objectType: change.objectType,
            recordId: change.recordId,
            fields: failureWriteBack(`${reasonCode}: ${reason}`),
          };
    this.options.store.deadLetterChange(pending.seq, reasonCode, reason, writeBack);
    this.options.observer.deadLettered?.(change, reasonCode, operation);
    this.options.logger.error(
      { transactionId: change.transactionId, objectType: change.objectType, recordId: change.recordId, reasonCode },
      `change dead-lettered: ${reason}`,
    );
    this.advance(pending.entityKey);
  }

  /** Moves an entity on to its next change once the head is done. */
  private advance(entityKey: string): void {
    const queue = this.queues.get(entityKey)!;
    queue.shift();
    if (queue.length === 0) {
      this.queues.delete(entityKey);
      return;
    }
    if (this.running) this.markReadyOrWaiting(entityKey, queue[0]!.nextAttemptAt, Date.now());
  }

  private referenceOf(objectType: string, recordId: string): string | undefined {
    return (
      this.learntReferences.get(`${objectType}:${recordId}`) ?? this.options.store.referenceOf(objectType, recordId)
    );
  }

  private flush(): void {
    if (this.delivered.length === 0) return;
    const batch = this.delivered.splice(0, this.delivered.length);
    this.options.store.recordDelivered(batch);
  }

  private notifyIfIdle(): void {
    if (this.queues.size > 0 || this.inFlight > 0) return;
    this.flush();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
