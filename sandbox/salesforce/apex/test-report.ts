/**
 * Prints a test run as `sf apex run test --result-format human --code-coverage` does (summary, results, coverage by
 * class), or as the `result` of its `--json` output, with each method's governor limit usage added.
 */
import type { TestRunResult } from './test-runner.js';

export interface ReportContext {
  readonly orgId: string;
  readonly username: string;
  readonly coverage: boolean;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.flatMap((row) => (row[column] ?? '').split('\n').map((line) => line.length))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  const out = [line(headers), widths.map((width) => '─'.repeat(width)).join('  ')];
  for (const row of rows) {
    const lines = row.map((cell) => cell.split('\n'));
    const height = Math.max(...lines.map((cell) => cell.length));
    for (let index = 0; index < height; index++) out.push(line(lines.map((cell) => cell[index] ?? '')));
  }
  return out.join('\n');
}

export function formatHuman(run: TestRunResult, context: ReportContext): string {
  const passed = run.tests.filter((test) => test.outcome === 'Pass').length;
  const failed = run.tests.length - passed;
  const percent = (count: number) => `${run.tests.length === 0 ? 0 : Math.round((count / run.tests.length) * 100)}%`;
  const summary: [string, string][] = [
    ['Outcome', failed === 0 ? 'Passed' : 'Failed'],
    ['Tests Ran', String(run.tests.length)],
    ['Pass Rate', percent(passed)],
    ['Fail Rate', percent(failed)],
    ['Skip Rate', '0%'],
    ['Test Execution Time', `${run.runTimeMs} ms`],
    ['Org Id', context.orgId],
    ['Username', context.username],
  ];
  if (context.coverage) summary.push(['Org Wide Coverage', `${run.orgWideCoverage}%`]);
  const sections = [
    '=== Test Summary',
    table(['NAME', 'VALUE'], summary),
    '',
    '=== Test Results',
    table(
      ['TEST NAME', 'OUTCOME', 'MESSAGE', 'RUNTIME (MS)'],
      run.tests.map((test) => [
        `${test.className}.${test.methodName}`,
        test.outcome,
        [test.message, test.stackTrace].filter(Boolean).join('\n'),
        String(test.runTimeMs),
      ]),
    ),
  ];
  if (context.coverage) {
    sections.push(
      '',
      '=== Apex Code Coverage by Class',
      table(
        ['CLASSES', 'PERCENT', 'UNCOVERED LINES'],
        run.coverage.map((item) => [item.name, `${item.percent}%`, item.uncoveredLines.join(',')]),
      ),
    );
  }
  return sections.join('\n');
}

export function formatJson(run: TestRunResult, context: ReportContext): string {
  const passed = run.tests.filter((test) => test.outcome === 'Pass').length;
  const failed = run.tests.length - passed;
  const result = {
    summary: {
      outcome: failed === 0 ? 'Passed' : 'Failed',
      testsRan: run.tests.length,
      passing: passed,
      failing: failed,
      skipped: 0,
      passRate: `${run.tests.length === 0 ? 0 : Math.round((passed / run.tests.length) * 100)}%`,
      failRate: `${run.tests.length === 0 ? 0 : Math.round((failed / run.tests.length) * 100)}%`,
      testExecutionTime: `${run.runTimeMs} ms`,
      orgId: context.orgId,
      username: context.username,
      ...(context.coverage ? { orgWideCoverage: `${run.orgWideCoverage}%` } : {}),
    },
    tests: run.tests.map((test) => ({
      Outcome: test.outcome,
      MethodName: test.methodName,
      Message: test.message,
      StackTrace: test.stackTrace,
      RunTime: test.runTimeMs,
      FullName: `${test.className}.${test.methodName}`,
      ApexClass: { Name: test.className },
      Limits: test.limits,
      TestBlockLimits: test.testBlockLimits,
      HeapPeakBytes: test.heapPeakBytes,
    })),
    ...(context.coverage
      ? {
          coverage: {
            coverage: run.coverage.map((item) => ({
              name: item.name,
              type: item.kind === 'class' ? 'ApexClass' : 'ApexTrigger',
              totalLines: item.totalLines,
              totalCovered: item.coveredLines,
              coveredPercent: item.percent,
              uncoveredLines: item.uncoveredLines,
            })),
          },
        }
      : {}),
  };
  return JSON.stringify({ status: failed === 0 ? 0 : 100, result }, null, 2);
}
