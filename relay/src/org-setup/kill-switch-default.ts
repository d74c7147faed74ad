/**
 * The kill switch's org-wide default: a Gentrack_Connector_Settings__c record owned by the org with publishing on.
 * An org default that has publishing off is left alone (an initial synchronisation may be loading): it is reported.
 */
import { KILL_SWITCH_FIELD, SETTINGS_OBJECT } from '../../../model/connector-fields.js';
import type { OrgConnection } from '../platform/salesforce/org-connection.js';
import { already, done, failed, manual, salesforceMessage, type SetupStepResult } from './setup-step.js';

const STEP = `kill switch ${SETTINGS_OBJECT}.${KILL_SWITCH_FIELD} (org default)`;
const BY_HAND = `Setup > Custom Settings > ${SETTINGS_OBJECT} > Manage > New (org default), ${KILL_SWITCH_FIELD} unchecked`;

export async function ensureKillSwitchDefault(connection: OrgConnection): Promise<SetupStepResult> {
  try {
    const organization = await connection.query<{ Id: string }>('SELECT Id FROM Organization');
    const orgId = organization.records[0]!.Id;
    const read = async () =>
      (
        await connection.query<{ Id: string } & Record<string, unknown>>(
          `SELECT Id, ${KILL_SWITCH_FIELD} FROM ${SETTINGS_OBJECT} WHERE SetupOwnerId = '${orgId}'`,
        )
      ).records[0];
    const current = await read();
    if (current && current[KILL_SWITCH_FIELD] === true) {
      return manual(
        STEP,
        'publishing is off org-wide (an initial synchronisation may be loading)',
        `when no initial synchronisation is running, uncheck ${KILL_SWITCH_FIELD} in Setup > Custom Settings > ${SETTINGS_OBJECT} > Manage`,
      );
    }
    if (current) return already(STEP, 'exists, publishing on');
    await connection.sobject(SETTINGS_OBJECT).create({ SetupOwnerId: orgId, [KILL_SWITCH_FIELD]: false });
    const after = await read();
    if (!after || after[KILL_SWITCH_FIELD] !== false)
      return failed(STEP, 'the new org default does not read back', BY_HAND);
    return done(STEP, 'created, publishing on');
  } catch (error) {
    return failed(STEP, salesforceMessage(error), `${BY_HAND} (deploy force-app first if the setting is missing)`);
  }
}
