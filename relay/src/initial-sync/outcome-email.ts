/**
 * The email that tells people how an initial synchronisation ended: the subject states the outcome (and the tenant),
 * the body who started it, when, how long it took, the counts per object, where the report of rows that did not load
 * is (in Salesforce and on the relay host), and, after a failure, the stage and why. Plain text: it reads the same
 * in every mail client and in a ticket it is pasted into.
 */
import type { Mailer } from '../platform/mail/smtp-mailer.js';
import { duration } from './progress.js';
import { notLoaded, outcomeText, stageTable } from './result-summary.js';
import { STAGES, type InitialSyncResult } from './run-initial-sync.js';

export interface OutcomeEmailInput {
  readonly result: InitialSyncResult;
  /** The extract folder that was loaded. */
  readonly extract: string;
  readonly initiatedBy: string;
  /** The relay's tenant id, so a mailbox that hears from several relays tells them apart. */
  readonly tenantId: string;
}

export function initialSyncOutcomeEmail(input: OutcomeEmailInput): { subject: string; text: string } {
  const { result } = input;
  const problems = notLoaded(result.totals);
  const headline =
    result.outcome === 'completed'
      ? 'completed'
      : result.outcome === 'completed with errors'
        ? `completed with errors: ${count(problems, 'row')} did not load`
        : `FAILED at stage "${result.failedStage ?? 'unknown'}"`;
  const publishing = result.stages.find((stage) => stage.name === STAGES.enablePublishing);
  const lines = [
    `The initial synchronisation of ${input.extract} ${outcomeText(result)}.`,
    '',
    `Started by: ${input.initiatedBy}`,
    `Started:    ${utc(result.startedAt)}`,
    `Ended:      ${utc(result.endedAt)}`,
    `Duration:   ${duration((result.endedAt - result.startedAt) / 1000)}`,
    `Run:        ${result.runId} (gentrack-sf history shows it)`,
    '',
    `Totals: ${result.totals.read} read, ${result.totals.created} created, ${result.totals.updated} updated, ${result.totals.unchanged} unchanged, ${problems} not loaded.`,
    '',
    ...stageTable(result.stages),
    '',
  ];
  if (result.attachedReport)
    lines.push(`Report of the rows that did not load, in Salesforce: ${result.attachedReport.url}`);
  if (result.reportFile) lines.push(`The same report on the relay host: ${result.reportFile}`);
  if (publishing?.outcome === 'failed') {
    lines.push(
      '',
      'PUBLISHING IS STILL DISABLED: set Gentrack_Connector_Settings__c.Disable_Publishing__c back (org default) in Setup > Custom Settings.',
    );
  } else if (publishing) {
    lines.push('', 'Publishing (the kill switch Disable_Publishing__c) was put back as it was before the run.');
  }
  return { subject: `[${input.tenantId}] Gentrack initial synchronisation ${headline}`, text: `${lines.join('\n')}\n` };
}

function count(value: number, noun: string): string {
  return `${value.toLocaleString('en-US')} ${noun}${value === 1 ? '' : 's'}`;
}

function utc(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/** Sends the outcome email; never throws: a run's outcome does not depend on its email. */
export async function sendOutcomeEmail(
  mailer: Mailer,
  input: OutcomeEmailInput,
): Promise<{ readonly sent: true } | { readonly sent: false; readonly error: string }> {
  try {
    await mailer.send(initialSyncOutcomeEmail(input));
    return { sent: true };
  } catch (error) {
    return { sent: false, error: error instanceof Error ? error.message : String(error) };
  }
}
