/** The benchmark's result table: each figure next to its target and whether it is met. */

export interface ReportRow {
  readonly metric: string;
  readonly measured: string;
  /** Empty for figures reported for information. */
  readonly target?: string;
  readonly met?: boolean;
}

export function renderReport(title: string, rows: readonly ReportRow[], notes: readonly string[]): string {
  const header = { metric: 'metric', measured: 'measured', target: 'target', verdict: '' };
  const lines = rows.map((row) => ({
    metric: row.metric,
    measured: row.measured,
    target: row.target ?? '',
    verdict: row.met === undefined ? '' : row.met ? 'met' : 'MISSED',
  }));
  const width = (key: keyof typeof header) => Math.max(header[key].length, ...lines.map((line) => line[key].length));
  const widths = { metric: width('metric'), measured: width('measured'), target: width('target') };
  const format = (line: typeof header) =>
    `  ${line.metric.padEnd(widths.metric)}  ${line.measured.padStart(widths.measured)}  ${line.target.padEnd(widths.target)}  ${line.verdict}`.trimEnd();
  const rule = '  ' + '-'.repeat(widths.metric + widths.measured + widths.target + 12);
  return [
    ``,
    title,
    rule,
    format(header),
    rule,
    ...lines.map(format),
    rule,
    ...notes.map((note) => `  ${note}`),
    ``,
  ].join('\n');
}

export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
