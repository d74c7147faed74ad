/**
 * Initial synchronisations started from the portal: the initial-sync flow's own run (the one `gentrack-sf
 * initial-sync` runs) as the relay's integration user, one at a time, followed live for the page (stages from the
 * synchronisation history as they end, records from the run's progress), cancellable at the next row, and its
 * outcome emailed. Publishing is re-enabled by the run itself whatever happens; closing the portal cancels a run and
 * waits for that.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { ConnectorModel } from '../../model/connector-model.js';
import type { BulkSettings } from './initial-sync/bulk-pass.js';
import { sendOutcomeEmail } from './initial-sync/outcome-email.js';
import type { Progress } from './initial-sync/progress.js';
import { checkGentrackReachable, relaySalesforce } from './initial-sync/relay-access.js';
import { preflight, runInitialSync, stageNames, type InitialSyncOptions } from './initial-sync/run-initial-sync.js';
import type { RelayConfig } from './platform/config/relay-config-schema.js';
import type { RelaySecrets } from './platform/config/relay-secrets.js';
import type { SyncHistory, SyncRun } from './platform/db/sync-history.js';
import type { InitialSyncRunningError } from './platform/db/initial-sync-lease.js';
import type { Mailer } from './platform/mail/smtp-mailer.js';
import { hasCode } from './platform/errors.js';
import type { Logger } from './platform/ops/logger.js';
import type { NewAuditEntry } from './portal/audit-log.js';
import type {
  EmailState,
  InitialSyncControl,
  PreflightView,
  RunView,
  StageView,
  StartAnswer,
} from './portal/initial-sync-control.js';

export interface InitialSyncRunsOptions {
  readonly config: RelayConfig;
  /** Read when a check or a run needs them, so a secret that is missing is reported on the page. */
  readonly secrets: () => RelaySecrets;
  readonly model: ConnectorModel;
  readonly history: SyncHistory;
  readonly extractRoot: string;
  readonly reportDir: string;
  /** Absent: no email is sent. */
  readonly mailer?: Mailer;
  /** Writes the run's end to the portal's audit log. */
  readonly audit: (entry: NewAuditEntry) => void;
  readonly logger: Logger;
  readonly bulk?: Partial<BulkSettings>;
}

/** Lines of the checks' and the load's notes kept for the page. */
const NOTES_KEPT = 20;

interface ActiveRun {
  readonly runId: string;
  readonly extract: string;
  readonly initiatedBy: string;
  readonly startedAt: number;
  readonly abort: AbortController;
  readonly progress: WatchedProgress;
  cancelledBy?: string;
  ended?: { endedAt: number };
  email: EmailState;
  done: Promise<void>;
}

export class InitialSyncRuns implements InitialSyncControl {
  readonly extractRoot: string;
  readonly emailRecipients: readonly string[];
  private active?: ActiveRun;
  /** The last run this process followed, kept after it ends for its email's state. */
  private last?: ActiveRun;

  constructor(private readonly options: InitialSyncRunsOptions) {
    this.extractRoot = options.extractRoot;
    this.emailRecipients = options.mailer?.recipients ?? [];
  }

  async preflight(extractDir: string): Promise<PreflightView> {
    const progress = new WatchedProgress();
    try {
      const found = await preflight({
        ...this.access(),
        extractDir,
        reportDir: this.options.reportDir,
        model: this.options.model,
        progress,
      });
      return {
        ok: true,
        files: found.files.map(({ file, records }) => ({
          name: path.basename(file.path),
          object: file.plan.object,
          records,
        })),
        total: found.total,
        notes: progress.notes,
      };
    } catch (error) {
      return { ok: false, error: messageOf(error), files: [], total: 0, notes: progress.notes };
    }
  }

  start(extractDir: string, initiatedBy: string): StartAnswer {
    if (this.active) {
      return {
        started: false,
        reason: `An initial synchronisation is already running (started by ${this.active.initiatedBy} at ${new Date(this.active.startedAt).toISOString()}): wait for it to end, or cancel it.`,
      };
    }
    let access: Pick<InitialSyncOptions, 'salesforce' | 'checkGentrack'>;
    try {
      access = this.access();
    } catch (error) {
      return { started: false, reason: `The run cannot start: ${messageOf(error)}` };
    }
    const runId = randomUUID();
    // Claimed here, not by the run, so the answer is true: a run of another process sharing the store
    // (gentrack-sf initial-sync) refuses this one before anything is reported started.
    try {
      this.options.history.initialSyncLease.claim(runId, initiatedBy);
    } catch (error) {
      if (hasCode<InitialSyncRunningError>(error, 'INITIAL_SYNC_RUNNING'))
        return { started: false, reason: error.message };
      throw error;
    }
    const run: ActiveRun = {
      runId,
      extract: extractDir,
      initiatedBy,
      startedAt: Date.now(),
      abort: new AbortController(),
      progress: new WatchedProgress(),
      email: this.options.mailer ? { state: 'sending' } : { state: 'off' },
      done: Promise.resolve(),
    };
    this.active = run;
    this.last = run;
    run.done = this.follow(run, access).finally(() => {
      this.active = undefined;
    });
    return { started: true, runId: run.runId };
  }

  cancel(by: string): boolean {
    const run = this.active;
    // Ended (only its email is still going out) or already cancelled: nothing left to stop.
    if (!run || run.ended || run.abort.signal.aborted) return false;
    run.cancelledBy = by;
    run.abort.abort();
    return true;
  }

