/**
 * `setup`: the post-deploy steps an API can do, in order, each verified (see setup-step.ts), then what is left to
 * do by hand. Every step runs even when one before failed, so one run reports everything; run it again after a fix.
 */
import { CONNECTOR_USER_PERMISSION_SET, INTEGRATION_PERMISSION_SET } from '../../../model/connector-fields.js';
import type { ConnectorModel } from '../../../model/connector-model.js';
import type { IssuedCredentials } from '../platform/api-auth/credential-lifecycle.js';
import type { OrgConnection } from '../platform/salesforce/org-connection.js';
import { enableFeature, FEATURE_SETTINGS } from './feature-settings.js';
import { ensureKillSwitchDefault } from './kill-switch-default.js';
import { assignPermissionSet } from './permission-set-assignments.js';
import { configurePrincipal, relayUrls, setNamedCredentialUrl, setTokenUrl } from './relay-endpoint.js';
import { manual, type SetupStepResult } from './setup-step.js';

export interface SetupOrgOptions {
  readonly model: Pick<ConnectorModel, 'relay'>;
  /** The relay's public base URL; default the model's relay.baseUrl. */
  readonly relayUrl?: string;
  /** Username of the relay's integration user (gets Gentrack_Integration_User). */
  readonly integrationUser?: string;
  /** Usernames of the people working with synced records (get Gentrack_Connector_User). */
  readonly connectorUsers?: readonly string[];
  /** Issues the relay's API client credentials for the External Credential's principal (needs the relay store). */
  readonly issueCredentials?: () => Promise<IssuedCredentials>;
}

export interface SetupReport {
  readonly steps: readonly SetupStepResult[];
  /** What the admin still does by hand, in order. */
  readonly todo: readonly string[];
  /** False when a step failed (steps left `manual` do not count as failures). */
  readonly ok: boolean;
}

const CONNECTED_APP_TODO =
  "create the relay's connected app (Setup > App Manager > New Connected App): OAuth on, scopes api and refresh_token, " +
  '"Enable Client Credentials Flow" with the integration user as Run As user; give its consumer key and secret to the ' +
  "relay operator through the relay's secrets file (no API creates a connected app's secret)";

export async function setupOrg(connection: OrgConnection, options: SetupOrgOptions): Promise<SetupReport> {
  const steps: SetupStepResult[] = [];
  for (const feature of FEATURE_SETTINGS) steps.push(await enableFeature(connection, feature));

  if (options.integrationUser) {
    steps.push(
      await assignPermissionSet(connection, {
        username: options.integrationUser,
        permissionSet: INTEGRATION_PERMISSION_SET,
        role: "the relay's integration user",
      }),
    );
  } else {
    steps.push(
      manual(
        `permission set ${INTEGRATION_PERMISSION_SET}`,
        'no --integration-user given',
        `give --integration-user <username> (the relay's user) to assign ${INTEGRATION_PERMISSION_SET}`,
      ),
    );
  }
  for (const username of options.connectorUsers ?? []) {
    steps.push(
      await assignPermissionSet(connection, {
        username,
        permissionSet: CONNECTOR_USER_PERMISSION_SET,
        role: 'the user',
      }),
    );
  }

  const relay = options.model.relay;
  if (relay) {
    const urls = relayUrls(options.relayUrl ?? relay.baseUrl);
    steps.push(await setNamedCredentialUrl(connection, urls.calloutUrl));
    steps.push(await setTokenUrl(connection, urls.tokenUrl));
    steps.push(await configurePrincipal(connection, options.issueCredentials));
  }
  steps.push(await ensureKillSwitchDefault(connection));

  const todo = [
    ...steps.flatMap((step) => (step.status === 'manual' && step.todo ? [step.todo] : [])),
    CONNECTED_APP_TODO,
  ];
  return { steps, todo, ok: steps.every((step) => step.status !== 'failed') };
}

const LABELS: Record<SetupStepResult['status'], string> = {
  already: 'ok',
  done: 'done',
  manual: 'by hand',
  failed: 'FAILED',
};

export function formatSetupReport(report: SetupReport): string {
  const width = Math.max(...report.steps.map((step) => step.step.length));
  const lines = report.steps.map(
    (step) =>
      `${LABELS[step.status].padEnd(8)} ${step.step.padEnd(width)}  ${step.detail}` +
      (step.status === 'failed' && step.todo ? `\n${' '.repeat(9)}fix: ${step.todo}` : ''),
  );
  lines.push('', 'Left to do by hand:', ...report.todo.map((item, index) => `  ${index + 1}. ${item}`));
  lines.push(
    '',
    report.ok
      ? 'Setup finished: run it again any time, it changes only what is not right.'
      : 'Setup failed: fix what is marked FAILED and run it again.',
  );
  return lines.join('\n');
}
