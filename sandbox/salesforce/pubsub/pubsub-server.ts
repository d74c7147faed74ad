/**
 * The sandbox's Salesforce Pub/Sub API: `eventbus.v1.PubSub` over TLS (gRPC), serving an EventBus to the real
 * `salesforce-pubsub-api-client`. GetTopic, GetSchema, Subscribe, Publish and PublishStream are served;
 * ManagedSubscribe answers UNIMPLEMENTED. Fault injection lets the relay's supervision be tested.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { EventBusError, type EventBus } from './event-bus.js';
import { EventPayloadError } from './event-payload.js';
import { authenticateCall, type PubSubAuthenticator, type PubSubPrincipal } from './pubsub-auth.js';
import { asStatusError, PubSubErrorCode, PubSubStatusError } from './pubsub-errors.js';
import {
  loadPubSubService,
  PublishErrorCode,
  type FetchRequest,
  type FetchResponse,
  type ProducerEvent,
  type PublishRequest,
  type PublishResponse,
  type PublishResult,
  type SchemaRequest,
  type TopicRequest,
} from './pubsub-proto.js';
import { SubscribeStream } from './subscribe-stream.js';
import { localhostCertificate } from './tls-certificate.js';

export const DEFAULT_KEEPALIVE_INTERVAL_MS = 270_000;
export const DEFAULT_CLOSE_WHEN_NOTHING_REQUESTED_AFTER_MS = 60_000;

export interface PubSubServerOptions {
  bus: EventBus;
  /** Decides whether the session in the call's metadata is valid (see PubSubAuthenticator). */
  authenticate: PubSubAuthenticator;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port (read it back from `server.port`). */
  port?: number;
  /** Empty FetchResponse on an idle Subscribe stream this often. Default 270 s, as Salesforce. */
  keepaliveIntervalMs?: number;
  /** End a Subscribe stream that has had nothing requested for this long; null never does. Default 60 s. */
  closeWhenNothingRequestedAfterMs?: number | null;
  /** Where the self-signed certificate is cached. Default `<os tmpdir>/gentrack-sandbox-tls`. */
  tlsCacheDir?: string;
}

export interface PubSubFaults {
  /** Ends every open Subscribe stream with UNAVAILABLE; returns how many were broken. */
  breakStreams(): number;
  /** Open and new Subscribe streams send nothing (no events, no keepalives) until `resumeStreams()`. */
  stallStreams(): void;
  resumeStreams(): void;
  /** The next `count` Subscribe calls are refused with UNAVAILABLE. */
  rejectNextSubscribes(count: number): void;
}

export interface PubSubServer {
  host: string;
  port: number;
  /** `host:port`, for the client's `pubSubEndpoint`. */
  endpoint: string;
  faults: PubSubFaults;
  /** Subscribe streams currently open. */
  openSubscribeStreams(): number;
  /** Ends open streams (UNAVAILABLE) and stops the server. */
  close(): Promise<void>;
}

export class PubSubServerStartError extends Error {
  readonly code = 'PUBSUB_SERVER_START_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PubSubServerStartError';
  }
}

type Unary<Request, Response> = grpc.handleUnaryCall<Request, Response>;

