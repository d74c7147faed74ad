/**
 * Loads Salesforce's `pubsub_api.proto` from the installed `salesforce-pubsub-api-client`, so the sandbox serves
 * exactly the contract the relay's client speaks, and declares the message shapes the server handles.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export function pubSubProtoPath(): string {
  // The package exports only its entry point; the proto sits at the package root (dist/ holds a hashed copy).
  const entry = createRequire(import.meta.url).resolve('salesforce-pubsub-api-client');
  return join(dirname(dirname(entry)), 'pubsub_api.proto');
}

let service: grpc.ServiceDefinition | undefined;

export function loadPubSubService(): grpc.ServiceDefinition {
  service ??= loadService();
  return service;
}

function loadService(): grpc.ServiceDefinition {
  const packageDefinition = protoLoader.loadSync(pubSubProtoPath(), {
    keepCase: false, // camelCase, like the client (which loads the proto with default options)
    defaults: true, // absent fields read as their proto3 defaults: 0, '', empty Buffer, LATEST
    enums: Number,
    longs: Number,
  });
  const root = grpc.loadPackageDefinition(packageDefinition) as unknown as {
    eventbus: { v1: { PubSub: grpc.ServiceClientConstructor } };
  };
  return root.eventbus.v1.PubSub.service;
}

export const ReplayPreset = { LATEST: 0, EARLIEST: 1, CUSTOM: 2 } as const;
export const PublishErrorCode = { UNKNOWN: 0, PUBLISH: 1, COMMIT: 2 } as const;

export interface TopicRequest {
  topicName: string;
}
export interface SchemaRequest {
  schemaId: string;
}
export interface ProducerEvent {
  id: string;
  schemaId: string;
  payload: Buffer;
  headers?: Array<{ key: string; value: Buffer }>;
}
export interface FetchRequest {
  topicName: string;
  replayPreset: number;
  replayId: Buffer;
  numRequested: number;
  authRefresh: string;
}
export interface FetchResponse {
  events: Array<{ event: ProducerEvent; replayId: Buffer }>;
  latestReplayId: Buffer;
  rpcId: string;
  pendingNumRequested: number;
}
export interface PublishRequest {
  topicName: string;
  events: ProducerEvent[];
  authRefresh: string;
}
export interface PublishResult {
  replayId: Buffer;
  error: { code: number; msg: string } | null;
  correlationKey: string;
}
export interface PublishResponse {
  results: PublishResult[];
  schemaId: string;
  rpcId: string;
}
