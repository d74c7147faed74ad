/**
 * The API client's credential lifecycle, as `gentrack-sf credentials create | rotate | revoke` runs it: a new
 * client (id + secret), a new secret for the same client (the old one stops minting tokens at once), or no secret at
 * all. Only hashes are stored; the new secret is returned once, for the operator and the Salesforce push.
 */
import type { Secret } from '../config/secret.js';
import type { ApiClient, ApiClientStore } from './api-client-store.js';
import { hashClientSecret, newClientId, newClientSecret } from './client-secrets.js';

export interface IssuedCredentials {
  readonly client: ApiClient;
  /** Shown once; never stored in plain text. */
  readonly clientSecret: Secret;
}

export async function createCredentials(store: ApiClientStore, now = Date.now()): Promise<IssuedCredentials> {
  const clientSecret = newClientSecret();
  const client = store.create(newClientId(), await hashClientSecret(clientSecret), now);
  return { client, clientSecret };
}

export async function rotateCredentials(store: ApiClientStore, now = Date.now()): Promise<IssuedCredentials> {
  const clientSecret = newClientSecret();
  const client = store.rotate(await hashClientSecret(clientSecret), now);
  return { client, clientSecret };
}

export function revokeCredentials(store: ApiClientStore, now = Date.now()): ApiClient {
  return store.revoke(now);
}
