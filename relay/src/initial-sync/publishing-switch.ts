/**
 * The kill switch around a load (the seeds' "disable Salesforce triggers on related objects"): the org-wide default
 * of Gentrack_Connector_Settings__c.Disable_Publishing__c is set through the REST API, so changes other users make
 * during the load are not published either (the integration user's own writes never are: it holds the bypass
 * permission). Restoring puts back exactly what was there: the previous value, or no org default record at all.
 */
import type { Connection } from 'jsforce';
import { KILL_SWITCH_FIELD, SETTINGS_OBJECT } from '../../../model/connector-fields.js';
import { RelayError } from '../platform/errors.js';

export interface PublishingState {
  readonly recordId: string;
  /** The org default record did not exist before: restoring deletes it. */
  readonly created: boolean;
  readonly previous: boolean;
}

export class PublishingSwitchError extends RelayError {
  readonly code = 'PUBLISHING_SWITCH_FAILED';
}

export async function disablePublishing(connection: Connection, organizationId: string): Promise<PublishingState> {
  const existing = await orgDefault(connection, organizationId);
  if (existing) {
    const previous = existing[KILL_SWITCH_FIELD] === true;
    if (!previous)
      await save(
        connection.sobject(SETTINGS_OBJECT).update({ Id: existing.Id, [KILL_SWITCH_FIELD]: true }),
        'disable publishing',
      );
    return { recordId: existing.Id, created: false, previous };
  }
  const created = await save(
    connection.sobject(SETTINGS_OBJECT).create({ SetupOwnerId: organizationId, [KILL_SWITCH_FIELD]: true }),
    'disable publishing',
  );
  return { recordId: created, created: true, previous: false };
}

export async function restorePublishing(connection: Connection, state: PublishingState): Promise<void> {
  if (state.created) {
    await save(connection.sobject(SETTINGS_OBJECT).destroy(state.recordId), 're-enable publishing');
  } else {
    await save(
      connection.sobject(SETTINGS_OBJECT).update({ Id: state.recordId, [KILL_SWITCH_FIELD]: state.previous }),
      're-enable publishing',
    );
  }
}

/** Whether publishing is off org-wide now (for checks and tests). */
export async function publishingDisabled(connection: Connection, organizationId: string): Promise<boolean> {
  return (await orgDefault(connection, organizationId))?.[KILL_SWITCH_FIELD] === true;
}

async function orgDefault(
  connection: Connection,
  organizationId: string,
): Promise<{ Id: string; [field: string]: unknown } | undefined> {
  if (!/^[a-zA-Z0-9]{15,18}$/.test(organizationId))
    throw new PublishingSwitchError(`"${organizationId}" is not an organization id`);
  const result = await connection.query<{ Id: string }>(
    `SELECT Id, ${KILL_SWITCH_FIELD} FROM ${SETTINGS_OBJECT} WHERE SetupOwnerId = '${organizationId}'`,
  );
  return result.records[0];
}

async function save(pending: Promise<unknown>, what: string): Promise<string> {
  const result = (await pending) as {
    id?: string;
    success?: boolean;
    errors?: { message?: string; statusCode?: string }[];
  };
  if (result.success === false) {
    const reason = (result.errors ?? [])
      .map((error) => `${error.statusCode ?? ''} ${error.message ?? ''}`.trim())
      .join('; ');
    throw new PublishingSwitchError(
      `could not ${what} (${SETTINGS_OBJECT}.${KILL_SWITCH_FIELD}): ${reason || 'Salesforce gave no reason'}`,
    );
  }
  return result.id ?? '';
}
