/**
 * Prints findings as a table a person reads top to bottom: one section per check, one row per finding with its
 * location (file:line, clickable in most terminals and editors), the rule, and what to do.
 */
import type { CheckName, Finding } from './finding.js';
import { sortFindings } from './finding.js';

export type FindingsByCheck = Readonly<Partial<Record<CheckName, readonly Finding[]>>>;

export function formatFindingsTable(findingsByCheck: FindingsByCheck): string {
  const lines: string[] = [];
  let total = 0;
  for (const [check, findings] of Object.entries(findingsByCheck) as [CheckName, readonly Finding[]][]) {
    total += findings.length;
    lines.push(
      `${findings.length === 0 ? 'ok  ' : 'FAIL'} ${check}: ${findings.length === 0 ? 'no findings' : plural(findings.length, 'finding')}`,
    );
    if (findings.length === 0) continue;
    const rows = sortFindings(findings).map((finding) => ({
      location: finding.line ? `${finding.file}:${finding.line}` : finding.file,
      rule: finding.rule ?? '',
      message: finding.message,
    }));
    const locationWidth = Math.max(...rows.map((row) => row.location.length));
    const ruleWidth = Math.max(...rows.map((row) => row.rule.length));
    for (const row of rows) {
      lines.push(`    ${row.location.padEnd(locationWidth)}  ${row.rule.padEnd(ruleWidth)}  ${row.message}`);
    }
  }
  lines.push(total === 0 ? 'All checks passed.' : `${plural(total, 'finding')} in total.`);
  return lines.join('\n');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
