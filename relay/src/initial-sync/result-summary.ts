/**
 * A run's result as text for people: the table of stages with their counts and times, and the outcome, as the CLI
 * prints it at the end and the outcome email carries it.
 */
import type { InitialSyncResult, StageResult } from './run-initial-sync.js';

const number = (value: number) => value.toLocaleString('en-US');

/** Rows that did not load: unmappable, refused by Salesforce, or not processed by a failed job. */
export function notLoaded(counts: { unmapped: number; failed: number; unprocessed: number }): number {
  return counts.unmapped + counts.failed + counts.unprocessed;
}

/** One line per stage: outcome, rows read, created, updated, unchanged, not loaded, and how long it took. */
export function stageTable(stages: readonly StageResult[]): string[] {
  const lines = ['STAGE                 OUTCOME                READ     CREATED  UPDATED  UNCHANGED  NOT LOADED  TOOK'];
  for (const stage of stages) {
    const counts = stage.counts;
    lines.push(
      [
        stage.name.padEnd(21),
        (stage.outcome ?? '').padEnd(22),
        (counts ? number(counts.read) : '').padStart(8),
        (counts ? number(counts.created) : '').padStart(8),
        (counts ? number(counts.updated) : '').padStart(8),
        (counts ? number(counts.unchanged) : '').padStart(10),
        (counts ? number(notLoaded(counts)) : '').padStart(11),
        `${(((stage.endedAt ?? stage.startedAt) - stage.startedAt) / 1000).toFixed(1)} s`.padStart(9),
      ].join(' '),
    );
  }
  return lines;
}

/** The outcome in one phrase: `completed`, `completed with errors`, or `failed at stage "contacts": why`. */
export function outcomeText(result: Pick<InitialSyncResult, 'outcome' | 'failedStage' | 'error'>): string {
  return `${result.outcome}${result.failedStage ? ` at stage "${result.failedStage}": ${result.error}` : ''}`;
}

export function formatResult(result: InitialSyncResult): string {
  const lines = ['', ...stageTable(result.stages), '', `Outcome: ${outcomeText(result)}`];
  if (result.reportFile) lines.push(`Report of rows that did not load: ${result.reportFile}`);
  if (result.attachedReport) lines.push(`Attached in Salesforce: ${result.attachedReport.url}`);
  if (result.notificationError) lines.push(`Notification not delivered: ${result.notificationError}`);
  lines.push(`Run ${result.runId} is in the history: gentrack-sf history`, '');
  return lines.join('\n');
}
