/**
 * `gentrack-sf history [--limit n] [--json]`: the synchronisation history (initial synchronisations and on-demand
 * syncs) from the relay's store, latest first.
 */
import type { Command } from 'commander';
import type { SyncRun } from '../../relay/src/platform/db/sync-history.js';
import { syncRunDuration, syncRunOutcome } from '../../relay/src/platform/db/sync-run-summary.js';
import { CliUsageError } from '../cli-usage-error.js';

interface HistoryOptions {
  limit: string;
  json?: boolean;
  kind?: string;
  store?: string;
  config?: string;
}

export function registerHistoryCommand(program: Command): void {
  program
    .command('history')
    .description('List initial synchronisations and on-demand syncs: when, who, stages, counts, outcome, report')
    .option('--limit <n>', 'at most this many runs', '20')
    .option('--kind <kind>', 'only "initial" or "on-demand" runs')
    .option('--json', 'print JSON')
    .option('--store <path>', 'the relay store file (default: store.path of the relay configuration)')
    .option('--config <file>', 'relay configuration file (default: $GENTRACK_RELAY_CONFIG_FILE)')
    .action(async (options: HistoryOptions) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new CliUsageError(`--limit must be a positive whole number, got "${options.limit}"`);
      if (options.kind !== undefined && options.kind !== 'initial' && options.kind !== 'on-demand') {
        throw new CliUsageError(`--kind must be "initial" or "on-demand", got "${options.kind}"`);
      }
      const { SyncHistory } = await import('../../relay/src/platform/db/sync-history.js');
      const { loadRelayConfig } = await import('../../relay/src/platform/config/relay-config.js');
      const file = options.store ?? loadRelayConfig(options.config ? { file: options.config } : {}).store.path;
      const history = SyncHistory.open(file, { create: false });
      try {
        const runs = history.list({
          limit,
          ...(options.kind ? { kind: options.kind as 'initial' | 'on-demand' } : {}),
        });
        if (options.json) return console.log(JSON.stringify(runs.map(toJson), null, 2));
        if (runs.length === 0) return console.log('No synchronisation has run yet.');
        console.log(formatHistory(runs));
      } finally {
        history.close();
      }
    });
}

function toJson(run: SyncRun) {
  return {
    ...run,
    startedAt: new Date(run.startedAt).toISOString(),
    endedAt: run.endedAt === undefined ? null : new Date(run.endedAt).toISOString(),
    outcome: run.outcome ?? 'unfinished',
    stages: run.stages.map((stage) => ({
      ...stage,
      startedAt: new Date(stage.startedAt).toISOString(),
      ...(stage.endedAt === undefined ? {} : { endedAt: new Date(stage.endedAt).toISOString() }),
    })),
  };
}

/** A table, one run per line, then the details of runs that did not simply complete. */
export function formatHistory(runs: readonly SyncRun[]): string {
  const rows = runs.map((run) => [
    new Date(run.startedAt).toISOString().replace('T', ' ').slice(0, 19),
    run.kind,
    syncRunDuration(run),
    run.initiatedBy,
    syncRunOutcome(run),
    Object.entries(run.counts)
      .filter(([, count]) => count > 0)
      .map(([name, count]) => `${name} ${count}`)
      .join(', '),
    run.subject,
  ]);
  const header = ['STARTED (UTC)', 'KIND', 'TOOK', 'WHO', 'OUTCOME', 'COUNTS', 'WHAT'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  const details = runs
    .filter((run) => run.error || run.reportLocation || run.outcome === undefined)
    .map((run) => {
      const parts = [`${run.id} (${run.kind}, ${new Date(run.startedAt).toISOString()})`];
      if (run.outcome === undefined)
        parts.push('  no end recorded: still running, or the process stopped before it finished');
      if (run.error) parts.push(`  error: ${run.error}`);
      if (run.reportLocation) parts.push(...run.reportLocation.split('\n').map((location) => `  report: ${location}`));
      return parts.join('\n');
    });
  return [line(header), ...rows.map(line), ...(details.length > 0 ? ['', ...details] : [])].join('\n');
}
