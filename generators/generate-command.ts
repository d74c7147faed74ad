/** `gentrack-sf generate [--check]`: force-app and the relay's typed model from config/connector.yaml. */
import type { Command } from 'commander';
import { DEFAULT_MODEL_PATH, formatLocatedProblem, loadConnectorModel } from '../model/load-model.js';

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('Generate force-app/ and the relay mapping from the connector model')
    .option('--check', 'write nothing; exit 1 listing the files that differ from what the model gives')
    .option('--model <path>', 'connector model file', DEFAULT_MODEL_PATH)
    .action(async (options: { check?: boolean; model: string }) => {
      // The generators (ts-morph, prettier, handlebars) load only when this command runs.
      const [{ generateFiles }, { compareWithDisk, writeGeneratedFiles }, { PROJECT_ROOT }] = await Promise.all([
        import('./generate.js'),
        import('./write-output.js'),
        import('../model/project-root.js'),
      ]);
      const model = await loadConnectorModel(options.model, PROJECT_ROOT, {
        onWarning: (warning) => console.error(`warning: ${formatLocatedProblem(warning)}`),
      });
      const files = await generateFiles(model);
      if (options.check) {
        const differences = await compareWithDisk(files, PROJECT_ROOT);
        if (differences.length > 0) {
          console.error(`Generated files are not current with ${model.sourcePath} (run npm run generate):`);
          for (const difference of differences) console.error(`  ${difference.kind.padEnd(13)} ${difference.path}`);
          process.exitCode = 1;
          return;
        }
        console.log(`${files.length} generated files match ${model.sourcePath}.`);
        return;
      }
      await writeGeneratedFiles(files, PROJECT_ROOT);
      console.log(`Wrote ${files.length} files from ${model.sourcePath}.`);
    });
}
