/**
 * The optional notification when a run ends: a JSON POST to a webhook URL (Slack-style incoming webhooks, an
 * operations bot). Best effort: a notification that fails is reported, the run's outcome stays what it was.
 */
import { request } from 'undici';
import { RelayError } from '../platform/errors.js';

export interface RunNotification {
  readonly runId: string;
  readonly kind: 'initial-sync';
  readonly outcome: string;
  readonly failedStage?: string;
  readonly error?: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly reportLocation?: string;
  readonly startedAt: string;
  readonly endedAt: string;
  /** One line for chat tools that show `text`. */
  readonly text: string;
}

export class NotificationError extends RelayError {
  readonly code = 'NOTIFICATION_FAILED';
}

export async function notifyWebhook(url: string, notification: RunNotification, timeoutMs = 10_000): Promise<void> {
  let status: number;
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(notification),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    status = response.statusCode;
    await response.body.dump();
  } catch (error) {
    throw new NotificationError(`could not notify ${new URL(url).origin}: ${(error as Error).message}`);
  }
  if (status < 200 || status >= 300)
    throw new NotificationError(`${new URL(url).origin} answered the notification with ${status}`);
}
