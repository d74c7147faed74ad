/**
 * What the Initial Data Synchronisation page needs from the relay, handed to the portal by the composition root
 * (relay/src/initial-sync-runs.ts runs the initial-sync flow behind it): checks before a run, one run at a time,
 * cancelling, and what the run is doing now. The portal never loads anything itself.
 */

export interface PreflightView {
  /** False when a check failed: `error` says which and why, and nothing may be started. */
  readonly ok: boolean;
  readonly error?: string;
  /** The extract files that would load, in load order, with their record counts (an estimate for CSV). */
  readonly files: readonly { readonly name: string; readonly object: string; readonly records: number }[];
  readonly total: number;
  /** Warnings of the checks (files or columns that are ignored). */
  readonly notes: readonly string[];
}

export type StageState = 'waiting' | 'running' | 'completed' | 'completed with errors' | 'failed' | 'skipped';

export interface StageView {
  readonly name: string;
  readonly state: StageState;
  readonly counts?: Readonly<Record<string, number>>;
  readonly error?: string;
}

export type EmailState =
  | { readonly state: 'off' }
  | { readonly state: 'sending' }
  | { readonly state: 'sent'; readonly to: readonly string[] }
  | { readonly state: 'failed'; readonly error: string };

export interface RunView {
  readonly runId: string;
  readonly extract: string;
  readonly initiatedBy: string;
  readonly startedAt: number;
  readonly endedAt?: number;
  /** `unfinished`: a run of an earlier relay process that never recorded its end. */
  readonly state: 'running' | 'cancelling' | 'ended' | 'unfinished';
  readonly cancelledBy?: string;
  readonly stages: readonly StageView[];
  /** Records finished of the total, across stages. */
  readonly done: number;
  readonly total: number;
  readonly outcome?: 'completed' | 'completed with errors' | 'failed';
  readonly failedStage?: string;
  readonly error?: string;
  /** The report of rows that did not load, as a file in Salesforce. */
  readonly reportUrl?: string;
  /** ... and on the relay host. */
  readonly reportFile?: string;
  /** Runs of earlier relay processes were not followed live: their email is not known. */
  readonly email?: EmailState;
}

export type StartAnswer =
  { readonly started: true; readonly runId: string } | { readonly started: false; readonly reason: string };

export interface InitialSyncControl {
  /** The folder extracts are chosen under. */
  readonly extractRoot: string;
  /** Who is emailed the outcome; empty when no email is configured. */
  readonly emailRecipients: readonly string[];
  /** The checks a run starts with, run alone: both systems, the org's data model, the extract. Changes nothing. */
  preflight(extractDir: string): Promise<PreflightView>;
  /** Starts a run in the background, unless one is running. */
  start(extractDir: string, initiatedBy: string): StartAnswer;
  /** Stops the running load at its next row (publishing is re-enabled all the same); false when none is running. */
  cancel(by: string): boolean;
  /** The running run, else the last one (also of an earlier relay process), else undefined. */
  current(): RunView | undefined;
}
