/** `sf gentrack verify`: gentrack-sf verify (the offline checks of the metadata and the Apex). */
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { CHECK_NAMES } from '../../generators/verify/finding.js';
import type { FindingsByCheck } from '../../generators/verify/findings-table.js';
import { runVerify } from '../../generators/verify/verify-command.js';

export default class Verify extends SfCommand<{ findings: FindingsByCheck; count: number }> {
  public static override readonly summary = 'Check force-app offline; exit 1 on any finding.';
  public static override readonly description =
    'SDR source conversion, the Metadata API schema and metadata rules, Apex syntax and formatting, apex-ls ' +
    'semantics and PMD, with no org needed.';
  public static override readonly examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --only apex-syntax --only metadata-rules',
  ];
  public static override readonly flags = {
    project: Flags.directory({
      summary: 'SFDX project directory (the folder with sfdx-project.json).',
      default: '.',
      exists: true,
    }),
    only: Flags.option({ summary: 'Run only this check.', options: CHECK_NAMES, multiple: true })(),
  };

  public async run(): Promise<{ findings: FindingsByCheck; count: number }> {
    const { flags } = await this.parse(Verify);
    const { findings, count, table } = await runVerify({
      project: flags.project,
      ...(flags.only ? { only: flags.only } : {}),
    });
    this.log(table);
    if (count > 0) process.exitCode = 1;
    return { findings, count };
  }
}
