/**
 * `gentrack-sf`: one program for every command of the connector. The operator's commands (what ships with the relay)
 * live in cli/commands/; the development commands (generate, verify, sandbox, demo) live beside the code they run
 * and are added by the entry point (bin/main.ts), so nothing that ships imports the generators or the sandbox.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { PROJECT_ROOT } from '../model/project-root.js';
import { registerCredentialsCommand } from './commands/credentials.js';
import { registerDlqCommand } from './commands/dlq.js';
import { registerHistoryCommand } from './commands/history.js';
import { registerInitialSyncCommand } from './commands/initial-sync.js';
import { registerPortalCommand } from './commands/portal.js';
import { registerRelayCommand } from './commands/relay.js';
import { registerSetupCommand } from './commands/setup.js';
import { registerValidateOrgCommand } from './commands/validate-org.js';

export type RegisterCommand = (program: Command) => void;

export const OPERATOR_COMMANDS: readonly RegisterCommand[] = [
  registerCredentialsCommand,
  registerDlqCommand,
  registerHistoryCommand,
  registerInitialSyncCommand,
  registerPortalCommand,
  registerRelayCommand,
  registerSetupCommand,
  registerValidateOrgCommand,
];

export async function runGentrackSf(
  commands: readonly RegisterCommand[],
  argv: readonly string[] = process.argv,
): Promise<void> {
  const { version } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
  const program = new Command('gentrack-sf')
    .description('Gentrack <-> Salesforce connector: generators, relay, sandbox and operations')
    .version(version, '-V, --version', 'print the version of gentrack-sf')
    // A subcommand's help also lists the options of the commands above it (e.g. `dlq list --help` shows --store).
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError()
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  gentrack-sf generate --check                  is force-app/ what config/connector.yaml gives?',
        '  gentrack-sf relay --config relay.yaml         run the relay (GENTRACK_RELAY_SECRETS_FILE names its secrets)',
        '  gentrack-sf dlq --config relay.yaml list      what the relay could not deliver',
        '  gentrack-sf demo --duration 30                the sandbox, the relay and 30 s of changes',
      ].join('\n'),
    )
    .exitOverride();
  for (const register of commands) register(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
    } else {
      // Errors the user can act on (an invalid model, a failed check) carry their own complete message.
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    }
  }
}
