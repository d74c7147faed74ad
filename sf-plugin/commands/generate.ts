/** `sf gentrack generate`: gentrack-sf generate (force-app and the relay mapping from the connector model). */
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { formatGenerateOutcome, runGenerate, type GenerateOutcome } from '../../generators/generate-command.js';

export default class Generate extends SfCommand<GenerateOutcome> {
  public static override readonly summary = 'Generate force-app and the relay mapping from the connector model.';
  public static override readonly description =
    "Writes the plugin project's force-app/, manifest/package.xml and the relay's typed model from " +
    'config/connector.yaml. With --check it writes nothing and exits 1 listing the files that differ.';
  public static override readonly examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --check',
  ];
  public static override readonly flags = {
    check: Flags.boolean({ summary: 'Write nothing; exit 1 listing the files that differ from what the model gives.' }),
    model: Flags.file({ summary: 'Connector model file (default: config/connector.yaml).', exists: true }),
  };

  public async run(): Promise<GenerateOutcome> {
    const { flags } = await this.parse(Generate);
    const outcome = await runGenerate({ check: flags.check, ...(flags.model ? { modelPath: flags.model } : {}) });
    this.log(formatGenerateOutcome(outcome));
    if (outcome.differences.length > 0) process.exitCode = 1;
    return outcome;
  }
}
