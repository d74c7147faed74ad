/**
 * Errors the way Pub/Sub API reports them: a gRPC status, a description ending in `rpcId: <id>`, and the
 * Salesforce error code in the `error-code` trailer (the RPC id also in `rpc-id`). A subscriber branches on the
 * trailer: `error.metadata.get('error-code')[0]` on the client's ServiceError.
 */
import * as grpc from '@grpc/grpc-js';

const PREFIX = 'sfdc.platform.eventbus.grpc.';

/** The subset of Salesforce's documented error codes this sandbox produces. */
export const PubSubErrorCode = {
  AUTH_ERROR: `${PREFIX}service.auth.error`,
  AUTH_HEADERS_INVALID: `${PREFIX}service.auth.headers.invalid`,
  SERVICE_UNAVAILABLE: `${PREFIX}service.unavailable`,
  TOPIC_NOT_FOUND: `${PREFIX}topic.not.found`,
  TOPIC_NAME_EMPTY: `${PREFIX}topic.validation.empty`,
  SCHEMA_ID_EMPTY: `${PREFIX}schema.validation.failed`,
  SCHEMA_NOT_ACCESSIBLE: `${PREFIX}schema.meta.permission`,
  REPLAY_ID_CORRUPTED: `${PREFIX}subscription.fetch.replayid.corrupted`,
  REPLAY_ID_MISSING: `${PREFIX}subscription.fetch.replayid.validation.failed`,
  REQUESTED_EVENTS_INVALID: `${PREFIX}subscription.fetch.requested.events.invalid`,
  SUBSCRIBE_TOPIC_MISMATCH: `${PREFIX}subscription.fetch.topic.mismatch`,
  PUBLISH_EVENT_COUNT_INVALID: `${PREFIX}publish.event.count.invalid`,
  PUBLISH_TOPIC_MISMATCH: `${PREFIX}publish.topic.mismatch`,
  PUBLISH_TOPIC_NAME_EMPTY: `${PREFIX}publish.topic.validation.empty`,
} as const;
export type PubSubErrorCode = (typeof PubSubErrorCode)[keyof typeof PubSubErrorCode];

/** A gRPC status error carrying Salesforce's trailers; grpc-js sends it as the call's final status. */
export class PubSubStatusError extends Error {
  readonly metadata: grpc.Metadata;
  readonly details: string;

  constructor(
    readonly code: grpc.status,
    readonly errorCode: PubSubErrorCode,
    description: string,
    rpcId: string,
  ) {
    const details = `${description} rpcId: ${rpcId}`;
    super(details);
    this.name = 'PubSubStatusError';
    this.details = details;
    this.metadata = new grpc.Metadata();
    this.metadata.set('error-code', errorCode);
    this.metadata.set('rpc-id', rpcId);
  }
}

/** The error as the call's final status: a status error as it is, anything else as INTERNAL with its message. */
export function asStatusError(error: unknown, rpcId: string): PubSubStatusError {
  if (error instanceof PubSubStatusError) return error;
  return new PubSubStatusError(
    grpc.status.INTERNAL,
    PubSubErrorCode.SERVICE_UNAVAILABLE,
    `Internal error: ${(error as Error).message}`,
    rpcId,
  );
}
