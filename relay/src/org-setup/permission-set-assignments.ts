/**
 * Assigns the connector's permission sets to named users through PermissionSetAssignment records (REST), and
 * verifies each assignment by reading it back. A user that does not exist is left to the admin to create.
 */
import type { OrgConnection } from '../platform/salesforce/org-connection.js';
import { already, done, failed, manual, salesforceMessage, type SetupStepResult } from './setup-step.js';

export interface AssignmentRequest {
  readonly username: string;
  readonly permissionSet: string;
  /** Why this user needs it, for the report (e.g. `the relay's integration user`). */
  readonly role: string;
}

const literal = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export async function assignPermissionSet(
  connection: OrgConnection,
  request: AssignmentRequest,
): Promise<SetupStepResult> {
  const step = `permission set ${request.permissionSet} for ${request.username}`;
  try {
    const users = await connection.query<{ Id: string; IsActive: boolean }>(
      `SELECT Id, IsActive FROM User WHERE Username = ${literal(request.username)}`,
    );
    const user = users.records[0];
    if (!user) {
      return manual(
        step,
        `no user ${request.username} in the org`,
        `create ${request.role} ${request.username} (Setup > Users), then run setup again`,
      );
    }
    if (user.IsActive === false) {
      return manual(step, `user ${request.username} is inactive`, `activate ${request.username}, then run setup again`);
    }
    const sets = await connection.query<{ Id: string }>(
      `SELECT Id FROM PermissionSet WHERE Name = ${literal(request.permissionSet)}`,
    );
    const permissionSetId = sets.records[0]?.Id;
    if (!permissionSetId) {
      return failed(step, `permission set ${request.permissionSet} is not in the org`, 'deploy force-app first');
    }
    const findAssignment = async () =>
      (
        await connection.query<{ Id: string }>(
          `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = ${literal(user.Id)} AND PermissionSetId = ${literal(permissionSetId)}`,
        )
      ).records[0];
    if (await findAssignment()) return already(step, 'assigned');
    const created = await connection.sobject('PermissionSetAssignment').create({
      AssigneeId: user.Id,
      PermissionSetId: permissionSetId,
    });
    if (!created.success) {
      const errors = (created as { errors?: { message?: string }[] }).errors ?? [];
      return failed(step, errors.map((error) => error.message).join('; '), 'assign it in Setup > Permission Sets');
    }
    if (!(await findAssignment()))
      return failed(step, 'the assignment does not read back', 'check Setup > Permission Sets');
    return done(step, 'assigned');
  } catch (error) {
    return failed(step, salesforceMessage(error), 'assign it in Setup > Permission Sets > Manage Assignments');
  }
}
