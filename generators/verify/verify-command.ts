/** `gentrack-sf verify [--project <dir>]`: the offline checks of the Salesforce metadata and Apex (no org needed). */
import path from 'node:path';
import type { Command } from 'commander';
// The checks (SDR, prettier, PMD drivers) load only when verify runs: other commands need not carry them.
import { CHECK_NAMES, type CheckName } from './finding.js';

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'Check force-app offline: SDR conversion, metadata rules, Apex syntax and formatting, apex-ls semantics, PMD. Exits 1 on any finding.',
    )
    .option('--project <dir>', 'SFDX project directory (the folder with sfdx-project.json)', '.')
    .option('--only <checks...>', `run only these checks (${CHECK_NAMES.join(', ')})`)
    .action(async (options: { project: string; only?: string[] }) => {
      const unknown = (options.only ?? []).filter((name) => !(CHECK_NAMES as readonly string[]).includes(name));
      if (unknown.length > 0) {
        console.error(`Unknown check ${unknown.join(', ')}; the checks are ${CHECK_NAMES.join(', ')}.`);
        process.exitCode = 2;
        return;
      }
      const projectDir = path.resolve(options.project);
      const { countFindings, formatFindingsTable, runAllChecks } = await import('./index.js');
      const findings = await runAllChecks(projectDir, options.only ? { only: options.only as CheckName[] } : {});
      console.log(formatFindingsTable(findings));
      if (countFindings(findings) > 0) process.exitCode = 1;
    });
}
