/**
 * The operator's side of the API client's credential lifecycle (`gentrack-sf credentials create | rotate | revoke`,
 * `sf gentrack credentials`, and the portal's Named Credentials page): change the client in the relay's store
 * (hashes only), hand the new secret back once, and keep Salesforce's External Credential in step through the
 * Connect REST API (create and rotate push the new secret; revoke removes it). When Salesforce cannot be reached, the
 * secret is still handed back, with the Setup path to enter it by hand.
 *
 * `changeCredentials` does the work (the store's change, then Salesforce's) and returns what happened; the reports
 * say it in lines for a terminal; `manageCredentials` is the commands' shell around them.
 */
import type { Connection } from 'jsforce';
import { RELAY_CREDENTIAL_PRINCIPAL, RELAY_EXTERNAL_CREDENTIAL } from '../../../../model/connector-fields.js';
import type { RelayConfig } from '../config/relay-config-schema.js';
import type { Secret } from '../config/secret.js';
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

/** Where an admin enters (or removes) the client's credentials by hand in Salesforce. */
export const CREDENTIALS_SETUP_PATH = `Setup > Named Credentials > External Credentials > ${RELAY_EXTERNAL_CREDENTIAL} > Principals > ${RELAY_CREDENTIAL_PRINCIPAL} > Edit`;

export interface ChangeCredentialsOptions {
  readonly config: Pick<RelayConfig, 'salesforce'>;
  /** The API client table of the relay's store. */
  readonly clients: ApiClientStore;
  /** The integration user's connection; undefined skips Salesforce (--no-push, or no session at hand). */
  readonly salesforce?: () => Promise<Connection>;
}

/** What a change did. The secret is a Secret: it prints as [redacted] anywhere but where it is revealed on purpose. */
export interface CredentialsChange {
  readonly action: CredentialsAction;
  readonly clientId: string;
  /** After create and rotate: the new secret, handed back this once. */
  readonly clientSecret?: Secret;
  readonly salesforce: 'replaced' | 'created' | 'removed' | 'held none' | 'not pushed' | 'failed';
  readonly salesforceError?: string;
}

/** What the store's change gave: the client and, after create and rotate, its new secret. */
export type StoredCredentialsChange = Pick<CredentialsChange, 'action' | 'clientId' | 'clientSecret'>;

/** Changes the client in the relay's store (hashes only). */
export async function changeStoredCredentials(
  action: CredentialsAction,
  clients: ApiClientStore,
): Promise<StoredCredentialsChange> {
  if (action === 'revoke') return { action, clientId: revokeCredentials(clients).clientId };
  const issued: IssuedCredentials =
    action === 'create' ? await createCredentials(clients) : await rotateCredentials(clients);
  return { action, clientId: issued.client.clientId, clientSecret: issued.clientSecret };
}

/** Puts a store's change into Salesforce's External Credential; a failure is reported, never thrown. */
export async function pushCredentialsChange(
  stored: StoredCredentialsChange,
  options: Omit<ChangeCredentialsOptions, 'clients'>,
): Promise<CredentialsChange> {
  const change = (salesforce: CredentialsChange['salesforce'], salesforceError?: string): CredentialsChange => ({
    ...stored,
    salesforce,
    ...(salesforceError ? { salesforceError } : {}),
  });
  if (!options.salesforce) return change('not pushed');
  const target = { externalCredential: RELAY_EXTERNAL_CREDENTIAL, principalName: RELAY_CREDENTIAL_PRINCIPAL };
  const { apiVersion } = options.config.salesforce;
  try {
    const connection = await options.salesforce();
    if (stored.clientSecret) {
      return change(
        await pushClientCredentials(connection, apiVersion, {
          ...target,
          clientId: stored.clientId,
          clientSecret: stored.clientSecret,
        }),
      );
    }
    return change((await deleteClientCredentials(connection, apiVersion, target)) ? 'removed' : 'held none');
  } catch (error) {
    return change('failed', (error as Error).message);
  }
}

