/**
 * The portal account the demo and `gentrack-sf sandbox` make, so a person can look at the relay at once: an admin
 * with a password made up for the run and printed with the portal's address (the sandbox holds no real data).
 */
import { openRelayDatabase } from '../relay/src/platform/db/relay-database.js';
import { AuditLog } from '../relay/src/portal/audit-log.js';
import { PortalUsers } from '../relay/src/portal/portal-users.js';
import { generatedPassword } from '../cli/commands/portal.js';

export const SANDBOX_PORTAL_ADMIN = 'sandbox-admin';

/** Adds the admin to the store at `storePath` (created if missing); returns the password. */
export async function addSandboxPortalAdmin(storePath: string): Promise<string> {
  const db = openRelayDatabase(storePath);
  try {
    const password = generatedPassword();
    await new PortalUsers(db).add(SANDBOX_PORTAL_ADMIN, password, 'admin');
    new AuditLog(db).record({
      actor: 'sandbox',
      action: 'user.add',
      target: SANDBOX_PORTAL_ADMIN,
      outcome: 'succeeded',
      detail: 'role admin',
    });
    return password.reveal();
  } finally {
    db.close();
  }
}
