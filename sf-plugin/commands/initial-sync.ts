/**
 * `sf gentrack initial-sync`: gentrack-sf initial-sync into an sf org alias (an admin's session instead of the
 * relay's Connected App). The relay configuration still names the Gentrack tenant and the store that records the
 * history; of its secrets only GENTRACK_CLIENT_SECRET is read.
 */
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { initialSync } from '../../relay/src/initial-sync/initial-sync-command.js';
import type { InitialSyncResult } from '../../relay/src/initial-sync/run-initial-sync.js';
import { httpsUrlFlag } from '../https-url-flag.js';
import { orgConnection, targetOrgFlags } from '../target-org.js';

export default class InitialSync extends SfCommand<InitialSyncResult> {
  public static override readonly summary =
    'Load a Gentrack extract into the org (Bulk API 2.0, upsert by External ID) with publishing disabled meanwhile.';
  public static override readonly description =
    'Stages: preflight (Validate Data Model, Gentrack reachable), disable publishing, accounts, contacts, relations, ' +
    're-enable publishing (always), report. Exits 0 when completed, 2 when completed with errors (see the report), ' +
    '1 when a stage failed.';
  public static override readonly examples = [
    '<%= config.bin %> <%= command.id %> --target-org acme --config relay.yaml --extract ./extract',
  ];
  public static override readonly flags = {
    ...targetOrgFlags,
    extract: Flags.directory({
      summary: 'The extract directory: accounts, contacts, relations as .jsonl or .csv.',
      required: true,
      exists: true,
    }),
    config: Flags.file({ summary: 'Relay configuration file (default: $GENTRACK_RELAY_CONFIG_FILE).', exists: true }),
    store: Flags.file({ summary: 'Relay store recording the history (default: store.path of the configuration).' }),
    'report-dir': Flags.directory({
      summary: 'Where the report of rows that did not load is written.',
      default: 'initial-sync-reports',
    }),
    notify: httpsUrlFlag({ summary: 'POST the outcome (JSON) to this webhook URL at the end.' }),
    'share-report-with': Flags.salesforceId({
      summary: 'Publish the report file to this record, user or library (default: the running user).',
    }),
    'max-upload-mb': Flags.integer({
      summary: 'Largest CSV upload per Bulk API job, in MB (default 100).',
      min: 1,
      max: 150,
    }),
    'max-records-per-job': Flags.integer({ summary: 'Rows per Bulk API job (default 50000).', min: 1 }),
    'job-concurrency': Flags.integer({ summary: 'Jobs processing at once per stage (default 4).', min: 1 }),
  };

  public async run(): Promise<InitialSyncResult> {
    const { flags } = await this.parse(InitialSync);
    const org = flags['target-org'];
    const connection = orgConnection(org, flags['api-version']);
    const { result, exitCode } = await initialSync({
      extract: flags.extract,
      reportDir: flags['report-dir'],
      bulk: {
        ...(flags['max-upload-mb'] !== undefined ? { maxUploadBytes: flags['max-upload-mb'] * 1024 * 1024 } : {}),
        ...(flags['max-records-per-job'] !== undefined ? { maxRecordsPerJob: flags['max-records-per-job'] } : {}),
        ...(flags['job-concurrency'] !== undefined ? { jobConcurrency: flags['job-concurrency'] } : {}),
      },
      salesforce: {
        connection,
        renewSession: () => org.getConnection().refreshAuth(),
        organizationId: async () => org.getOrgId(),
      },
      ...(org.getUsername() ? { initiatedBy: org.getUsername()! } : {}),
      ...(flags.notify ? { notify: flags.notify } : {}),
      ...(flags['share-report-with'] ? { shareReportWith: flags['share-report-with'] } : {}),
      ...(flags.config ? { configFile: flags.config } : {}),
      ...(flags.store ? { store: flags.store } : {}),
      // With --json, stdout carries the JSON only: progress and the table go to stderr.
      output: this.jsonEnabled() ? process.stderr : process.stdout,
    });
    process.exitCode = exitCode;
    return result;
  }
}
