/**
 * Email when dead letters come in a burst (config `email.deadLetterBursts`): every so often the store is asked how
 * many letters were filed within the window; at the threshold the recipients get one email with the counts by source
 * and reason code, and no other until a window has passed. Only codes and counts are sent, never a payload (they
 * hold customer data). A send that fails is logged and tried again at the next check.
 */
import type { RelayConfig } from './platform/config/relay-config-schema.js';
import type { Secret } from './platform/config/secret.js';
import { DeadLetters } from './platform/db/dead-letters.js';
import { openRelayDatabase } from './platform/db/relay-database.js';
import { createSmtpMailer, type Mailer } from './platform/mail/smtp-mailer.js';
import type { Logger } from './platform/ops/logger.js';

export interface DeadLetterBurstOptions {
  readonly letters: Pick<DeadLetters, 'filedSince'>;
  readonly mailer: Mailer;
  readonly threshold: number;
  readonly windowMs: number;
  readonly tenantId: string;
  /** The portal's address, for a link to its dead letters (else the email names `gentrack-sf dlq list`). */
  readonly portalUrl?: string;
  readonly logger: Logger;
  readonly clock?: () => number;
  /** How often the store is asked (default a minute, or the window when shorter). */
  readonly checkEveryMs?: number;
}

const SOURCES: Record<string, string> = {
  event: 'Salesforce events',
  change: 'changes for Gentrack',
  'gentrack-event': 'Gentrack events',
};

export class DeadLetterBurstAlarm {
  private timer?: NodeJS.Timeout;
  private lastSentAt = -Infinity;
  private checking?: Promise<unknown>;
  private readonly clock: () => number;

  constructor(private readonly options: DeadLetterBurstOptions) {
    this.clock = options.clock ?? Date.now;
  }

  start(): void {
    const every = this.options.checkEveryMs ?? Math.min(60_000, this.options.windowMs);
    this.timer = setInterval(
      () => void (this.checking ??= this.check().finally(() => (this.checking = undefined))),
      every,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
  }

  /** One look at the store: 'sent' when a burst was emailed now. */
  async check(): Promise<'quiet' | 'held' | 'sent' | 'failed'> {
    const { options } = this;
    const now = this.clock();
    const counts = options.letters.filedSince(now - options.windowMs);
    const total = counts.reduce((sum, row) => sum + row.count, 0);
    if (total < options.threshold) return 'quiet';
    if (now - this.lastSentAt < options.windowMs) return 'held';
    try {
      await options.mailer.send(
        deadLetterBurstEmail({
          counts,
          total,
          windowMs: options.windowMs,
          tenantId: options.tenantId,
          ...(options.portalUrl ? { portalUrl: options.portalUrl } : {}),
        }),
      );
      this.lastSentAt = now;
      return 'sent';
    } catch (error) {
      options.logger.warn({ err: error, deadLetters: total }, 'the email of a dead-letter burst was not sent');
      return 'failed';
    }
  }
}

export function deadLetterBurstEmail(input: {
  readonly counts: readonly { source: string; reasonCode: string; count: number }[];
  readonly total: number;
  readonly windowMs: number;
  readonly tenantId: string;
  readonly portalUrl?: string;
}): { subject: string; text: string } {
  const minutes = Math.round(input.windowMs / 60_000);
  const lines = [
    `${input.total} dead letters were filed in the last ${minutes} minutes: the relay could not deliver them.`,
    '',
    'COUNT  SOURCE                 REASON CODE',
    ...input.counts.map(
      (row) => `${String(row.count).padStart(5)}  ${(SOURCES[row.source] ?? row.source).padEnd(22)} ${row.reasonCode}`,
    ),
    '',
    input.portalUrl
      ? `See them, retry or discard them in the portal: ${input.portalUrl}/dead-letters`
      : 'See them with gentrack-sf dlq list; retry or discard them with gentrack-sf dlq retry | discard.',
    `No other email about dead letters is sent for the next ${minutes} minutes.`,
  ];
  return {
    subject: `[${input.tenantId}] ${input.total} Gentrack relay dead letters in the last ${minutes} minutes`,
    text: `${lines.join('\n')}\n`,
  };
}

/**
 * The alarm the relay runs when config `email.deadLetterBursts` is set (else undefined), on a store connection and a
 * mailer of its own; `stop` closes both.
 */
export function startDeadLetterBurstAlarm(options: {
  readonly config: RelayConfig;
  readonly smtpPassword: Secret | undefined;
  readonly logger: Logger;
  readonly portalUrl?: string;
}): { stop(): Promise<void> } | undefined {
  const { config } = options;
  const bursts = config.email?.deadLetterBursts;
  if (!config.email || !bursts) return undefined;
  const db = openRelayDatabase(config.store.path);
  const mailer = createSmtpMailer(config.email, options.smtpPassword);
  const alarm = new DeadLetterBurstAlarm({
    letters: new DeadLetters(db),
    mailer,
    threshold: bursts.threshold,
    windowMs: bursts.windowMinutes * 60_000,
    tenantId: config.tenantId,
    ...(options.portalUrl ? { portalUrl: options.portalUrl } : {}),
    logger: options.logger,
  });
  alarm.start();
  return {
    async stop() {
      await alarm.stop();
      mailer.close();
      db.close();
    },
  };
}
