/**
 * `gentrack-sf initial-sync`: runs the initial synchronisation with the relay's configuration and secrets, as the
 * relay's integration user, recording the run in the relay store's synchronisation history. Ctrl-C stops the load
 * at the next row and still re-enables publishing; a second Ctrl-C exits at once.
 *
 * Exit codes: 0 completed, 2 completed with errors (see the report), 1 failed.
 */
import os from 'node:os';
import v8 from 'node:v8';
import { loadRelayConfig } from '../platform/config/relay-config.js';
import { loadRelaySecrets } from '../platform/config/relay-secrets.js';
import { connectorModel } from '../platform/connector-model.generated.js';
import { createLogger } from '../platform/ops/logger.js';
import { SyncHistory } from '../platform/db/sync-history.js';
import type { BulkSettings } from './bulk-pass.js';
import { createSmtpMailer } from '../platform/mail/smtp-mailer.js';
import { sendOutcomeEmail } from './outcome-email.js';
import { createProgress } from './progress.js';
import { formatResult } from './result-summary.js';
import { checkGentrackReachable, relaySalesforce } from './relay-access.js';
import { runInitialSync, type InitialSyncResult, type InitialSyncOptions } from './run-initial-sync.js';

export interface InitialSyncCommandOptions {
  readonly extract: string;
  readonly reportDir: string;
  readonly notify?: string;
  readonly shareReportWith?: string;
  readonly configFile?: string;
  /** The relay store holding the history (default: store.path of the configuration). */
  readonly store?: string;
  readonly bulk?: Partial<BulkSettings>;
  /**
   * The org to load: default the relay's integration user (from the configuration and its secrets); the sf plugin
   * gives an sf org alias's connection, and then no Salesforce secret is read.
   */
  readonly salesforce?: InitialSyncOptions['salesforce'];
  /** Who started the run, for the history (default the OS user at this host). */
  readonly initiatedBy?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly output?: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * V8 lets the heap grow to several times its live size before collecting. A load's live data is small and steady
 * (tens of MB) while it streams hundreds of MB of rows through, so that growth would be garbage held as RSS for
 * nothing: grow the heap by at most a third between collections instead. Measured: a peak heap of about 120 MB becomes
 * about 60 MB at no visible cost in speed.
 */
const HEAP_GROWING_PERCENT = 30;

export async function initialSyncCommand(options: InitialSyncCommandOptions): Promise<number> {
  return (await initialSync(options)).exitCode;
}

/** The run and its exit code: 0 completed, 2 completed with errors (see the report), 1 failed. */
export async function initialSync(
  options: InitialSyncCommandOptions,
): Promise<{ result: InitialSyncResult; exitCode: 0 | 1 | 2 }> {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const env = options.env ?? process.env;
  const output = options.output ?? process.stdout;
  const config = loadRelayConfig({ env, ...(options.configFile ? { file: options.configFile } : {}) });
  const logger = createLogger({ level: 'warn', destination: process.stderr, base: { tenantId: config.tenantId } });
  const salesforce = options.salesforce ?? relaySalesforce(config, loadRelaySecrets({ config, env }), logger);
  const secrets = loadRelaySecrets({ config, env, only: ['gentrackClientSecret', 'smtpPassword'] });
  const history = SyncHistory.open(options.store ?? config.store.path);
  const abort = new AbortController();
  let signals = 0;
  const onSignal = () => {
    if (++signals > 1) {
      output.write(
        '\nSecond interrupt: exiting now. Check Gentrack_Connector_Settings__c.Disable_Publishing__c in Setup.\n',
      );
      process.exit(130);
    }
    output.write(
      '\nInterrupted: stopping at the next row, then re-enabling publishing (Ctrl-C again to exit at once).\n',
    );
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const initiatedBy = options.initiatedBy ?? `${os.userInfo().username}@${os.hostname()}`;
    const result = await runInitialSync({
      extractDir: options.extract,
      reportDir: options.reportDir,
      model: connectorModel,
      salesforce,
      checkGentrack: () => checkGentrackReachable(config, secrets, logger),
      progress: createProgress(output),
      history,
      initiatedBy,
      signal: abort.signal,
      ...(options.bulk ? { bulk: options.bulk } : {}),
      ...(options.notify ? { notifyUrl: options.notify } : {}),
      ...(options.shareReportWith ? { shareReportWith: options.shareReportWith } : {}),
    });
    output.write(formatResult(result));
    if (config.email) {
      const mailer = createSmtpMailer(config.email, secrets.smtpPassword);
      const sent = await sendOutcomeEmail(mailer, {
        result,
        extract: options.extract,
        initiatedBy,
        tenantId: config.tenantId,
      });
      mailer.close();
      output.write(
        sent.sent ? `Outcome emailed to ${mailer.recipients.join(', ')}\n` : `Outcome email not sent: ${sent.error}\n`,
      );
    }
    return {
      result,
      exitCode: result.outcome === 'completed' ? 0 : result.outcome === 'completed with errors' ? 2 : 1,
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    history.close();
  }
}
