/**
 * Gentrack -> Salesforce, assembled: the webhook server receives and verifies Gentrack's events, the inbox stores
 * them, and the inbound dispatcher applies them to Salesforce as the connector model's `inbound` section says. The
 * relay creates this when its configuration has a `webhooks` section.
 */
import type { Connection } from 'jsforce';
import type { Logger } from 'pino';
import type { ConnectorModel } from '../../../model/connector-model.js';
import type { RelayConfig } from '../platform/config/relay-config-schema.js';
import type { WebhooksConfig } from '../platform/config/webhooks-config-schema.js';
import type { GentrackClient } from '../platform/gentrack/gentrack-client.js';
import { InboundDispatcher, type InboundObserver } from './inbox-dispatcher.js';
import { InboundWriter } from './salesforce-writer.js';
import type { ComponentHealth } from '../platform/ops/health.js';
import { componentLogger } from '../platform/ops/logger.js';
import { InboxStore } from './inbox-store.js';
import type { RecordLocks } from './record-locks.js';
import { loadWebhookKeys } from './webhooks/webhook-keys.js';
import { startWebhookServer, type RefusalCode, type WebhookServer } from './webhooks/webhook-server.js';

/** Applied events are remembered this long, so Gentrack's redelivery of one has no second effect. */
export const INBOX_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

export interface GentrackInboundObserver extends InboundObserver {
  /** A new event was stored in the inbox (a repeated eventId is not counted again). */
  accepted?(eventType: string): void;
  refused?(code: RefusalCode): void;
}

export interface GentrackInboundOptions {
  readonly webhooks: WebhooksConfig;
  readonly store: RelayConfig['store'];
  readonly delivery: RelayConfig['delivery'];
  readonly model: ConnectorModel;
  readonly gentrack: Pick<GentrackClient, 'send'>;
  /** The integration user's connection. */
  readonly salesforce: () => Promise<Connection>;
  readonly logger: Logger;
  readonly observer?: GentrackInboundObserver;
  /** Shared with on-demand syncs' writer, so the two never apply newer-wins to one record at once. */
  readonly recordLocks?: RecordLocks;
}

export class GentrackInbound {
  readonly inbox: InboxStore;
  readonly dispatcher: InboundDispatcher;
  private readonly keys;
  private server?: WebhookServer;
  private pruneTimer?: NodeJS.Timeout;

  constructor(private readonly options: GentrackInboundOptions) {
    // Before anything opens: a missing or unusable key file stops the relay with its path.
    this.keys = loadWebhookKeys(options.webhooks);
    this.inbox = InboxStore.open(options.store.path, { synchronous: options.store.synchronous });
    const { delivery } = options;
    this.dispatcher = new InboundDispatcher({
      model: options.model,
      inbox: this.inbox,
      writer: new InboundWriter({ connection: options.salesforce }),
      gentrack: options.gentrack,
      logger: componentLogger(options.logger, 'gentrack-events'),
      maxAttempts: delivery.maxAttempts,
      initialBackoffMs: delivery.initialBackoffMs,
      maxBackoffMs: delivery.maxBackoffMs,
      breakerThreshold: delivery.breakerThreshold,
      breakerHalfOpenAfterMs: delivery.breakerHalfOpenAfterMs,
      ...(options.observer ? { observer: options.observer } : {}),
      ...(options.recordLocks ? { recordLocks: options.recordLocks } : {}),
    });
  }

  /** The webhook URL the server listens on (after start). */
  get url(): string | undefined {
    return this.server?.url;
  }

  async start(): Promise<void> {
    const { webhooks } = this.options;
    this.dispatcher.start();
    this.server = await startWebhookServer({
      host: webhooks.host,
      port: webhooks.port,
      appId: webhooks.appId,
      tenantIds: webhooks.tenantIds,
      keys: this.keys,
      toleranceSeconds: webhooks.timestampToleranceSeconds,
      bodyLimitBytes: webhooks.bodyLimitBytes,
      store: (envelope, rawBody) => this.inbox.receive(envelope, rawBody),
      onStored: (envelope) => {
        this.options.observer?.accepted?.(envelope.eventType);
        this.dispatcher.wake();
      },
      ...(this.options.observer?.refused ? { onRefused: this.options.observer.refused } : {}),
      logger: componentLogger(this.options.logger, 'webhooks'),
    });
    this.pruneTimer = setInterval(() => this.inbox.pruneFinished(Date.now() - INBOX_RETENTION_MS), PRUNE_INTERVAL_MS);
    this.pruneTimer.unref();
  }

  /** For GET /readyz: not ready while a breaker is open (Gentrack reads or Salesforce writes keep failing). */
  health(): ComponentHealth {
    const breakers = this.dispatcher.breakerOpen;
    const counts = this.inbox.counts();
    const open = [
      breakers.gentrack ? 'Gentrack reads' : undefined,
      breakers.salesforce ? 'Salesforce writes' : undefined,
    ].filter(Boolean);
    return {
      healthy: open.length === 0,
      detail: {
        listening: this.server?.url ?? 'not started',
        pending: counts.pending,
        deadLetters: counts.dead,
        ...(open.length > 0 ? { circuitOpen: `${open.join(' and ')} keep failing` } : {}),
      },
    };
  }

  /** Stops receiving first (Gentrack redelivers what it could not deliver), then finishes the batch in hand. */
  async stop(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.server?.close();
    await this.dispatcher.stop();
    this.inbox.close();
  }
}
