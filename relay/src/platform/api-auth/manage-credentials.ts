/**
 * `gentrack-sf credentials create | rotate | revoke`, the operator's side of the API client's credential lifecycle:
 * change the client in the relay's store (hashes only), print a new secret once, and keep Salesforce's External
 * Credential in step through the Connect REST API (create and rotate push the new secret; revoke removes it). When
 * Salesforce cannot be reached, the secret is still shown once, with the Setup steps to enter it by hand.
 */
import type { Connection } from 'jsforce';
import { RELAY_CREDENTIAL_PRINCIPAL, RELAY_EXTERNAL_CREDENTIAL } from '../../../../model/connector-fields.js';
import type { RelayConfig } from '../config/relay-config-schema.js';
import { deleteClientCredentials, pushClientCredentials } from '../salesforce/external-credential-push.js';
import { ApiClientStore } from './api-client-store.js';
import { openRelayDatabase } from '../db/relay-database.js';
import {
  createCredentials,
  revokeCredentials,
  rotateCredentials,
  type IssuedCredentials,
} from './credential-lifecycle.js';

export type CredentialsAction = 'create' | 'rotate' | 'revoke';

export interface ManageCredentialsOptions {
  readonly config: RelayConfig;
  /** The relay's store file; default config.store.path. */
  readonly storePath?: string;
  /** The integration user's connection; undefined skips Salesforce (--no-push). */
  readonly salesforce?: () => Promise<Connection>;
  /** Where the operator reads the outcome (stdout): the only place a secret is ever written. */
  readonly print: (line: string) => void;
}

/** What the command did, for the sf plugin's --json (the lines printed say the same to a person). */
export interface CredentialsOutcome {
  readonly action: CredentialsAction;
  readonly exitCode: 0 | 1;
  readonly clientId: string;
  /** After create and rotate: the new secret, shown this once. */
  readonly clientSecret?: string;
  readonly salesforce: 'replaced' | 'created' | 'removed' | 'held none' | 'not pushed' | 'failed';
  readonly salesforceError?: string;
}

const SETUP_STEPS = `Setup > Named Credentials > External Credentials > ${RELAY_EXTERNAL_CREDENTIAL} > Principals > ${RELAY_CREDENTIAL_PRINCIPAL} > Edit`;

/** Exit code 0, or 1 when Salesforce could not be updated (the relay's store was). */
export async function manageCredentials(
  action: CredentialsAction,
  options: ManageCredentialsOptions,
): Promise<CredentialsOutcome> {
  const { config, print } = options;
  const database = openRelayDatabase(options.storePath ?? config.store.path);
  let issued: IssuedCredentials | undefined;
  let clientId = '';
  try {
    const clients = new ApiClientStore(database);
    if (action === 'revoke') {
      const client = revokeCredentials(clients);
      clientId = client.clientId;
      print(`Revoked API client ${client.clientId} of tenant ${config.tenantId}: no secret can get a token any more.`);
      print(`Tokens issued before now stay valid until they expire (at most ${config.api.tokenTtlSeconds} s).`);
    } else {
      issued = action === 'create' ? await createCredentials(clients) : await rotateCredentials(clients);
      clientId = issued.client.clientId;
      print(
        action === 'create'
          ? `Created API client ${issued.client.clientId} for tenant ${config.tenantId}.`
          : `Rotated the secret of API client ${issued.client.clientId}: the old secret can no longer get tokens; tokens it got stay valid until they expire (at most ${config.api.tokenTtlSeconds} s).`,
      );
      print(`Client id:     ${issued.client.clientId}`);
      print(`Client secret: ${issued.clientSecret.reveal()}`);
      print('The secret is shown once: the relay keeps only its hash.');
    }
  } finally {
    database.close();
  }

  const outcome = (salesforce: CredentialsOutcome['salesforce'], salesforceError?: string): CredentialsOutcome => ({
    action,
    exitCode: salesforce === 'failed' ? 1 : 0,
    clientId,
    ...(issued ? { clientSecret: issued.clientSecret.reveal() } : {}),
    salesforce,
    ...(salesforceError ? { salesforceError } : {}),
  });
  if (!options.salesforce) {
    if (issued) print(`Not pushed to Salesforce (--no-push): enter the client id and secret in ${SETUP_STEPS}.`);
    return outcome('not pushed');
  }
  const target = { externalCredential: RELAY_EXTERNAL_CREDENTIAL, principalName: RELAY_CREDENTIAL_PRINCIPAL };
  try {
    const connection = await options.salesforce();
    if (issued) {
      const how = await pushClientCredentials(connection, config.salesforce.apiVersion, {
        ...target,
        clientId: issued.client.clientId,
        clientSecret: issued.clientSecret,
      });
      print(
        `Salesforce: ${how} the credentials of External Credential ${target.externalCredential}, principal ${target.principalName}.`,
      );
      return outcome(how);
    } else {
      const removed = await deleteClientCredentials(connection, config.salesforce.apiVersion, target);
      print(
        removed
          ? `Salesforce: removed the credentials of External Credential ${target.externalCredential}, principal ${target.principalName}.`
          : `Salesforce: External Credential ${target.externalCredential}, principal ${target.principalName} held no credentials.`,
      );
      return outcome(removed ? 'removed' : 'held none');
    }
  } catch (error) {
    print(`Salesforce could not be updated: ${(error as Error).message}`);
    print(
      issued
        ? `Enter the client id and secret above in ${SETUP_STEPS}.`
        : `Remove the client secret in ${SETUP_STEPS}.`,
    );
    return outcome('failed', (error as Error).message);
  }
}
