/**
 * The initial synchronisation: Gentrack's extract loaded into Salesforce over Bulk API 2.0, upserting by External ID,
 * in named stages: preflight (Validate Data Model, both systems reachable, the extract readable), disable
 * publishing, one stage per object (accounts, contacts, relations: parents' jobs complete before children's
 * start), re-enable publishing (always, also after a failure, restoring the previous value) and report.
 *
 * An object stage reads its extract and uploads its first jobs while the previous stage's last jobs run, and submits
 * them once that stage has completed: Salesforce goes from one object to the next without waiting for the loader.
 * The stage starts, for progress and the history, when its jobs may be submitted.
 *
 * The outcome is exactly one of: completed; completed with errors (some rows did not load: they are in a CSV report,
 * also attached in Salesforce as a file); failed (naming the stage). Every run is recorded in the synchronisation
 * history. A re-run after fixing the data converges: unchanged rows are not sent again.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConnectorModel } from '../../../model/connector-model.js';
import type { SyncHistory, SyncOutcome, SyncStage } from '../platform/db/sync-history.js';
import { LEASE_GIVE_UP_MS, LEASE_RENEW_MS, type InitialSyncLease } from '../platform/db/initial-sync-lease.js';
import { validateOrg } from '../validate-org/check-org.js';
import { DEFAULT_BULK_SETTINGS, type BulkSettings, type SalesforceAccess } from './bulk-pass.js';
import { ExistingRecords } from './existing-records.js';
import { countRecords, csvHeader, ignoredExtractFiles, locateExtractFiles, type ExtractFile } from './extract-files.js';
import { attachReport, FailedRowsReport, type AttachedReport } from './failed-rows-report.js';
import { loadPlan } from './load-plan.js';
import { notifyWebhook } from './notify.js';
import { InterruptedError, loadObjectStage, zeroCounts, type StageCounts } from './object-stage.js';
import type { Progress } from './progress.js';
import { disablePublishing, restorePublishing, type PublishingState } from './publishing-switch.js';
import { hasCode, RelayError } from '../platform/errors.js';

export const STAGES = {
  preflight: 'preflight',
  disablePublishing: 'disable publishing',
  enablePublishing: 're-enable publishing',
  report: 'report',
} as const;

export interface InitialSyncOptions {
  readonly extractDir: string;
  /** Where the report of failed rows is written. */
  readonly reportDir: string;
  readonly model: ConnectorModel;
  /** The integration user's session: the connection, its organization, and renewal. */
  readonly salesforce: SalesforceAccess & { organizationId(): Promise<string> };
  /** Throws when Gentrack cannot be reached (its token endpoint refuses or does not answer). */
  readonly checkGentrack: () => Promise<void>;
  readonly progress: Progress;
  readonly history?: SyncHistory;
  /** Who started the run, for the history. */
  readonly initiatedBy: string;
  readonly bulk?: Partial<BulkSettings>;
  /** POSTs the outcome here at the end. */
  readonly notifyUrl?: string;
  /** A record, user or library id to publish the report file to (default: the integration user's files). */
  readonly shareReportWith?: string;
  /** Scratch files (existing records, rows to adopt); default the OS temp directory. */
  readonly scratchDir?: string;
  /** Aborting stops the load at the next row; publishing is still re-enabled and the run recorded as failed. */
  readonly signal?: AbortSignal;
  /** Tries at re-enabling publishing before giving up (default 5, a second apart). */
  readonly restoreAttempts?: number;
  /** The run's id in the history (default a new UUID): a caller that follows the run knows it before it ends. */
  readonly runId?: string;
  /** The caller claimed the history's initial-sync lease for `runId` already (the portal, to answer Start truly). */
  readonly leaseClaimed?: boolean;
}

/** What preflight found: the extract files to load, with their record counts (an estimate for CSV). */
export interface PreflightResult {
  readonly files: readonly { readonly file: ExtractFile; readonly records: number }[];
  readonly total: number;
}

export interface StageResult extends SyncStage {
  readonly counts?: StageCounts;
}

export interface InitialSyncResult {
  readonly runId: string;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly outcome: SyncOutcome;
  readonly failedStage?: string;
  readonly error?: string;
  readonly stages: readonly StageResult[];
  readonly totals: StageCounts;
  readonly reportFile?: string;
  readonly attachedReport?: AttachedReport;
  /** Set when the notification could not be delivered. */
  readonly notificationError?: string;
}

