/**
 * The relay, assembled: Salesforce events come in through the subscriber, are stored in the outbox, go out to
 * Gentrack through the dispatcher, and their results are written back to Salesforce. This module only wires the
 * parts together and owns their start and stop order.
 */
import type { Logger } from 'pino';
import type { ConnectorModel } from '../../model/connector-model.js';
import type { RelayConfig } from './platform/config/relay-config-schema.js';
import type { RelaySecrets } from './platform/config/relay-secrets.js';
import { createGentrackClient, type GentrackClient } from './platform/gentrack/gentrack-client.js';
import { gentrackNetworkFrom } from './platform/gentrack/gentrack-connections.js';
import { Dispatcher, type DeliveryObserver } from './to-gentrack/outbox-dispatcher.js';
import { EventSubscriber, type ReceivedEvent, type SubscriptionState } from './to-gentrack/event-subscriber.js';
import { GentrackInbound, type GentrackInboundObserver } from './to-salesforce/gentrack-inbound.js';
import { InboxStore } from './to-salesforce/inbox-store.js';
import { InboundWriter } from './to-salesforce/salesforce-writer.js';
import { RecordLocks } from './to-salesforce/record-locks.js';
import { connectorModel } from './platform/connector-model.generated.js';
import { readObjectEvent, type BadEventError } from './to-gentrack/object-event.js';
import { lockStore, type StoreLock } from './platform/db/store-lock.js';
import { hasCode } from './platform/errors.js';
import { reassemble } from './to-gentrack/reassemble.js';
import { integrationSession } from './platform/salesforce/integration-session.js';
import type { SalesforceAuthError, SalesforceSession } from './platform/salesforce/salesforce-session.js';
import { WriteBackFlusher } from './to-gentrack/write-back-flusher.js';
import { ApiClientStore } from './platform/api-auth/api-client-store.js';
import { openRelayDatabase, type RelayDatabase } from './platform/db/relay-database.js';
import { RelayStore, type IncomingEvent, type IngestOutcome } from './to-gentrack/relay-store.js';
import { SyncHistory } from './platform/db/sync-history.js';
import { SyncJobStore } from './sync-jobs/sync-job-store.js';
import type { SyncJob } from './sync-jobs/sync-job.js';
import { SyncJobRunner } from './sync-jobs/sync-job-runner.js';

/** Salesforce keeps events 72 hours: delivered transactions are remembered as long, to recognise redeliveries. */
const REDELIVERY_WINDOW_MS = 72 * 60 * 60 * 1000;
const HOUSEKEEPING_INTERVAL_MS = 10_000;
const REVIVAL_POLL_MS = 1_000;
/**
 * Above this many undelivered changes the subscriber stops asking for more events: they wait in Salesforce's event
 * bus instead. Each one the dispatcher holds is a parsed change in the heap, so a deeper backlog only costs memory
 * and garbage collection; 2,000 is half a second of delivery at full speed, plenty to keep every delivery slot busy
 * while the next events are fetched (bench:relay: 20,000 cost the relay ~7 % more CPU per event).
 */
const BACKLOG_HIGH_WATER = 2_000;

export interface RelayObserver extends DeliveryObserver {
  ingested?(outcome: IngestOutcome, count: number): void;
  subscriptionChanged?(state: SubscriptionState): void;
  writeBacksApplied?(count: number): void;
  /** Gentrack's webhook events into Salesforce (when the configuration has `webhooks`). */
  readonly gentrackEvents?: GentrackInboundObserver;
}

export interface RelayOptions {
  readonly config: RelayConfig;
  readonly secrets: RelaySecrets;
  readonly logger: Logger;
  readonly model?: ConnectorModel;
  readonly observer?: RelayObserver;
  /** Called when the relay cannot go on (e.g. the replay id is past retention); the caller decides to exit. */
  readonly onFatal?: (error: Error) => void;
  /** Called with every on-demand sync job that finished (e.g. to keep a sync history). */
  readonly onSyncJobFinished?: (job: SyncJob) => void;
}

export interface RelayHealth {
  readonly subscription: SubscriptionState;
  readonly breakerOpen: boolean;
  readonly pending: number;
  readonly parts: number;
  readonly deadLetters: number;
  readonly writeBacks: number;
}

export class Relay {
  readonly store: RelayStore;
  readonly dispatcher: Dispatcher;
  readonly salesforce: SalesforceSession;
  readonly gentrack: GentrackClient;
  /** The API's registered client (token endpoint) and the on-demand sync jobs, in the store file's API tables. */
  readonly apiClients: ApiClientStore;
  readonly syncJobs: SyncJobRunner;
  /** Gentrack's webhook events into Salesforce; present when the configuration has a `webhooks` section. */
  readonly gentrackEvents?: GentrackInbound;
  private readonly apiDatabase: RelayDatabase;
  private readonly fieldVersions: InboxStore;
  private readonly subscriber: EventSubscriber;
  private readonly writeBacks: WriteBackFlusher;
  private housekeeping?: NodeJS.Timeout;
  private revivals?: NodeJS.Timeout;
  private subscriptionState: SubscriptionState = 'stopped';
  private stopping = false;
  private readonly storeLock: StoreLock | undefined;

