/**
 * `gentrack-sf dlq list | show <id> | retry <id> | discard <id>`: the relay's dead-letter store, for operators. It
 * opens the relay's SQLite store directly (WAL lets it do so while the relay runs); a retried change is picked up by
 * a running relay within a second, or at its next start. Every commit it makes is durable (synchronous FULL).
 */
import type { Command } from 'commander';
import { loadRelayConfig } from '../../relay/src/platform/config/relay-config.js';
import { DeadLetterActions } from '../../relay/src/dead-letter-actions.js';
import { DeadLetters, type DeadLetter } from '../../relay/src/platform/db/dead-letters.js';
import { openRelayDatabase, type RelayDatabase } from '../../relay/src/platform/db/relay-database.js';
import { CliUsageError } from '../cli-usage-error.js';

interface StoreOptions {
  store?: string;
  config?: string;
}

export function registerDlqCommand(program: Command): void {
  const dlq = program
    .command('dlq')
    .description('Inspect, retry or discard what the relay could not deliver (its dead-letter store)')
    .option('--store <path>', 'the relay store file (default: store.path of the relay configuration)')
    .option('--config <file>', 'relay configuration file (default: $GENTRACK_RELAY_CONFIG_FILE)');

  dlq
    .command('list')
    .description('List dead letters, oldest first')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action((options: { limit: string; json?: boolean }) =>
      withStore(dlq.opts<StoreOptions>(), (store) => {
        const letters = store.letters.list(Number(options.limit));
        if (options.json) return console.log(JSON.stringify(letters.map(summary), null, 2));
        if (letters.length === 0) return console.log('The dead-letter store is empty.');
        console.log(['ID', 'WHEN', 'CODE', 'RECORD', 'REASON'].join('\t'));
        for (const letter of letters) {
          console.log(
            [
              letter.id,
              new Date(letter.createdAt).toISOString(),
              letter.reasonCode,
              letter.entityKey ?? '(event)',
              truncate(letter.reason, 100),
            ].join('\t'),
          );
        }
      }),
    );

  dlq
    .command('show <id>')
    .description('Show one dead letter with its reason and payload')
    .action((id: string) =>
      withStore(dlq.opts<StoreOptions>(), ({ letters }) => {
        const letter = letters.get(parseId(id));
        if (!letter) throw new CliUsageError(`no dead letter ${id} (see gentrack-sf dlq list)`);
        console.log(JSON.stringify({ ...summary(letter), payload: parsePayload(letter.payload) }, null, 2));
      }),
    );

  dlq
    .command('retry <id>')
    .description(
      'Put a dead letter back into the outbox (or a Gentrack event back into the inbox) after fixing its cause',
    )
    .action((id: string) =>
      withStore(dlq.opts<StoreOptions>(), ({ db, letters }) => {
        if (!letters.get(parseId(id))) throw new CliUsageError(`no dead letter ${id} (see gentrack-sf dlq list)`);
        console.log(new DeadLetterActions(db).retry(parseId(id)).message);
      }),
    );

  dlq
    .command('discard <id>')
    .description('Delete a dead letter for good')
    .requiredOption('--yes', 'confirm: the change will never be sent')
    .action((id: string) =>
      withStore(dlq.opts<StoreOptions>(), ({ db }) => {
        if (!new DeadLetterActions(db).discard(parseId(id)))
          throw new CliUsageError(`no dead letter ${id} (see gentrack-sf dlq list)`);
        console.log(`Dead letter ${id} discarded.`);
      }),
    );
}

/** One connection for the whole command; the outbox and the inbox work on it only to retry a letter. */
function withStore(options: StoreOptions, run: (store: { db: RelayDatabase; letters: DeadLetters }) => void): void {
  const path = options.store ?? loadRelayConfig(options.config ? { file: options.config } : {}).store.path;
  const db = openRelayDatabase(path, { synchronous: 'FULL', create: false });
  try {
    run({ db, letters: new DeadLetters(db) });
  } finally {
    db.close();
  }
}

function summary(letter: DeadLetter) {
  return {
    id: letter.id,
    createdAt: new Date(letter.createdAt).toISOString(),
    source: letter.source,
    reasonCode: letter.reasonCode,
    reason: letter.reason,
    transactionId: letter.transactionId,
    record: letter.entityKey,
    attempts: letter.attempts,
  };
}

function parseId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id < 1)
    throw new CliUsageError(`"${text}" is not a dead-letter id (a positive whole number)`);
  return id;
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function truncate(text: string, length: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > length ? `${oneLine.slice(0, length - 1)}…` : oneLine;
}
