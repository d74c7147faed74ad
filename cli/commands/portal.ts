/**
 * `gentrack-sf portal user add | list | remove | set-role | set-password`: the portal's local accounts, in the relay
 * store. Passwords are read without echo from the terminal, or from stdin with --password-stdin (scripts), or made
 * up and printed once with --generate-password; only their scrypt hash is kept. Every change is in the portal's
 * audit log as `cli:<os user>`.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadRelayConfig } from '../../relay/src/platform/config/relay-config.js';
import { Secret } from '../../relay/src/platform/config/secret.js';
import { openRelayDatabase, type RelayDatabase } from '../../relay/src/platform/db/relay-database.js';
import { hasCode } from '../../relay/src/platform/errors.js';
import { AuditLog } from '../../relay/src/portal/audit-log.js';
import { PortalUsers, type PortalUserError } from '../../relay/src/portal/portal-users.js';
import { isRole, ROLES, type Role } from '../../relay/src/portal/roles.js';
import { CliUsageError } from '../cli-usage-error.js';
import { readPassword } from '../password-prompt.js';

interface StoreOptions {
  store?: string;
  config?: string;
}

interface PasswordOptions {
  passwordStdin?: boolean;
  generatePassword?: boolean;
}

function roleValue(text: string): Role {
  if (!isRole(text)) throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}, got ${text}`);
  return text;
}

export function registerPortalCommand(program: Command): void {
  const portal = program.command('portal').description("The relay's web console (config section `portal`)");
  const user = portal
    .command('user')
    .description(
      'Local accounts of the portal: viewer (reads), operator (+ retries and discards), admin (+ personal data)',
    )
    .option('--store <path>', 'the relay store file (default: store.path of the relay configuration)')
    .option('--config <file>', 'relay configuration file (default: $GENTRACK_RELAY_CONFIG_FILE)');
  const storeOptions = () => user.opts<StoreOptions>();

  user
    .command('add <username>')
    .description('Create an account')
    .requiredOption('--role <role>', `${ROLES.join(' | ')}`, roleValue)
    .option('--password-stdin', 'read the password from the first line of stdin')
    .option('--generate-password', 'make up a password and print it once')
    .action(async (username: string, options: PasswordOptions & { role: Role }) => {
      const password = await passwordFrom(options);
      await withUsers(storeOptions(), true, async ({ users, audit }) => {
        await users.add(username, password, options.role);
        audit.record({
          actor: cliActor(),
          action: 'user.add',
          target: username,
          outcome: 'succeeded',
          detail: `role ${options.role}`,
        });
        console.log(`Portal user ${username} added as ${options.role}.`);
        if (options.generatePassword) console.log(`Password (shown once): ${password.reveal()}`);
      });
    });

  user
    .command('list')
    .description('List the accounts')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) =>
      withUsers(storeOptions(), false, ({ users }) => {
        const list = users.list().map((entry) => ({
          username: entry.username,
          role: entry.role,
          createdAt: new Date(entry.createdAt).toISOString(),
        }));
        if (options.json) return console.log(JSON.stringify(list, null, 2));
        if (list.length === 0)
          return console.log('No portal users yet: gentrack-sf portal user add <name> --role admin');
        console.log(['USER', 'ROLE', 'CREATED'].join('\t'));
        for (const entry of list) console.log([entry.username, entry.role, entry.createdAt].join('\t'));
      }),
    );

  user
    .command('remove <username>')
    .description('Delete an account; its sessions end at once')
    .action((username: string) =>
      withUsers(storeOptions(), false, ({ users, audit }) => {
        users.remove(username);
        audit.record({ actor: cliActor(), action: 'user.remove', target: username, outcome: 'succeeded' });
        console.log(`Portal user ${username} removed.`);
      }),
    );

  user
    .command('set-role <username> <role>')
    .description("Change an account's role; its sessions end, so the new role applies at the next sign-in")
    .action((username: string, role: string) =>
      withUsers(storeOptions(), false, ({ users, audit }) => {
        const changed = users.setRole(username, roleValueOrUsage(role));
        audit.record({
          actor: cliActor(),
          action: 'user.set-role',
          target: username,
          outcome: 'succeeded',
          detail: `role ${changed.role}`,
        });
        console.log(`Portal user ${username} is now ${changed.role}.`);
      }),
    );

  user
    .command('set-password <username>')
    .description("Change an account's password; its sessions end")
    .option('--password-stdin', 'read the password from the first line of stdin')
    .option('--generate-password', 'make up a password and print it once')
    .action(async (username: string, options: PasswordOptions) => {
      const password = await passwordFrom(options);
      await withUsers(storeOptions(), false, async ({ users, audit }) => {
        await users.setPassword(username, password);
        audit.record({ actor: cliActor(), action: 'user.set-password', target: username, outcome: 'succeeded' });
        console.log(`The password of portal user ${username} is changed.`);
        if (options.generatePassword) console.log(`Password (shown once): ${password.reveal()}`);
      });
    });
}

function roleValueOrUsage(text: string): Role {
  if (!isRole(text)) throw new CliUsageError(`"${text}" is not a role: use one of ${ROLES.join(', ')}`);
  return text;
}

/** The person behind a command, for the audit log. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** A password made up for the operator: 24 characters from 18 random bytes. */
export function generatedPassword(): Secret {
  return new Secret(randomBytes(18).toString('base64url'));
}

async function passwordFrom(options: PasswordOptions): Promise<Secret> {
  if (options.generatePassword && options.passwordStdin)
    throw new CliUsageError('give --password-stdin or --generate-password, not both');
  if (options.generatePassword) return generatedPassword();
  if (options.passwordStdin) return new Secret(await firstLineOfStdin());
  if (!process.stdin.isTTY)
    throw new CliUsageError('no terminal to ask for the password: use --password-stdin or --generate-password');
  const password = await readPassword('Password: ');
  const again = await readPassword('Password again: ');
  if (password.reveal() !== again.reveal()) throw new CliUsageError('the two passwords differ; nothing was changed');
  return password;
}

async function firstLineOfStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0]!;
}

async function withUsers(
  options: StoreOptions,
  create: boolean,
  run: (store: { users: PortalUsers; audit: AuditLog }) => void | Promise<void>,
): Promise<void> {
  const path = options.store ?? loadRelayConfig(options.config ? { file: options.config } : {}).store.path;
  const db: RelayDatabase = openRelayDatabase(path, { synchronous: 'FULL', create });
  try {
    await run({ users: new PortalUsers(db), audit: new AuditLog(db) });
  } catch (error) {
    // The repository's messages name the user and what to do; the CLI prints them without a stack.
    if (
      hasCode<PortalUserError>(error, 'PORTAL_USER_EXISTS') ||
      hasCode<PortalUserError>(error, 'PORTAL_USER_NOT_FOUND') ||
      hasCode<PortalUserError>(error, 'PORTAL_USER_INVALID')
    )
      throw new CliUsageError(error.message);
    throw error;
  } finally {
    db.close();
  }
}
