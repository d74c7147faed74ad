/**
 * The sf plugin's commands (`sf gentrack ...`), found by oclif through bin/sf-plugin.js (package.json's
 * `oclif.commands`, explicit strategy). Each is a thin adapter over the core gentrack-sf runs: sf flags in, sf
 * output (and --json) out.
 */
import CredentialsCreate from './commands/credentials/create.js';
import CredentialsRevoke from './commands/credentials/revoke.js';
import CredentialsRotate from './commands/credentials/rotate.js';
import Generate from './commands/generate.js';
import InitialSync from './commands/initial-sync.js';
import Setup from './commands/setup.js';
import ValidateOrg from './commands/validate-org.js';
import Verify from './commands/verify.js';

export const COMMANDS = {
  'gentrack:credentials:create': CredentialsCreate,
  'gentrack:credentials:revoke': CredentialsRevoke,
  'gentrack:credentials:rotate': CredentialsRotate,
  'gentrack:generate': Generate,
  'gentrack:initial-sync': InitialSync,
  'gentrack:setup': Setup,
  'gentrack:validate-org': ValidateOrg,
  'gentrack:verify': Verify,
};