/** Changes the client in the store, then Salesforce. A failed push never undoes the store's change. */
export async function changeCredentials(
  action: CredentialsAction,
  options: ChangeCredentialsOptions,
): Promise<CredentialsChange> {
  return pushCredentialsChange(await changeStoredCredentials(action, options.clients), options);
}

/** The store's change in words, for a terminal: the only place a secret is ever written (once). */
export function storedCredentialsReport(
  stored: StoredCredentialsChange,
  config: Pick<RelayConfig, 'tenantId' | 'api'>,
): string[] {
  const ttl = config.api.tokenTtlSeconds;
  if (stored.action === 'revoke') {
    return [
      `Revoked API client ${stored.clientId} of tenant ${config.tenantId}: no secret can get a token any more.`,
      `Tokens issued before now stay valid until they expire (at most ${ttl} s).`,
    ];
  }
  return [
    stored.action === 'create'
      ? `Created API client ${stored.clientId} for tenant ${config.tenantId}.`
      : `Rotated the secret of API client ${stored.clientId}: the old secret can no longer get tokens; tokens it got stay valid until they expire (at most ${ttl} s).`,
    `Client id:     ${stored.clientId}`,
    `Client secret: ${stored.clientSecret!.reveal()}`,
    'The secret is shown once: the relay keeps only its hash.',
  ];
}

/** What happened in Salesforce, in words, with the Setup path when it is left to do by hand. */
export function salesforceCredentialsReport(change: CredentialsChange): string[] {
  const principal = `External Credential ${RELAY_EXTERNAL_CREDENTIAL}, principal ${RELAY_CREDENTIAL_PRINCIPAL}`;
  switch (change.salesforce) {
    case 'not pushed':
      return change.clientSecret
        ? [`Not pushed to Salesforce (--no-push): enter the client id and secret in ${CREDENTIALS_SETUP_PATH}.`]
        : [];
    case 'replaced':
    case 'created':
    case 'removed':
      return [`Salesforce: ${change.salesforce} the credentials of ${principal}.`];
    case 'held none':
      return [`Salesforce: ${principal} held no credentials.`];
    case 'failed':
      return [
        `Salesforce could not be updated: ${change.salesforceError}`,
        change.clientSecret
          ? `Enter the client id and secret above in ${CREDENTIALS_SETUP_PATH}.`
          : `Remove the client secret in ${CREDENTIALS_SETUP_PATH}.`,
      ];
  }
}

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
  readonly salesforce: CredentialsChange['salesforce'];
  readonly salesforceError?: string;
}

/** The commands: exit code 0, or 1 when Salesforce could not be updated (the relay's store was). */
export async function manageCredentials(
  action: CredentialsAction,
  options: ManageCredentialsOptions,
): Promise<CredentialsOutcome> {
  const { config, print } = options;
  const database = openRelayDatabase(options.storePath ?? config.store.path);
  let stored: StoredCredentialsChange;
  try {
    stored = await changeStoredCredentials(action, new ApiClientStore(database));
  } finally {
    database.close();
  }
  // Printed before Salesforce is asked: a push that hangs or fails must not keep the operator from the new secret.
  storedCredentialsReport(stored, config).forEach((line) => print(line));
  const change = await pushCredentialsChange(stored, {
    config,
    ...(options.salesforce ? { salesforce: options.salesforce } : {}),
  });
  salesforceCredentialsReport(change).forEach((line) => print(line));
  return {
    action,
    exitCode: change.salesforce === 'failed' ? 1 : 0,
    clientId: change.clientId,
    ...(change.clientSecret ? { clientSecret: change.clientSecret.reveal() } : {}),
    salesforce: change.salesforce,
    ...(change.salesforceError ? { salesforceError: change.salesforceError } : {}),
  };
}
