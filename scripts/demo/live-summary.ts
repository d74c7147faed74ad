/** The demo's terminal summary: what Salesforce changed, what the relay holds, what Gentrack received. */
import type { RelayHealth } from '../../relay/src/relay.js';

export interface DemoSnapshot {
  readonly elapsedSeconds: number;
  readonly salesforce: { counts: Readonly<Record<string, number>>; failures: number; lastFailure?: string };
  /** EventBus.publish calls the org's triggers made. */
  readonly eventsPublished: number;
  /** Set when the demo has stopped: whether the relay committed every published event and delivered what it stored. */
  readonly caughtUp?: boolean;
  readonly relay: RelayHealth;
  readonly gentrack: {
    counters: { requests: number; effectiveWrites: number; replays: number; faulted: number; outOfOrder: number };
    entities: Readonly<Record<string, number>>;
    recent: readonly { operation: string; method: string; path: string; status: number }[];
  };
}

const CLEAR = '\u001b[2J\u001b[H';

export function renderSummary(snapshot: DemoSnapshot, { interactive }: { interactive: boolean }): string {
  const { salesforce, relay, gentrack } = snapshot;
  const changes = Object.values(salesforce.counts).reduce((sum, count) => sum + count, 0);
  if (!interactive) {
    return (
      `[${snapshot.elapsedSeconds.toFixed(0)} s] Salesforce changes: ${changes}, ` +
      `relay pending: ${relay.pending}, dead letters: ${relay.deadLetters}, ` +
      `Gentrack writes: ${gentrack.counters.effectiveWrites} (${formatEntities(gentrack.entities)})\n`
    );
  }
  const lines = [
    `Gentrack <-> Salesforce connector demo — ${snapshot.elapsedSeconds.toFixed(0)} s (Ctrl-C to stop)`,
    '',
    'Salesforce (sandbox org, changes made through the REST API)',
    ...Object.entries(salesforce.counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, count]) => `  ${kind.padEnd(32)} ${String(count).padStart(6)}`),
    `  ${'rejected by Salesforce'.padEnd(32)} ${String(salesforce.failures).padStart(6)}${salesforce.lastFailure ? `  (${salesforce.lastFailure.slice(0, 60)})` : ''}`,
    '',
    'Relay',
    `  subscription ${relay.subscription}, circuit breaker ${relay.breakerOpen ? 'OPEN' : 'closed'}`,
    `  pending ${relay.pending}   parts waiting ${relay.parts}   dead letters ${relay.deadLetters}   write-backs ${relay.writeBacks}`,
    '',
    'Gentrack (sandbox tenant)',
    `  effective writes ${gentrack.counters.effectiveWrites}   idempotent replays ${gentrack.counters.replays}   older than the entity's last change ${gentrack.counters.outOfOrder}`,
    `  ${formatEntities(gentrack.entities)}`,
    '  latest calls:',
    ...gentrack.recent.map(
      (call) =>
        `    ${String(call.status).padEnd(4)} ${call.method.padEnd(5)} ${call.path.padEnd(48)} ${call.operation}`,
    ),
  ];
  return `${CLEAR}${lines.join('\n')}\n`;
}

function formatEntities(entities: Readonly<Record<string, number>>): string {
  return Object.entries(entities)
    .filter(([, count]) => typeof count === 'number')
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
}

/** What the figures mean, and what to try next: printed once when the demo ends. */
export function renderExplanation(snapshot: DemoSnapshot, { logFile }: { logFile: string }): string {
  const changes = Object.values(snapshot.salesforce.counts).reduce((sum, count) => sum + count, 0);
  const { effectiveWrites, replays, outOfOrder } = snapshot.gentrack.counters;
  const byKind = Object.entries(snapshot.salesforce.counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  return [
    '',
    snapshot.caughtUp === false
      ? `The relay had not caught up 10 s after the last change: ${snapshot.relay.pending} changes still pending; see its log.`
      : 'The relay caught up: it committed every event the org published and delivered what it stored.',
    `  Salesforce changes by kind: ${byKind}`,
    `  EventBus.publish calls by the connector's triggers: ${snapshot.eventsPublished}`,
    '',
    'What the figures mean',
    `  ${changes} Salesforce changes became ${effectiveWrites} Gentrack writes. They need not match: a change of a field the`,
    '  model does not track publishes nothing; an account update can be two calls (update-account, update-account-parent);',
    "  a new contact with an account is a contact and its direct relation, and Gentrack's customer-sync answers create",
    '  write-backs (the new account number) that go to Salesforce, not Gentrack.',
    `  ${replays} idempotent replays: calls Gentrack had already applied (same X-Transaction-Id), answered without a second effect.`,
    `  ${outOfOrder} older than the entity's last change: calls about one Gentrack entity that came from two Salesforce records`,
    '  (a contact and its relation both change the Gentrack contact) and crossed on the way; Gentrack applies them and',
    '  the sandbox counts them. Changes of one Salesforce record are always sent in order.',
    ...(snapshot.salesforce.failures > 0
      ? [
          `  ${snapshot.salesforce.failures} changes the demo tried were refused by Salesforce itself: ${snapshot.salesforce.lastFailure ?? ''}`,
        ]
      : []),
    '',
    'Next',
    `  the relay's log:                 ${logFile}`,
    '  run the stand-ins yourself:       npx gentrack-sf sandbox   (then `gentrack-sf relay` as it prints)',
    '  what could not be delivered:      npx gentrack-sf dlq --config var/sandbox/relay.json list',
    '  the connector model and its Apex: config/connector.yaml, then npm run generate; README.md explains both',
    '',
  ].join('\n');
}
