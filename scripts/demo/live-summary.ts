/** The demo's terminal summary: what Salesforce changed, what the relay holds, what Gentrack received. */
import type { RelayHealth } from '../../relay/src/relay.js';

export interface DemoSnapshot {
  readonly elapsedSeconds: number;
  readonly salesforce: { counts: Readonly<Record<string, number>>; failures: number; lastFailure?: string };
  readonly eventsPublished: number;
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
    `  effective writes ${gentrack.counters.effectiveWrites}   idempotent replays ${gentrack.counters.replays}   out of order ${gentrack.counters.outOfOrder}`,
    `  ${formatEntities(gentrack.entities)}`,
    '  latest calls:',
    ...gentrack.recent.map((call) => `    ${String(call.status).padEnd(4)} ${call.method.padEnd(5)} ${call.path.padEnd(48)} ${call.operation}`),
  ];
  return `${CLEAR}${lines.join('\n')}\n`;
}

function formatEntities(entities: Readonly<Record<string, number>>): string {
  return Object.entries(entities)
    .filter(([, count]) => typeof count === 'number')
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
}
