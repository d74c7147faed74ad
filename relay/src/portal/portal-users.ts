/**
 * The portal's local accounts, in the relay store (`portal_users`): a user name, a role and a scrypt hash of the
 * password (the same hashing as the API's client secrets). Changing a password or a role, or removing the account,
 * ends the user's sessions: a session started before `sessions_valid_from` is refused.
 */
import { hashClientSecret, unknownClientHash, verifyClientSecret } from '../platform/api-auth/client-secrets.js';
import { Secret } from '../platform/config/secret.js';
import type { RelayDatabase } from '../platform/db/relay-database.js';
import { RelayError } from '../platform/errors.js';
import type { Role } from './roles.js';

export const MIN_PASSWORD_LENGTH = 12;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export interface PortalUser {
  readonly username: string;
  readonly role: Role;
  readonly createdAt: number;
  /** Sessions started before this time (epoch ms) are no longer valid. */
  readonly sessionsValidFrom: number;
}

export type PortalUserErrorCode = 'PORTAL_USER_EXISTS' | 'PORTAL_USER_NOT_FOUND' | 'PORTAL_USER_INVALID';

export class PortalUserError extends RelayError {
  constructor(
    readonly code: PortalUserErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PortalUserError';
  }
}

interface UserRow {
  username: string;
  password_hash: string;
  role: Role;
  created_at: number;
  sessions_valid_from: number;
}

export class PortalUsers {
  private readonly statements;

  constructor(
    db: RelayDatabase,
    private readonly clock: () => number = Date.now,
  ) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO portal_users (username, password_hash, role, created_at, sessions_valid_from) VALUES (?, ?, ?, ?, ?)`,
      ),
      byName: db.prepare(`SELECT * FROM portal_users WHERE username = ?`),
      list: db.prepare(`SELECT * FROM portal_users ORDER BY username`),
      remove: db.prepare(`DELETE FROM portal_users WHERE username = ?`),
      setRole: db.prepare(`UPDATE portal_users SET role = ?, sessions_valid_from = ? WHERE username = ?`),
      setPassword: db.prepare(`UPDATE portal_users SET password_hash = ?, sessions_valid_from = ? WHERE username = ?`),
    };
  }

  async add(username: string, password: Secret, role: Role): Promise<PortalUser> {
    checkUsername(username);
    checkPassword(password);
    if (this.get(username)) throw new PortalUserError('PORTAL_USER_EXISTS', `portal user ${username} already exists`);
    const now = this.clock();
    this.statements.insert.run(username, await hashClientSecret(password), role, now, now);
    return this.get(username)!;
  }

  get(username: string): PortalUser | undefined {
    const row = this.statements.byName.get(username) as UserRow | undefined;
    return row && toUser(row);
  }

  list(): PortalUser[] {
    return (this.statements.list.all() as UserRow[]).map(toUser);
  }

  remove(username: string): void {
    if (this.statements.remove.run(username).changes === 0) throw notFound(username);
  }

  setRole(username: string, role: Role): PortalUser {
    if (this.statements.setRole.run(role, this.clock(), username).changes === 0) throw notFound(username);
    return this.get(username)!;
  }

  async setPassword(username: string, password: Secret): Promise<void> {
    checkPassword(password);
    const hash = await hashClientSecret(password);
    if (this.statements.setPassword.run(hash, this.clock(), username).changes === 0) throw notFound(username);
  }

  /**
   * The user whose password this is, or undefined. An unknown name costs the same hashing as a known one, so the
   * answer's timing does not tell which accounts exist.
   */
  async verify(username: string, password: string): Promise<PortalUser | undefined> {
    const row = this.statements.byName.get(username) as UserRow | undefined;
    const matches = await verifyClientSecret(password, row?.password_hash ?? (await unknownClientHash()));
    return row && matches ? toUser(row) : undefined;
  }
}

function toUser(row: UserRow): PortalUser {
  return {
    username: row.username,
    role: row.role,
    createdAt: row.created_at,
    sessionsValidFrom: row.sessions_valid_from,
  };
}

function notFound(username: string): PortalUserError {
  return new PortalUserError(
    'PORTAL_USER_NOT_FOUND',
    `there is no portal user ${username} (see gentrack-sf portal user list)`,
  );
}

function checkUsername(username: string): void {
  if (!USERNAME.test(username)) {
    throw new PortalUserError(
      'PORTAL_USER_INVALID',
      `"${username}" is not a usable user name: 1 to 64 letters, digits, dots, dashes, underscores or @, starting with a letter or digit`,
    );
  }
}

function checkPassword(password: Secret): void {
  if (password.reveal().length < MIN_PASSWORD_LENGTH) {
    throw new PortalUserError(
      'PORTAL_USER_INVALID',
      `the password is too short: at least ${MIN_PASSWORD_LENGTH} characters (a passphrase is easiest)`,
    );
  }
}
