/**
 * Pub/Sub API authentication: every RPC carries the session in metadata headers `accesstoken`, `instanceurl` and
 * `tenantid`. The sandbox org decides whether a session is valid; this module only extracts and checks the headers.
 */
import type * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { PubSubErrorCode, PubSubStatusError } from './pubsub-errors.js';

export interface PubSubCredentials {
  accessToken: string;
  instanceUrl: string;
  tenantId: string;
}

/** Who a valid session belongs to. */
export interface PubSubPrincipal {
  /** Becomes CreatedById of events published through the API. */
  userId: string;
  /** Returned as TopicInfo.tenant_guid. */
  organizationId: string;
}

/**
 * Supplied by the org: the principal for a valid session, or undefined/null when the token is unknown, expired or
 * revoked. Called on every unary call, on every FetchRequest and at every keepalive of an open stream, so expiring a
 * session breaks its open streams too. A throw is treated as the auth service being unavailable.
 */
export type PubSubAuthenticator = (
  credentials: PubSubCredentials,
) => PubSubPrincipal | undefined | null | Promise<PubSubPrincipal | undefined | null>;

/** For tests and demos: accepts exactly one access token. */
export function staticTokenAuthenticator(options: {
  accessToken: string;
  userId: string;
  organizationId: string;
}): PubSubAuthenticator {
  return (credentials) =>
    credentials.accessToken === options.accessToken
      ? { userId: options.userId, organizationId: options.organizationId }
      : undefined;
}

/** Resolves the call's principal or throws the PubSubStatusError to answer the call with. */
export async function authenticateCall(
  metadata: grpc.Metadata,
  authenticate: PubSubAuthenticator,
  rpcId: string,
): Promise<PubSubPrincipal> {
  const credentials = credentialsFrom(metadata);
  if (!credentials) {
    throw new PubSubStatusError(
      status.UNAUTHENTICATED,
      PubSubErrorCode.AUTH_HEADERS_INVALID,
      'The accesstoken, instanceurl and tenantid metadata headers are required.',
      rpcId,
    );
  }
  let principal: PubSubPrincipal | undefined | null;
  try {
    principal = await authenticate(credentials);
  } catch (error) {
    throw new PubSubStatusError(
      status.UNAVAILABLE,
      PubSubErrorCode.SERVICE_UNAVAILABLE,
      `Authentication could not be checked: ${(error as Error).message}`,
      rpcId,
    );
  }
  if (!principal) {
    throw new PubSubStatusError(
      status.UNAUTHENTICATED,
      PubSubErrorCode.AUTH_ERROR,
      'An authentication exception occurred: the session is invalid or expired. Provide valid authentication via metadata headers.',
      rpcId,
    );
  }
  return principal;
}

function credentialsFrom(metadata: grpc.Metadata): PubSubCredentials | undefined {
  const accessToken = header(metadata, 'accesstoken');
  const instanceUrl = header(metadata, 'instanceurl');
  const tenantId = header(metadata, 'tenantid');
  return accessToken && instanceUrl && tenantId ? { accessToken, instanceUrl, tenantId } : undefined;
}

function header(metadata: grpc.Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
