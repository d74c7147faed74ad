import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialSyncOutcomeEmail, type OutcomeEmailInput } from './outcome-email.js';
import type { InitialSyncResult, StageResult } from './run-initial-sync.js';

const T0 = Date.UTC(2026, 11, 4, 2, 30, 0);
const counts = (read: number, created: number, updated: number, unchanged: number, failed: number) => ({
  read,
  created,
  updated,
  unchanged,
  failed,
  unmapped: 0,
  unprocessed: 0,
});
const STAGES: StageResult[] = [
  { name: 'preflight', startedAt: T0, endedAt: T0 + 2_000, outcome: 'completed' },
  { name: 'disable publishing', startedAt: T0 + 2_000, endedAt: T0 + 2_500, outcome: 'completed' },
  {
    name: 'accounts',
    startedAt: T0 + 2_500,
    endedAt: T0 + 40_000,
    outcome: 'completed with errors',
    counts: counts(1200, 1150, 10, 30, 10),
  },
  {
    name: 'contacts',
    startedAt: T0 + 40_000,
    endedAt: T0 + 80_000,
    outcome: 'completed',
    counts: counts(900, 900, 0, 0, 0),
  },
  { name: 're-enable publishing', startedAt: T0 + 80_000, endedAt: T0 + 80_400, outcome: 'completed' },
  { name: 'report', startedAt: T0 + 80_400, endedAt: T0 + 81_000, outcome: 'completed' },
];
const REPORT_URL = 'https://acme.my.salesforce.com/lightning/r/ContentDocument/069000000000001AAA/view';

function input(result: Partial<InitialSyncResult>): OutcomeEmailInput {
  return {
    result: {
      runId: '2f1c7d9e-0000-4000-8000-000000000001',
      startedAt: T0,
      endedAt: T0 + 83_000,
      outcome: 'completed',
      stages: STAGES,
      totals: counts(2100, 2050, 10, 30, 10),
      ...result,
    },
    extract: '/srv/extracts/march',
    initiatedBy: 'otto (portal)',
    tenantId: 'acme-energy',
  };
}

test('completed with errors: the subject says so and how many rows; the body has who, when, counts per object and the report link', () => {
  const email = initialSyncOutcomeEmail(
    input({
      outcome: 'completed with errors',
      reportFile: '/var/relay/reports/run-failed-rows.csv',
      attachedReport: {
        contentVersionId: '068000000000001AAA',
        contentDocumentId: '069000000000001AAA',
        url: REPORT_URL,
      },
    }),
  );
  assert.equal(
    email.subject,
    '[acme-energy] Gentrack initial synchronisation completed with errors: 10 rows did not load',
  );
  assert.match(email.text, /^The initial synchronisation of \/srv\/extracts\/march completed with errors\.$/m);
  assert.match(email.text, /^Started by: otto \(portal\)$/m);
  assert.match(email.text, /^Started: {4}2026-12-04 02:30:00 UTC$/m);
  assert.match(email.text, /^Duration: {3}1 min 23 s$/m);
  assert.match(email.text, /^Totals: 2100 read, 2050 created, 10 updated, 30 unchanged, 10 not loaded\.$/m);
  assert.match(email.text, /^accounts\s+completed with errors\s+1,200\s+1,150\s+10\s+30\s+10\s+37\.5 s$/m);
  assert.match(email.text, /^contacts\s+completed\s+900\s+900\s+0\s+0\s+0\s+40\.0 s$/m);
  assert.ok(email.text.includes(`in Salesforce: ${REPORT_URL}\n`));
  assert.match(email.text, /on the relay host: \/var\/relay\/reports\/run-failed-rows\.csv/);
  assert.match(email.text, /Publishing \(the kill switch Disable_Publishing__c\) was put back/);
});

test('completed and failed runs: the subject states the outcome, a failure names its stage and why', () => {
  assert.equal(
    initialSyncOutcomeEmail(input({ totals: counts(2100, 2060, 10, 30, 0) })).subject,
    '[acme-energy] Gentrack initial synchronisation completed',
  );
  const failed = initialSyncOutcomeEmail(
    input({ outcome: 'failed', failedStage: 'contacts', error: 'Salesforce failed Contact job 750x: InvalidBatch' }),
  );
  assert.equal(failed.subject, '[acme-energy] Gentrack initial synchronisation FAILED at stage "contacts"');
  assert.match(
    failed.text,
    /^The initial synchronisation of \/srv\/extracts\/march failed at stage "contacts": Salesforce failed Contact job 750x: InvalidBatch\.$/m,
  );
  assert.doesNotMatch(failed.text, /in Salesforce: http/, 'no report link without a report');
});

test('publishing that could not be re-enabled is said in capitals, with what to do', () => {
  const stages = STAGES.map((stage) =>
    stage.name === 're-enable publishing'
      ? { ...stage, outcome: 'failed' as const, error: 'UNABLE_TO_LOCK_ROW' }
      : stage,
  );
  const email = initialSyncOutcomeEmail(input({ outcome: 'failed', failedStage: 're-enable publishing', stages }));
  assert.match(
    email.text,
    /PUBLISHING IS STILL DISABLED: set Gentrack_Connector_Settings__c\.Disable_Publishing__c back/,
  );
  assert.doesNotMatch(email.text, /was put back/);
});
