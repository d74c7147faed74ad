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

/** The actions on one connection to the store; the stores they use are made once (a bulk retry takes thousands). */
export class DeadLetterActions {
  private readonly letters: DeadLetters;
  private readonly outbox: RelayStore;
  private readonly inbox: InboxStore;

  constructor(db: RelayDatabase) {
    this.letters = new DeadLetters(db);
    this.outbox = new RelayStore(db);
    this.inbox = new InboxStore(db);
  }

  /** Throws DeadLetterNotFoundError when there is no letter `id` (or it was taken back meanwhile). */
  retry(id: number): RetriedDeadLetter {
    if (this.letters.get(id)?.source === GENTRACK_EVENT_SOURCE) {
      const eventId = this.inbox.retryDeadLetter(id);
      if (eventId === undefined) throw new DeadLetterNotFoundError(`no dead letter ${id}`);
      return {
        id,
        into: 'inbox',
        transactionId: eventId,
        entityKey: null,
        message: `Dead letter ${id} is back in the inbox as Gentrack event ${eventId}. A running relay applies it within a second; otherwise at its next start.`,
      };
    }
    const revived = this.outbox.retryDeadLetter(id, reassemble);
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
  discard(id: number): boolean {
    return this.letters.remove(id);
  }
}