export async function startPubSubServer(options: PubSubServerOptions): Promise<PubSubServer> {
  const { bus, authenticate } = options;
  const host = options.host ?? '127.0.0.1';
  const keepaliveIntervalMs = options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS;
  const closeWhenNothingRequestedAfterMs =
    options.closeWhenNothingRequestedAfterMs === undefined
      ? DEFAULT_CLOSE_WHEN_NOTHING_REQUESTED_AFTER_MS
      : options.closeWhenNothingRequestedAfterMs;

  const streams = new Set<SubscribeStream>();
  const publishStreams = new Set<grpc.ServerDuplexStream<PublishRequest, PublishResponse>>();
  let stalled = false;
  let subscribesToReject = 0;
  let closing = false;

  /** Runs a unary handler body with the caller authenticated; any PubSubStatusError becomes the call's status. */
  function unary<Request, Response>(
    body: (request: Request, principal: PubSubPrincipal, rpcId: string) => Response,
  ): Unary<Request, Response> {
    return (call, callback) => {
      const rpcId = randomUUID();
      authenticateCall(call.metadata, authenticate, rpcId)
        .then((principal) => callback(null, body(call.request, principal, rpcId)))
        .catch((error: unknown) => callback(asStatusError(error, rpcId)));
    };
  }

  function requireTopic(topicName: string, rpcId: string, emptyCode: PubSubErrorCode): void {
    if (!topicName) {
      throw new PubSubStatusError(grpc.status.INVALID_ARGUMENT, emptyCode, 'The topic name is blank.', rpcId);
    }
    if (!bus.hasTopic(topicName)) {
      throw new PubSubStatusError(
        grpc.status.NOT_FOUND,
        PubSubErrorCode.TOPIC_NOT_FOUND,
        `The topic ${topicName} does not exist.`,
        rpcId,
      );
    }
  }

  function publishBatch(request: PublishRequest, principal: PubSubPrincipal, rpcId: string): PublishResponse {
    requireTopic(request.topicName, rpcId, PubSubErrorCode.PUBLISH_TOPIC_NAME_EMPTY);
    if (request.events.length === 0) {
      throw new PubSubStatusError(
        grpc.status.INVALID_ARGUMENT,
        PubSubErrorCode.PUBLISH_EVENT_COUNT_INVALID,
        'The publish request has no events.',
        rpcId,
      );
    }
    return {
      results: request.events.map((event) => publishOne(request.topicName, event, principal)),
      schemaId: bus.topic(request.topicName).schema.id,
      rpcId,
    };
  }

  function publishOne(topicName: string, event: ProducerEvent, principal: PubSubPrincipal): PublishResult {
    const correlationKey = event.id;
    try {
      const published = bus.publishEncoded(
        topicName,
        { schemaId: event.schemaId, payload: event.payload, eventUuid: event.id || undefined },
        { createdById: principal.userId },
      );
      return { replayId: published.replayId, error: null, correlationKey };
    } catch (error) {
      const msg =
        error instanceof EventPayloadError || error instanceof EventBusError
          ? `${error.code}: ${error.message}`
          : `The event payload is not valid Avro for schema ${event.schemaId}: ${(error as Error).message}`;
      // Salesforce leaves replay_id empty on a failed result.
      return { replayId: Buffer.alloc(0), error: { code: PublishErrorCode.PUBLISH, msg }, correlationKey };
    }
  }

  const service: grpc.UntypedServiceImplementation = {
    GetTopic: unary<TopicRequest, unknown>((request, principal, rpcId) => {
      requireTopic(request.topicName, rpcId, PubSubErrorCode.TOPIC_NAME_EMPTY);
      return {
        topicName: request.topicName,
        tenantGuid: principal.organizationId,
        canPublish: true,
        canSubscribe: true,
        schemaId: bus.topic(request.topicName).schema.id,
        rpcId,
      };
    }),

    GetSchema: unary<SchemaRequest, unknown>((request, _principal, rpcId) => {
      if (!request.schemaId) {
        throw new PubSubStatusError(
          grpc.status.INVALID_ARGUMENT,
          PubSubErrorCode.SCHEMA_ID_EMPTY,
          'The schema ID is blank.',
          rpcId,
        );
      }
      const schema = bus.schema(request.schemaId);
      if (!schema) {
        throw new PubSubStatusError(
          grpc.status.NOT_FOUND,
          PubSubErrorCode.SCHEMA_NOT_ACCESSIBLE,
          `The schema ${request.schemaId} cannot be found or accessed.`,
          rpcId,
        );
      }
      return { schemaJson: schema.json, schemaId: schema.id, rpcId };
    }),

    Publish: unary<PublishRequest, PublishResponse>(publishBatch),

    PublishStream: (call: grpc.ServerDuplexStream<PublishRequest, PublishResponse>) => {
      const rpcId = randomUUID();
      let topicName: string | undefined;
      let queue = Promise.resolve();
      publishStreams.add(call);
      call.on('close', () => publishStreams.delete(call));
      call.on('cancelled', () => publishStreams.delete(call));
      call.on('data', (request: PublishRequest) => {
        queue = queue.then(async () => {
          try {
            const principal = await authenticateCall(call.metadata, authenticate, rpcId);
            topicName ??= request.topicName;
            if (request.topicName && request.topicName !== topicName) {
              throw new PubSubStatusError(
                grpc.status.INVALID_ARGUMENT,
                PubSubErrorCode.PUBLISH_TOPIC_MISMATCH,
                `The topic name ${request.topicName} differs from the stream's topic ${topicName}.`,
                rpcId,
              );
            }
            call.write(publishBatch({ ...request, topicName }, principal, rpcId));
          } catch (error) {
            publishStreams.delete(call);
            call.emit('error', asStatusError(error, rpcId));
          }
        });
      });
      call.on('end', () => void queue.then(() => call.end()));
    },

    Subscribe: (call: grpc.ServerDuplexStream<FetchRequest, FetchResponse>) => {
      const rpcId = randomUUID();
      if (subscribesToReject > 0) {
        subscribesToReject--;
        call.emit(
          'error',
          new PubSubStatusError(
            grpc.status.UNAVAILABLE,
            PubSubErrorCode.SERVICE_UNAVAILABLE,
            'The Pub/Sub API service is unavailable.',
            rpcId,
          ),
        );
        return;
      }
      const reauthenticate = async () => void (await authenticateCall(call.metadata, authenticate, rpcId));
      // Requests sent meanwhile wait in the stream's buffer until SubscribeStream starts reading.
      reauthenticate().then(
        () => {
          if (call.cancelled || closing) return;
          streams.add(
            new SubscribeStream({
              bus,
              call,
              rpcId,
              keepaliveIntervalMs,
              closeWhenNothingRequestedAfterMs,
              reauthenticate,
              stalled,
              onClosed: (stream) => streams.delete(stream),
            }),
          );
        },
        (error: unknown) => call.emit('error', asStatusError(error, rpcId)),
      );
    },
  };

  const server = new grpc.Server();
  server.addService(loadPubSubService(), service);
  const tls = localhostCertificate(options.tlsCacheDir);
  const credentials = grpc.ServerCredentials.createSsl(null, [{ private_key: tls.key, cert_chain: tls.cert }], false);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, credentials, (error, boundPort) =>
      error
        ? reject(
            new PubSubServerStartError(`Cannot listen on ${host}:${options.port ?? 0}: ${error.message}`, {
              cause: error,
            }),
          )
        : resolve(boundPort),
    ),
  );

  const unavailable = (description: string) =>
    new PubSubStatusError(grpc.status.UNAVAILABLE, PubSubErrorCode.SERVICE_UNAVAILABLE, description, randomUUID());

  return {
    host,
    port,
    endpoint: `${host}:${port}`,
    faults: {
      breakStreams() {
        const open = [...streams];
        for (const stream of open)
          stream.fail(unavailable('The Pub/Sub API service is unavailable: the stream was reset.'));
        return open.length;
      },
      stallStreams() {
        stalled = true;
        for (const stream of streams) stream.stall();
      },
      resumeStreams() {
        stalled = false;
        for (const stream of streams) stream.resume();
      },
      rejectNextSubscribes(count: number) {
        subscribesToReject = count;
      },
    },
    openSubscribeStreams: () => streams.size,
    async close() {
      if (closing) return;
      closing = true;
      for (const stream of [...streams]) stream.fail(unavailable('The Pub/Sub API service is shutting down.'));
      for (const call of [...publishStreams])
        call.emit('error', unavailable('The Pub/Sub API service is shutting down.'));
      publishStreams.clear();
      await new Promise<void>((resolve) => {
        // Give the final statuses a moment to flush, then cut whatever is left.
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 500);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