  constructor(private readonly options: RelayOptions) {
    const { config, secrets, logger } = options;
    const model = options.model ?? connectorModel;
    const observer = options.observer ?? {};
    // Before anything is opened: a TLS file that cannot be used stops the start, naming the setting and the file.
    const gentrackNetwork = gentrackNetworkFrom(config.gentrack, secrets);
    // Before anything opens the store: a second relay on it would deliver its outbox twice.
    this.storeLock = config.store.path === ':memory:' ? undefined : lockStore(config.store.path);
    this.store = RelayStore.open({
      path: config.store.path,
      synchronous: config.store.synchronous,
      checkpointInBackground: true,
      onCheckpointFailure: (reason) => logger.warn({ reason }, 'store checkpoints are back on the relay thread'),
    });
    this.gentrack = createGentrackClient({
      baseUrl: config.gentrack.baseUrl,
      tokenUrl: config.gentrack.tokenUrl,
      clientId: config.gentrack.clientId,
      clientSecret: secrets.gentrackClientSecret.reveal(),
      ...(config.gentrack.scopes ? { scopes: config.gentrack.scopes } : {}),
      network: gentrackNetwork,
      responseTimeoutMs: config.gentrack.responseTimeoutMs,
      connectTimeoutMs: config.gentrack.connectTimeoutMs,
      idleTimeoutMs: config.gentrack.idleTimeoutMs,
      connections: config.gentrack.connections,
      logger: logger.child({ component: 'gentrack' }),
    });
    this.dispatcher = new Dispatcher({
      model,
      store: this.store,
      gentrack: this.gentrack,
      logger: logger.child({ component: 'dispatcher' }),
      concurrency: config.delivery.concurrency,
      maxAttempts: config.delivery.maxAttempts,
      initialBackoffMs: config.delivery.initialBackoffMs,
      maxBackoffMs: config.delivery.maxBackoffMs,
      breakerThreshold: config.delivery.breakerThreshold,
      breakerHalfOpenAfterMs: config.delivery.breakerHalfOpenAfterMs,
      observer,
    });
    this.salesforce = integrationSession(config, secrets, logger.child({ component: 'salesforce' }));
    this.writeBacks = new WriteBackFlusher({
      store: this.store,
      connection: async () => {
        await this.salesforce.session();
        return this.salesforce.connection;
      },
      logger: logger.child({ component: 'write-back' }),
      ...(observer.writeBacksApplied ? { onApplied: observer.writeBacksApplied } : {}),
    });
    this.apiDatabase = openRelayDatabase(config.store.path);
    this.apiClients = new ApiClientStore(this.apiDatabase);
    // On-demand syncs to Salesforce keep newer-wins with Gentrack's webhook events: the field versions the inbox
    // keeps, in the store file, whether or not this relay takes webhooks, and one set of record locks.
    this.fieldVersions = InboxStore.open(config.store.path, { synchronous: config.store.synchronous });
    const recordLocks = new RecordLocks();
    this.syncJobs = new SyncJobRunner({
      model,
      jobs: new SyncJobStore(this.apiDatabase),
      outbox: this.store,
      dispatcher: this.dispatcher,
      salesforce: async () => {
        await this.salesforce.session();
        return this.salesforce.connection;
      },
      gentrack: this.gentrack,
      writer: new InboundWriter({
        connection: async () => {
          await this.salesforce.session();
          return this.salesforce.connection;
        },
        recordLocks,
      }),
      fieldVersions: this.fieldVersions,
      history: new SyncHistory(this.apiDatabase),
      logger: logger.child({ component: 'sync-jobs' }),
      ...(options.onSyncJobFinished ? { onJobFinished: options.onSyncJobFinished } : {}),
    });
    if (config.webhooks) {
      this.gentrackEvents = new GentrackInbound({
        webhooks: config.webhooks,
        store: config.store,
        delivery: config.delivery,
        model,
        gentrack: this.gentrack,
        salesforce: async () => {
          await this.salesforce.session();
          return this.salesforce.connection;
        },
        logger,
        recordLocks,
        ...(observer.gentrackEvents ? { observer: observer.gentrackEvents } : {}),
      });
    }
    const topic = config.salesforce.topic;
    this.subscriber = new EventSubscriber({
      topic,
      pubSubEndpoint: config.salesforce.pubSubEndpoint,
      rejectUnauthorizedTls: config.salesforce.rejectUnauthorizedTls,
      session: (request) => this.salesforce.session(request),
      checkpoint: () => this.store.checkpoint(topic),
      store: (events) => this.ingest(topic, events),
      backlogged: () => this.dispatcher.pendingCount > BACKLOG_HIGH_WATER,
      replayFallback: config.salesforce.replayFallback,
      batchSize: config.salesforce.batchSize,
      keepaliveTimeoutMs: config.salesforce.keepaliveTimeoutMs,
      logger: logger.child({ component: 'subscriber' }),
      onStateChange: (state) => {
        this.subscriptionState = state;
        observer.subscriptionChanged?.(state);
      },
      onFatal: (error) => {
        logger.fatal({ code: error.code }, error.message);
        this.options.onFatal?.(error);
      },
    });
  }

