/**
 * `gentrack-sf`: the one entry point for every command of the connector. Each command lives in cli/commands/ and
 * registers itself here.
 */
import { Command, CommanderError } from 'commander';
import { registerApexCommand } from './commands/apex.js';
import { registerCredentialsCommand } from './commands/credentials.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDlqCommand } from './commands/dlq.js';
import { registerGenerateCommand } from './commands/generate.js';
import { registerHistoryCommand } from './commands/history.js';
import { registerInitialSyncCommand } from './commands/initial-sync.js';
import { registerRelayCommand } from './commands/relay.js';
import { registerSandboxCommand } from './commands/sandbox.js';
import { registerValidateOrgCommand } from './commands/validate-org.js';
import { registerVerifyCommand } from './commands/verify.js';

const program = new Command('gentrack-sf')
  .description('Gentrack <-> Salesforce connector: generators, relay, sandbox and operations')
  .showHelpAfterError()
  .exitOverride();

registerGenerateCommand(program);
registerApexCommand(program);
registerDemoCommand(program);
registerCredentialsCommand(program);
registerDlqCommand(program);
registerHistoryCommand(program);
registerInitialSyncCommand(program);
registerRelayCommand(program);
registerSandboxCommand(program);
registerValidateOrgCommand(program);
registerVerifyCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else {
    // Errors the user can act on (an invalid model, a failed check) carry their own complete message.
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
