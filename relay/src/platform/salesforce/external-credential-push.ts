/**
 * Puts the relay's API client id and secret into the Salesforce External Credential's principal through the
 * Connect REST API (`/services/data/vXX.X/named-credentials/credential`), so the Named Credential keeps minting
 * tokens after a rotation. PUT replaces the principal's credentials; a principal that holds none yet is created
 * with POST. The secret goes out encrypted-at-rest (`encrypted: true`) and is never logged.
 */
import type { Connection } from 'jsforce';
import type { Secret } from '../config/secret.js';
import { RelayError } from '../errors.js';

export interface ClientCredentialPush {
  readonly externalCredential: string;
  readonly principalName: string;
  readonly clientId: string;
  readonly clientSecret: Secret;
}

export class ExternalCredentialPushError extends RelayError {
  readonly code = 'EXTERNAL_CREDENTIAL_PUSH_FAILED';
}

interface SalesforceApiError {
  readonly errorCode?: string;
  readonly name?: string;
  readonly message?: string;
}

const credentialPath = (apiVersion: string) => `/services/data/v${apiVersion}/named-credentials/credential`;

function isNotFound(error: unknown): boolean {
  const { errorCode, name } = (error ?? {}) as SalesforceApiError;
  return errorCode === 'NOT_FOUND' || name === 'NOT_FOUND';
}

/** Returns whether the principal's credentials were replaced or created. */
export async function pushClientCredentials(
  connection: Connection,
  apiVersion: string,
  push: ClientCredentialPush,
): Promise<'replaced' | 'created'> {
  const body = JSON.stringify({
    externalCredential: push.externalCredential,
    principalName: push.principalName,
    principalType: 'NamedPrincipal',
    authenticationProtocol: 'OAuth',
    authenticationProtocolVariant: 'ClientCredentialsClientSecret',
    credentials: {
      clientId: { value: push.clientId, encrypted: false },
      clientSecret: { value: push.clientSecret.reveal(), encrypted: true },
    },
  });
  const send = (method: 'PUT' | 'POST') =>
    connection.request({
      method,
      url: credentialPath(apiVersion),
      body,
      headers: { 'content-type': 'application/json' },
    });
  try {
    await send('PUT');
    return 'replaced';
  } catch (error) {
    if (!isNotFound(error)) throw describe(error, push);
  }
  try {
    await send('POST');
    return 'created';
  } catch (error) {
    throw describe(error, push);
  }
}

/** Removes the principal's credentials (after a revocation); false when it held none. */
export async function deleteClientCredentials(
  connection: Connection,
  apiVersion: string,
  target: Pick<ClientCredentialPush, 'externalCredential' | 'principalName'>,
): Promise<boolean> {
  const query = new URLSearchParams({
    externalCredential: target.externalCredential,
    principalName: target.principalName,
    principalType: 'NamedPrincipal',
  });
  try {
    await connection.request({ method: 'DELETE', url: `${credentialPath(apiVersion)}?${query}` });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw describe(error, target);
  }
}

function describe(
  error: unknown,
  target: Pick<ClientCredentialPush, 'externalCredential' | 'principalName'>,
): ExternalCredentialPushError {
  const { errorCode, message } = (error ?? {}) as SalesforceApiError;
  return new ExternalCredentialPushError(
    `Salesforce refused the credentials of External Credential ${target.externalCredential}, principal ${target.principalName}: ` +
      `${errorCode ?? 'ERROR'}: ${message ?? String(error)}`,
    { cause: error },
  );
}
