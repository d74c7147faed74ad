/**
 * The sf plugin's commands (`sf gentrack ...`), found by oclif through package.json's `oclif.commands` (explicit
 * strategy). Each is a thin adapter over the core gentrack-sf runs: sf flags in, sf output (and --json) out.
 */
import Setup from './commands/setup.js';
import ValidateOrg from './commands/validate-org.js';

export const COMMANDS = {
  'gentrack:setup': Setup,
  'gentrack:validate-org': ValidateOrg,
};