  async start(): Promise<void> {
    this.dispatcher.start();
    this.writeBacks.start();
    this.syncJobs.start();
    // Missing parts are noticed within half the part timeout.
    const housekeepingMs = Math.min(
      HOUSEKEEPING_INTERVAL_MS,
      Math.max(50, this.options.config.delivery.partTimeoutMs / 2),
    );
    this.housekeeping = setInterval(() => this.houseKeep(), housekeepingMs);
    this.revivals = setInterval(() => this.pickUpRevived(), REVIVAL_POLL_MS);
    await this.gentrackEvents?.start();
    await this.checkSalesforceCredentials();
    await this.subscriber.start();
  }

  /**
   * Refused credentials (a wrong secret, user or password) end the start: retrying for ever at warn level while
   * claiming "relay started" hides them. An unreachable Salesforce does not: the subscriber keeps trying, and the
   * relay is not ready (/readyz) until it connects.
   */
  private async checkSalesforceCredentials(): Promise<void> {
    try {
      await this.salesforce.session();
    } catch (error) {
      if (hasCode<SalesforceAuthError>(error, 'SALESFORCE_AUTH_FAILED') && error.refused) throw error;
      this.options.logger.warn({ err: error }, 'Salesforce is not reachable yet; the subscription keeps trying');
    }
  }

  /**
   * Stops taking events, lets calls in flight finish for up to the grace period (the rest stay pending and are sent
   * again after a restart), applies the write-backs it can, and closes the store.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.housekeeping);
    clearInterval(this.revivals);
    await this.subscriber.stop();
    await this.gentrackEvents?.stop();
    await this.syncJobs.stop();
    await this.dispatcher.stop(this.options.config.delivery.shutdownGraceMs);
    await this.writeBacks
      .stop()
      .catch((error: Error) => this.options.logger.warn({ err: error }, 'write-backs left for the next start'));
    await this.gentrack.close({ abandonAfterMs: 1_000 });
    this.store.close();
    if (this.apiDatabase.open) this.apiDatabase.close();
    this.fieldVersions.close();
    this.storeLock?.release();
  }

  health(): RelayHealth {
    const counts = this.store.counts();
    return {
      subscription: this.subscriptionState,
      breakerOpen: this.dispatcher.breakerOpen,
      pending: counts.pending,
      parts: counts.parts,
      deadLetters: counts.dead,
      writeBacks: counts.writeBacks,
    };
  }

  /** The disk refused to sync the outbox: its durability is gone, so the relay stops rather than go on without it. */
  private storeFailed(error: unknown): void {
    if (this.stopping) return;
    const failure = new Error(
      `the relay store could not be synced to disk: ${error instanceof Error ? error.message : String(error)}`,
    );
    this.options.logger.fatal({ err: error }, failure.message);
    this.options.onFatal?.(failure);
  }

  /** Applies due write-backs now (tests and the demo use it to settle). */
  flushWriteBacks(): Promise<void> {
    return this.writeBacks.flushOnce();
  }

  private ingest(topic: string, events: readonly ReceivedEvent[]): void {
    const incoming: IncomingEvent[] = events.map((event) => {
      if (event.error || !event.payload) {
        return {
          replayId: event.replayId,
          part: { error: event.error ?? { code: 'CORRUPT_EVENT', message: 'no payload' }, raw: '' },
        };
      }
      try {
        return { replayId: event.replayId, part: readObjectEvent(event.payload, `replay-${event.replayId}`) };
      } catch (error) {
        const message = hasCode<BadEventError>(error, 'BAD_EVENT') ? error.message : String(error);
        return {
          replayId: event.replayId,
          part: { error: { code: 'BAD_EVENT', message }, raw: safeJson(event.payload) },
        };
      }
    });
    const { outcomes, stored, durable } = this.store.ingest(
      topic,
      incoming,
      events[events.length - 1]!.replayId,
      reassemble,
    );
    // Nothing of a batch reaches Gentrack before the batch is on disk. Batches become durable in commit order.
    durable.then(
      () => this.dispatcher.enqueue(stored),
      (error: unknown) => this.storeFailed(error),
    );
    const observer = this.options.observer;
    if (observer?.ingested) {
      const counts = new Map<IngestOutcome, number>();
      for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
      for (const [outcome, count] of counts) observer.ingested(outcome, count);
    }
  }

  /** Picks up changes an operator retried from the dead-letter store while the relay runs. */
  private pickUpRevived(): void {
    const revived = this.store.takeRevivedChanges();
    if (revived.length > 0) {
      this.options.logger.info({ count: revived.length }, 'retrying changes revived from the dead-letter store');
      this.dispatcher.enqueue(revived);
    }
  }

  private houseKeep(): void {
    const expired = this.store.expireIncompleteParts(this.options.config.delivery.partTimeoutMs);
    if (expired > 0) this.options.logger.error({ expired }, 'changes with missing parts were dead-lettered');
    this.store.pruneDelivered(Date.now() - REDELIVERY_WINDOW_MS);
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return String(value);
  }
}
