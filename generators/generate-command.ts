/** `gentrack-sf generate [--check]`: force-app and the relay's typed model from config/connector.yaml. */
import type { Command } from 'commander';
import {
  DEFAULT_MODEL_PATH,
  formatLocatedProblem,
  loadConnectorModel,
  type LocatedProblem,
} from '../model/load-model.js';
import type { OutputDifference } from './write-output.js';

export interface GenerateOutcome {
  /** The model file the output came from. */
  readonly model: string;
  readonly files: number;
  /** With `check`: the files that differ from what the model gives (nothing is written). */
  readonly differences: readonly OutputDifference[];
  readonly written: boolean;
}

/** The core of `gentrack-sf generate` and `sf gentrack generate`. */
export async function runGenerate(options: {
  readonly check?: boolean;
  readonly modelPath?: string;
  /** A deprecated model spelling that still loads. */
  readonly onWarning?: (warning: LocatedProblem) => void;
}): Promise<GenerateOutcome> {
  // The generators (ts-morph, prettier, handlebars) load only when this command runs.
  const [{ generateFiles }, { compareWithDisk, writeGeneratedFiles }, { PROJECT_ROOT }] = await Promise.all([
    import('./generate.js'),
    import('./write-output.js'),
    import('../model/project-root.js'),
  ]);
  const model = await loadConnectorModel(
    options.modelPath ?? DEFAULT_MODEL_PATH,
    PROJECT_ROOT,
    options.onWarning ? { onWarning: options.onWarning } : {},
  );
  const files = await generateFiles(model);
  if (options.check) {
    const differences = await compareWithDisk(files, PROJECT_ROOT);
    return { model: model.sourcePath, files: files.length, differences, written: false };
  }
  await writeGeneratedFiles(files, PROJECT_ROOT);
  return { model: model.sourcePath, files: files.length, differences: [], written: true };
}

/** What generate says: the files that differ (check), or how many were written. */
export function formatGenerateOutcome(outcome: GenerateOutcome): string {
  if (outcome.differences.length > 0) {
    return [
      `Generated files are not current with ${outcome.model} (run npm run generate):`,
      ...outcome.differences.map((difference) => `  ${difference.kind.padEnd(13)} ${difference.path}`),
    ].join('\n');
  }
  return outcome.written
    ? `Wrote ${outcome.files} files from ${outcome.model}.`
    : `${outcome.files} generated files match ${outcome.model}.`;
}

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('Generate force-app/ and the relay mapping from the connector model')
    .option('--check', 'write nothing; exit 1 listing the files that differ from what the model gives')
    .option('--model <path>', 'connector model file', DEFAULT_MODEL_PATH)
    .action(async (options: { check?: boolean; model: string }) => {
      const outcome = await runGenerate({
        ...(options.check ? { check: true } : {}),
        modelPath: options.model,
        onWarning: (warning) => console.error(`warning: ${formatLocatedProblem(warning)}`),
      });
      if (outcome.differences.length > 0) {
        console.error(formatGenerateOutcome(outcome));
        process.exitCode = 1;
        return;
      }
      console.log(formatGenerateOutcome(outcome));
    });
}
