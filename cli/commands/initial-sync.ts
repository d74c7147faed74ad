/**
 * `gentrack-sf initial-sync --extract <dir>`: loads a Gentrack extract into Salesforce over Bulk API 2.0 (upsert by
 * External ID) with publishing disabled meanwhile, and reports what did not load. See
 * relay/src/initial-sync/run-initial-sync.ts for the stages and relay/src/initial-sync/extract-files.ts for the
 * extract's layout.
 */
import type { Command } from 'commander';
import { positiveIntegerValue, positiveNumberValue, httpsUrlValue } from '../option-values.js';

interface InitialSyncCliOptions {
  extract: string;
  reportDir: string;
  notify?: string;
  shareReportWith?: string;
  config?: string;
  store?: string;
  maxUploadMb?: number;
  maxRecordsPerJob?: number;
  jobConcurrency?: number;
}

export function registerInitialSyncCommand(program: Command): void {
  program
    .command('initial-sync')
    .description(
      'Load a Gentrack extract into Salesforce (Bulk API 2.0, upsert by External ID) with publishing disabled meanwhile',
    )
    .requiredOption('--extract <dir>', 'the extract directory: accounts, contacts, relations as .jsonl or .csv')
    .option('--report-dir <dir>', 'where the report of rows that did not load is written', 'initial-sync-reports')
    .option('--notify <url>', 'POST the outcome (JSON) to this webhook URL at the end', httpsUrlValue)
    .option(
      '--share-report-with <id>',
      'publish the report file to this Salesforce record, user or library (default: the integration user)',
    )
    .option('--config <file>', 'relay configuration file (default: $GENTRACK_RELAY_CONFIG_FILE)')
    .option('--store <path>', 'relay store recording the history (default: store.path of the relay configuration)')
    .option(
      '--max-upload-mb <n>',
      'largest CSV upload per Bulk API job, in MB (Salesforce: 150 after base64; default 100)',
      positiveNumberValue,
    )
    .option('--max-records-per-job <n>', 'rows per Bulk API job (default 50000)', positiveIntegerValue)
    .option('--job-concurrency <n>', 'jobs processing at once per stage (default 4)', positiveIntegerValue)
    .addHelpText(
      'after',
      '\nExamples:\n  gentrack-sf initial-sync --config relay.yaml --extract ./extract --notify https://hooks.example.com/gentrack',
    )
    .action(async (options: InitialSyncCliOptions) => {
      const bulk = {
        ...(options.maxUploadMb !== undefined ? { maxUploadBytes: Math.floor(options.maxUploadMb * 1024 * 1024) } : {}),
        ...(options.maxRecordsPerJob !== undefined ? { maxRecordsPerJob: options.maxRecordsPerJob } : {}),
        ...(options.jobConcurrency !== undefined ? { jobConcurrency: options.jobConcurrency } : {}),
      };
      const { initialSyncCommand } = await import('../../relay/src/initial-sync/initial-sync-command.js');
      process.exitCode = await initialSyncCommand({
        extract: options.extract,
        reportDir: options.reportDir,
        bulk,
        ...(options.notify ? { notify: options.notify } : {}),
        ...(options.shareReportWith ? { shareReportWith: options.shareReportWith } : {}),
        ...(options.config ? { configFile: options.config } : {}),
        ...(options.store ? { store: options.store } : {}),
      });
    });
}