export class StageFailure extends RelayError {
  readonly code = 'INITIAL_SYNC_STAGE_FAILED';
  constructor(
    readonly stage: string,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/**
 * Runs an initial synchronisation. With a history, the run holds the store's initial-sync lease from start to end: it
 * claims it first (unless the caller did, `leaseClaimed`), and while another process's run holds it, this one throws
 * InitialSyncRunningError before touching anything. A run that loses the lease, or cannot renew it for
 * LEASE_GIVE_UP_MS, stops at its next row like a cancelled one: another run may be loading by then.
 */
export async function runInitialSync(options: InitialSyncOptions): Promise<InitialSyncResult> {
  const runId = options.runId ?? randomUUID();
  const lease = options.history?.initialSyncLease;
  if (lease && !options.leaseClaimed) lease.claim(runId, options.initiatedBy);
  const lost = new AbortController();
  const keeper = lease && keepLease(lease, runId, options.progress, lost);
  const signal = options.signal ? AbortSignal.any([options.signal, lost.signal]) : lost.signal;
  try {
    return await runHoldingLease({ ...options, runId, signal });
  } finally {
    keeper?.stop();
    try {
      lease?.release(runId);
    } catch (error) {
      // The run's outcome stands; the lease lapses on its own.
      options.progress.note(`  warning: could not release this run's claim in the relay store: ${messageOf(error)}`);
    }
  }
}

/** Renews the lease every LEASE_RENEW_MS; aborts `lost` (with the reason) when it cannot hold it any more. */
export function keepLease(
  lease: InitialSyncLease,
  runId: string,
  progress: Progress,
  lost: AbortController,
): { stop(): void } {
  let renewedAt = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    try {
      if (lease.renew(runId, now)) {
        renewedAt = now;
        return;
      }
      lost.abort('stopped: this run lost its claim in the relay store to another initial synchronisation');
    } catch (error) {
      if (now - renewedAt < LEASE_GIVE_UP_MS) {
        progress.note(`  warning: could not renew this run's claim in the relay store: ${messageOf(error)}`);
        return;
      }
      lost.abort(
        `stopped: this run could not renew its claim in the relay store for ${Math.round((now - renewedAt) / 1000)} s (${messageOf(error)}), so another run could start`,
      );
    }
  }, LEASE_RENEW_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

async function runHoldingLease(options: InitialSyncOptions & { readonly runId: string }): Promise<InitialSyncResult> {
  const startedAt = Date.now();
  const { runId } = options;
  const settings: BulkSettings = { ...DEFAULT_BULK_SETTINGS, ...options.bulk };
  const { progress, history } = options;
  history?.recordSyncStart({
    id: runId,
    kind: 'initial',
    subject: `extract ${path.resolve(options.extractDir)}`,
    initiatedBy: options.initiatedBy,
    startedAt,
  });
  const stages: StageResult[] = [];
  const totals = zeroCounts();
  const stamp = new Date(startedAt).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const report = new FailedRowsReport(
    path.join(options.reportDir, `initial-sync-${stamp}-${runId.slice(0, 8)}-failed-rows.csv`),
  );
  const existing = new ExistingRecords(options.scratchDir);

  /**
   * Runs and records a stage. With `after`, the work begins at once but the stage starts when `after` resolves; if
   * `after` rejects, the stage never started: it is not recorded, and the earlier failure is thrown instead.
   */
  const stage = async <T>(
    name: string,
    work: (counts: StageCounts) => Promise<T>,
    withCounts = false,
    after?: Promise<unknown>,
  ): Promise<T> => {
    let started = Date.now();
    const start = () => {
      started = Date.now();
      progress.stage(name);
    };
    if (after) after.then(start, () => undefined);
    else start();
    const counts = zeroCounts();
    const finish = (result: Omit<StageResult, 'name' | 'startedAt'>) => {
      const entry: StageResult = {
        name,
        startedAt: started,
        endedAt: Date.now(),
        ...result,
        ...(withCounts ? { counts } : {}),
      };
      stages.push(entry);
      history?.recordSyncStage(runId, entry);
      for (const key of Object.keys(totals) as (keyof StageCounts)[]) totals[key] += withCounts ? counts[key] : 0;
    };
    let value: T;
    try {
      value = await work(counts);
    } catch (error) {
      const earlier =
        after &&
        (await after.then(
          () => undefined,
          (reason: unknown) => reason ?? new Error('an earlier stage failed'),
        ));
      if (earlier) throw earlier;
      finish({ outcome: 'failed', error: messageOf(error) });
      throw new StageFailure(name, error);
    }
    if (after) await after;
    const problems = counts.unmapped + counts.failed + counts.unprocessed;
    finish({ outcome: problems > 0 ? 'completed with errors' : 'completed' });
    return value;
  };

  let failure: StageFailure | undefined;
  let publishing: PublishingState | undefined;
  try {
    const files = (await stage(STAGES.preflight, () => preflight(options))).files.map((found) => found.file);
    publishing = await stage(STAGES.disablePublishing, async () => {
      // Cancelled before the load began: publishing is never touched.
      if (options.signal?.aborted) throw InterruptedError.of(options.signal);
      return disablePublishing(options.salesforce.connection, await options.salesforce.organizationId());
    });
    const context = {
      salesforce: options.salesforce,
      existing,
      report,
      settings,
      progress,
      scratchDir: options.scratchDir ?? os.tmpdir(),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    // The stage before: the next one's jobs wait for it.
    let previous: Promise<unknown> = Promise.resolve();
    for (const plan of loadPlan(options.model)) {
      const file = files.find((candidate) => candidate.plan.object === plan.object);
      if (!file) {
        await previous;
        previous = Promise.resolve();
        progress.stage(plan.stage);
        progress.note(
          `  no ${plan.stage}.jsonl or ${plan.stage}.csv in the extract: nothing to load for ${plan.object}`,
        );
        const skipped: StageResult = {
          name: plan.stage,
          startedAt: Date.now(),
          endedAt: Date.now(),
          outcome: 'skipped',
        };
        stages.push(skipped);
        history?.recordSyncStage(runId, skipped);
        continue;
      }
      let rowsRead = () => {};
      const reading = new Promise<'read'>((resolve) => (rowsRead = () => resolve('read')));
      const after = previous;
      const done = stage(
        plan.stage,
        (counts) => loadObjectStage(context, plan, file, counts, { after, onRowsRead: rowsRead }),
        true,
        after,
      );
      // The next stage starts reading once this one has read its rows (or has ended).
      const state = await Promise.race([
        reading,
        done.then(
          () => 'done' as const,
          () => 'failed' as const,
        ),
      ]);
      if (state === 'failed') await done;
      previous = done;
    }
    await previous;
  } catch (error) {
    failure = hasCode<StageFailure>(error, 'INITIAL_SYNC_STAGE_FAILED') ? error : new StageFailure('preflight', error);
  } finally {
    existing.close();
    if (publishing) {
      const state = publishing;
      try {
        await stage(STAGES.enablePublishing, () =>
          withRetries(() => restorePublishing(options.salesforce.connection, state), options.restoreAttempts ?? 5),
        );
      } catch (error) {
        const stageError = error as StageFailure;
        progress.note(
          `  PUBLISHING IS STILL DISABLED: set Gentrack_Connector_Settings__c.Disable_Publishing__c back to ${String(state.previous)} (org default) in Setup > Custom Settings. ${stageError.message}`,
        );
        failure ??= stageError;
      }
    }
  }

  let reportFile: string | undefined;
  let attachedReport: AttachedReport | undefined;
  try {
    await stage(STAGES.report, async () => {
      reportFile = report.close();
      if (!reportFile) return;
      progress.note(`  ${report.count.toLocaleString('en-US')} rows did not load: ${reportFile}`);
      attachedReport = await attachReport(options.salesforce.connection, reportFile, {
        title: `Gentrack initial synchronisation ${stamp}: rows that did not load`,
        description: `Run ${runId} of ${path.resolve(options.extractDir)}; ${report.count} rows.`,
        ...(options.shareReportWith ? { shareWith: options.shareReportWith } : {}),
      });
      progress.note(`  attached in Salesforce: ${attachedReport.url}`);
    });
  } catch (error) {
    failure ??= error as StageFailure;
  }

  const problems = totals.unmapped + totals.failed + totals.unprocessed;
  const outcome: SyncOutcome = failure ? 'failed' : problems > 0 ? 'completed with errors' : 'completed';
  const reportLocation = [
    reportFile,
    attachedReport && `${attachedReport.url} (ContentVersion ${attachedReport.contentVersionId})`,
  ]
    .filter(Boolean)
    .join('\n');
  const endedAt = Date.now();
  history?.recordSyncEnd(runId, {
    outcome,
    counts: { ...totals },
    stages,
    endedAt,
    ...(failure ? { failedStage: failure.stage, error: failure.message } : {}),
    ...(reportLocation ? { reportLocation } : {}),
  });
  progress.end();

  let notificationError: string | undefined;
  if (options.notifyUrl) {
    const summary = failure ? `failed at ${failure.stage}: ${failure.message}` : outcome;
    await notifyWebhook(options.notifyUrl, {
      runId,
      kind: 'initial-sync',
      outcome,
      ...(failure ? { failedStage: failure.stage, error: failure.message } : {}),
      counts: { ...totals },
      ...(reportLocation ? { reportLocation } : {}),
      startedAt: new Date(startedAt).toISOString(),
      endedAt: new Date(endedAt).toISOString(),
      text: `Gentrack initial synchronisation ${summary} (${totals.created} created, ${totals.updated} updated, ${totals.unchanged} unchanged, ${problems} not loaded)`,
    }).catch((error: Error) => {
      notificationError = error.message;
    });
  }

  return {
    runId,
    startedAt,
    endedAt,
    outcome,
    ...(failure ? { failedStage: failure.stage, error: failure.message } : {}),
    stages,
    totals,
    ...(reportFile ? { reportFile } : {}),
    ...(attachedReport ? { attachedReport } : {}),
    ...(notificationError ? { notificationError } : {}),
  };
}

/** The names of a run's stages, in order, for a model (what a person watching the run sees coming). */
export function stageNames(model: ConnectorModel): string[] {
  return [
    STAGES.preflight,
    STAGES.disablePublishing,
    ...loadPlan(model).map((plan) => plan.stage),
    STAGES.enablePublishing,
    STAGES.report,
  ];
}

/**
 * Both systems reachable, the org as the model needs it, the extract readable; returns the extract files. Changes
 * nothing (besides creating the report folder), so it also runs on its own before a person confirms a run.
 */
export async function preflight(
  options: Pick<InitialSyncOptions, 'extractDir' | 'reportDir' | 'model' | 'salesforce' | 'checkGentrack' | 'progress'>,
): Promise<PreflightResult> {
  const { progress } = options;
  mkdirSync(options.reportDir, { recursive: true });
  const files = locateExtractFiles(options.extractDir, loadPlan(options.model));
  const ignored = ignoredExtractFiles(options.extractDir, files);
  if (ignored.length > 0) {
    const expected = loadPlan(options.model).map((plan) => `${plan.stage}.jsonl|csv`);
    progress.note(
      `  files in the extract that are not loaded (expected ${expected.join(', ')}): ${ignored.join(', ')}`,
    );
  }
  for (const file of files) {
    if (file.format !== 'csv') continue;
    const { unknown } = await csvHeader(file);
    if (unknown.length > 0)
      progress.note(`  ${path.basename(file.path)}: columns the model does not map are ignored: ${unknown.join(', ')}`);
  }
  await options.salesforce.organizationId();
  const validation = await validateOrg(options.salesforce.connection, options.model);
  if (validation.problems.length > 0) {
    throw new Error(
      `the org lacks what the connector needs (gentrack-sf validate-org shows the fixes): ${validation.problems
        .map((problem) => `${problem.check}: ${problem.detail}`)
        .join('; ')}`,
    );
  }
  try {
    await options.checkGentrack();
  } catch (error) {
    throw new Error(`Gentrack is not reachable: ${messageOf(error)}`);
  }
  const counted: { file: ExtractFile; records: number }[] = [];
  for (const file of files) counted.push({ file, records: await countRecords(file) });
  const total = counted.reduce((sum, found) => sum + found.records, 0);
  progress.setTotal(total);
  progress.note(
    `  ${files.map((file) => path.basename(file.path)).join(', ')}: about ${total.toLocaleString('en-US')} records`,
  );
  return { files: counted, total };
}

async function withRetries<T>(work: () => Promise<T>, attempts: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
