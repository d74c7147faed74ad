/** How a synchronisation run reads to people, the same in `gentrack-sf history` and the portal's history. */
import type { SyncRun } from './sync-history.js';

/** `completed`, `completed with errors`, `failed at <stage>`, or `unfinished` (no end recorded). */
export function syncRunOutcome(run: Pick<SyncRun, 'outcome' | 'failedStage'>): string {
  if (run.outcome === undefined) return 'unfinished';
  return run.outcome === 'failed' && run.failedStage ? `failed at ${run.failedStage}` : run.outcome;
}

/** How long it took (a run or a stage), or '' while it has no end. */
export function syncRunDuration(run: { readonly startedAt: number; readonly endedAt?: number }): string {
  if (run.endedAt === undefined) return '';
  const ms = run.endedAt - run.startedAt;
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
