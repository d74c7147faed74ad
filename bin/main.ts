/**
 * The `gentrack-sf` program as bin/gentrack-sf.js runs it: the development commands (generate, verify, apex test,
 * sandbox, demo), which need the generators and the sandbox, and the operator's commands, which ship with the relay.
 */
import { OPERATOR_COMMANDS, runGentrackSf } from '../cli/program.js';
import { registerGenerateCommand } from '../generators/generate-command.js';
import { registerVerifyCommand } from '../generators/verify/verify-command.js';
import { registerApexCommand } from '../sandbox/salesforce/apex/apex-command.js';
import { registerSandboxCommand } from '../sandbox/sandbox-command.js';
import { registerDemoCommand } from '../scripts/demo/demo-command.js';

await runGentrackSf([
  registerGenerateCommand,
  registerVerifyCommand,
  registerApexCommand,
  registerSandboxCommand,
  registerDemoCommand,
  ...OPERATOR_COMMANDS,
]);
