/**
 * Retrying and discarding a dead letter, for every caller (`gentrack-sf dlq`, the portal): which flow takes a letter
 * back is decided here once. A change or Salesforce event goes back into the outbox (a change Gentrack had rejected
 * under a new transaction id, `<id>-retryN`); a Gentrack event goes back into the inbox. A running relay picks either
 * up within a second, or at its next start.
 */
import { DeadLetterNotFoundError, DeadLetters, GENTRACK_EVENT_SOURCE } from './platform/db/dead-letters.js';
import type { RelayDatabase } from './platform/db/relay-database.js';
import { reassemble } from './to-gentrack/reassemble.js';
import { RelayStore } from './to-gentrack/relay-store.js';
import { InboxStore } from './to-salesforce/inbox-store.js';

export interface RetriedDeadLetter {
  readonly id: number;
  /** Where it went back to. */
  readonly into: 'outbox' | 'inbox';
  /** The outbox transaction id it goes out under, or the Gentrack eventId. */
  readonly transactionId: string;
  /** The record (outbox) or null (a Gentrack event). */
  readonly entityKey: string | null;
  /** What happened, for people. */
  readonly message: string;
}

/** Throws DeadLetterNotFoundError when there is no letter `id` (or it was taken back meanwhile). */
export function retryDeadLetter(db: RelayDatabase, id: number): RetriedDeadLetter {
  if (new DeadLetters(db).get(id)?.source === GENTRACK_EVENT_SOURCE) {
    const eventId = new InboxStore(db).retryDeadLetter(id);
    if (eventId === undefined) throw new DeadLetterNotFoundError(`no dead letter ${id}`);
    return {
      id,
      into: 'inbox',
      transactionId: eventId,
      entityKey: null,
      message: `Dead letter ${id} is back in the inbox as Gentrack event ${eventId}. A running relay applies it within a second; otherwise at its next start.`,
    };
  }
  const revived = new RelayStore(db).retryDeadLetter(id, reassemble);
  return {
    id,
    into: 'outbox',
    transactionId: revived.change.transactionId,
    entityKey: revived.entityKey,
    message:
      `Dead letter ${id} is back in the outbox as transaction ${revived.change.transactionId} (${revived.entityKey}). ` +
      'A running relay sends it within a second; otherwise at its next start.',
  };
}

/** Deletes a letter for good; false when there was none with this id. */
export function discardDeadLetter(db: RelayDatabase, id: number): boolean {
  return new DeadLetters(db).remove(id);
}