  current(): RunView | undefined {
    const run = this.last;
    if (run) return this.view(run);
    const [stored] = this.options.history.list({ kind: 'initial', limit: 1 });
    return stored && storedView(stored);
  }

  /** Cancels a running load and waits until it has ended (publishing re-enabled and the outcome emailed). */
  async close(): Promise<void> {
    const run = this.active;
    if (run) {
      this.cancel('the relay, stopping');
      await run.done;
    }
    this.options.mailer?.close();
  }

  private access(): Pick<InitialSyncOptions, 'salesforce' | 'checkGentrack'> {
    const { config, logger } = this.options;
    const secrets = this.options.secrets();
    return {
      salesforce: relaySalesforce(config, secrets, logger),
      checkGentrack: () => checkGentrackReachable(config, secrets, logger),
    };
  }

  private async follow(run: ActiveRun, access: Pick<InitialSyncOptions, 'salesforce' | 'checkGentrack'>) {
    const { options } = this;
    const result = await runInitialSync({
      ...access,
      runId: run.runId,
      leaseClaimed: true,
      extractDir: run.extract,
      reportDir: options.reportDir,
      model: options.model,
      progress: run.progress,
      history: options.history,
      initiatedBy: run.initiatedBy,
      signal: run.abort.signal,
      ...(options.bulk ? { bulk: options.bulk } : {}),
    }).catch((error: unknown) => {
      // runInitialSync records its own failures; this is a fault of its own (e.g. the store), kept for the log.
      options.logger.error({ err: error, runId: run.runId }, 'the initial synchronisation stopped unexpectedly');
      return undefined;
    });
    run.ended = { endedAt: Date.now() };
    if (!result) {
      run.email = { state: 'failed', error: 'the run stopped unexpectedly: see the relay log' };
      return;
    }
    options.audit({
      actor: run.initiatedBy,
      action: 'initial-sync.end',
      target: `run ${run.runId} of ${run.extract}`,
      outcome: result.outcome === 'failed' ? 'failed' : 'succeeded',
      detail: `${result.outcome}${result.failedStage ? ` at stage "${result.failedStage}": ${result.error}` : ''}${run.cancelledBy ? ` (cancelled by ${run.cancelledBy})` : ''}`,
    });
    if (!options.mailer) return;
    const sent = await sendOutcomeEmail(options.mailer, {
      result,
      extract: run.extract,
      initiatedBy: run.initiatedBy,
      tenantId: options.config.tenantId,
    });
    if (sent.sent) {
      run.email = { state: 'sent', to: options.mailer.recipients };
    } else {
      run.email = { state: 'failed', error: sent.error };
      options.logger.warn(
        { runId: run.runId, error: sent.error },
        'the outcome email of an initial synchronisation was not sent',
      );
    }
  }

  private view(run: ActiveRun): RunView {
    const stored = this.options.history.get(run.runId);
    const names = stageNames(this.options.model);
    const recorded = new Map((stored?.stages ?? []).map((stage) => [stage.name, stage]));
    const stages: StageView[] = names.map((name) => {
      const done = recorded.get(name);
      if (done?.outcome) return stageView(done);
      if (name === run.progress.current && !run.ended) return { name, state: 'running' };
      return { name, state: 'waiting' };
    });
    const base = stored ? storedView(stored) : undefined;
    return {
      ...base,
      runId: run.runId,
      extract: run.extract,
      initiatedBy: run.initiatedBy,
      startedAt: run.startedAt,
      state: run.ended ? 'ended' : run.cancelledBy ? 'cancelling' : 'running',
      ...(run.cancelledBy ? { cancelledBy: run.cancelledBy } : {}),
      stages,
      done: run.progress.done,
      total: run.progress.total,
      email: run.email,
    };
  }
}

/** The run's progress as the page shows it: the stage now, records done of the total, the last notes. */
class WatchedProgress implements Progress {
  /** The stage running now. */
  current = '';
  done = 0;
  total = 0;
  readonly notes: string[] = [];
  setTotal(total: number) {
    this.total = total;
  }
  stage(name: string) {
    this.current = name;
  }
  advance(records: number) {
    this.done += records;
  }
  note(text: string) {
    this.notes.push(text.trim());
    if (this.notes.length > NOTES_KEPT) this.notes.shift();
  }
  end() {}
}

function stageView(stage: SyncRun['stages'][number]): StageView {
  return {
    name: stage.name,
    state: stage.outcome ?? 'running',
    ...(stage.counts ? { counts: stage.counts } : {}),
    ...(stage.error ? { error: stage.error } : {}),
  };
}

/** A run as the history has it: every run of an earlier relay process, and the ends of this one's. */
function storedView(run: SyncRun): RunView {
  const lines = (run.reportLocation ?? '').split('\n').filter(Boolean);
  const reportUrl = lines.find((line) => /^https?:/.test(line))?.replace(/ \(ContentVersion \w+\)$/, '');
  const reportFile = lines.find((line) => !/^https?:/.test(line));
  return {
    runId: run.id,
    extract: run.subject.replace(/^extract /, ''),
    initiatedBy: run.initiatedBy,
    startedAt: run.startedAt,
    ...(run.endedAt === undefined ? {} : { endedAt: run.endedAt }),
    state: run.outcome ? 'ended' : 'unfinished',
    stages: run.stages.map(stageView),
    done: 0,
    total: 0,
    ...(run.outcome ? { outcome: run.outcome } : {}),
    ...(run.failedStage ? { failedStage: run.failedStage } : {}),
    ...(run.error ? { error: run.error } : {}),
    ...(reportUrl ? { reportUrl } : {}),
    ...(reportFile ? { reportFile } : {}),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
