/** `gentrack-sf verify [--project <dir>]`: the offline checks of the Salesforce metadata and Apex (no org needed). */
import path from 'node:path';
import type { Command } from 'commander';
// The checks (SDR, prettier, PMD drivers) load only when verify runs: other commands need not carry them.
import { CHECK_NAMES, type CheckName } from './finding.js';
import type { FindingsByCheck } from './findings-table.js';

export class UnknownCheckError extends Error {
  override readonly name = 'UnknownCheckError';
  readonly code = 'UNKNOWN_CHECK';
}

/** The core of `gentrack-sf verify` and `sf gentrack verify`: every finding by check, and their count. */
export async function runVerify(options: {
  readonly project: string;
  readonly only?: readonly string[];
}): Promise<{ findings: FindingsByCheck; count: number; table: string }> {
  const unknown = (options.only ?? []).filter((name) => !(CHECK_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new UnknownCheckError(`Unknown check ${unknown.join(', ')}; the checks are ${CHECK_NAMES.join(', ')}.`);
  }
  const { countFindings, formatFindingsTable, runAllChecks } = await import('./index.js');
  const findings = await runAllChecks(
    path.resolve(options.project),
    options.only ? { only: options.only as CheckName[] } : {},
  );
  return { findings, count: countFindings(findings), table: formatFindingsTable(findings) };
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'Check force-app offline: SDR conversion, metadata rules, Apex syntax and formatting, apex-ls semantics, PMD. Exits 1 on any finding.',
    )
    .option('--project <dir>', 'SFDX project directory (the folder with sfdx-project.json)', '.')
    .option('--only <checks...>', `run only these checks (${CHECK_NAMES.join(', ')})`)
    .action(async (options: { project: string; only?: string[] }) => {
      let outcome;
      try {
        outcome = await runVerify(options);
      } catch (error) {
        if (!(error instanceof UnknownCheckError)) throw error;
        console.error(error.message);
        process.exitCode = 2;
        return;
      }
      console.log(outcome.table);
      if (outcome.count > 0) process.exitCode = 1;
    });
}
