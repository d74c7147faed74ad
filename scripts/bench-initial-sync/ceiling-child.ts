/**
 * The raw ceiling of the initial-sync benchmark: how many records a second the sandbox org itself absorbs through its
 * Bulk API 2.0 ingest jobs, called in process (no HTTP, no loader), for the same extract mapped by the loader's own
 * plan. The CSV of each job is built before its clock starts; the clock covers the job (create, upload, processing)
 * and reading its results, as the loader's run makes the org do. Prints JSON: records, seconds, per-stage figures.
 * Argument: <extract dir>.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EXTERNAL_ID_FIELD } from '../../model/connector-fields.js';
import { csvLine } from '../../relay/src/initial-sync/csv.js';
import { DEFAULT_BULK_SETTINGS } from '../../relay/src/initial-sync/bulk-pass.js';
import { jsonRecord, loadPlan, mapRow, type ObjectPlan } from '../../relay/src/initial-sync/load-plan.js';
import { connectorModel } from '../../relay/src/platform/connector-model.generated.js';
import { startSandbox } from '../../sandbox/start-sandbox.js';
import type { SandboxOrg } from '../../sandbox/salesforce/org/sandbox-org.js';

const [extract] = process.argv.slice(2) as [string];
const sandbox = await startSandbox({
  gentrack: { recordCalls: false },
  triggers: !process.argv.includes('--no-triggers'),
});
const org = sandbox.salesforce.org;

/** Jobs of the loader's size, each as CSV text: the header, then one line per mapped row. */
async function* jobsOf(plan: ObjectPlan): AsyncGenerator<{ csv: string; rows: number }> {
  const header = csvLine(plan.columns.map((column) => column.header));
  let lines: string[] = [];
  const input = createInterface({
    input: createReadStream(path.join(extract, `${plan.stage}.jsonl`)),
    crlfDelay: Infinity,
  });
  for await (const line of input) {
    if (line === '') continue;
    const mapped = mapRow(plan, jsonRecord(JSON.parse(line)));
    if (!mapped.ok) throw new Error(`${plan.stage}: ${mapped.reason}`);
    lines.push(csvLine(mapped.row.cells));
    if (lines.length === DEFAULT_BULK_SETTINGS.maxRecordsPerJob) {
      yield { csv: header + lines.join(''), rows: lines.length };
      lines = [];
    }
  }
  if (lines.length > 0) yield { csv: header + lines.join(''), rows: lines.length };
}

async function runJob(org: SandboxOrg, plan: ObjectPlan, csv: string): Promise<number> {
  const jobs = org.bulkIngest;
  const info = jobs.create(
    { object: plan.object, operation: 'upsert', externalIdFieldName: EXTERNAL_ID_FIELD, contentType: 'CSV' },
    org.users.integration,
    '62.0',
  );
  const id = String(info.id);
  jobs.upload(id, csv);
  jobs.changeState(id, 'UploadComplete');
  for (;;) {
    const state = jobs.info(id).state;
    if (state === 'JobComplete') break;
    if (state === 'Failed' || state === 'Aborted')
      throw new Error(`${plan.object} job ${id} ${String(state)}: ${String(jobs.info(id).errorMessage)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  jobs.successfulResults(id);
  jobs.failedResults(id);
  return Number(jobs.info(id).numberRecordsFailed ?? 0);
}

const stages: { name: string; records: number; seconds: number; failed: number }[] = [];
for (const plan of loadPlan(connectorModel)) {
  let seconds = 0;
  let records = 0;
  let failed = 0;
  for await (const job of jobsOf(plan)) {
    const started = performance.now();
    failed += await runJob(org, plan, job.csv);
    seconds += (performance.now() - started) / 1000;
    records += job.rows;
  }
  stages.push({ name: plan.stage, records, seconds, failed });
}
const usage = process.resourceUsage();
process.stdout.write(
  `${JSON.stringify({
    records: stages.reduce((sum, stage) => sum + stage.records, 0),
    seconds: stages.reduce((sum, stage) => sum + stage.seconds, 0),
    failed: stages.reduce((sum, stage) => sum + stage.failed, 0),
    stages,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
  })}\n`,
);
await sandbox.close();
process.exit(0);
