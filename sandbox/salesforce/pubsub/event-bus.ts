/**
 * The sandbox org's platform event bus: topics `/event/<Name>__e` derived from platform event metadata, each an
 * append-only log of Avro-encoded events with replay ids and 72-hour retention. The Apex triggers the org runs publish
 * here in-process; the Pub/Sub API server (pubsub-server.ts) serves it to the real client.
 */
import { randomUUID } from 'node:crypto';
import { readPlatformEventDefinition, type PlatformEventDefinition } from './platform-event-metadata.js';
import { deriveEventSchema, type EventSchema } from './event-schema.js';
import { decodeEventPayload, encodeEventPayload, EventPayloadError, type EventValues } from './event-payload.js';
import { encodeReplayId } from './replay-id.js';
import { TopicLog, type StoredEvent } from './topic-log.js';

export const DEFAULT_RETENTION_MS = 72 * 60 * 60 * 1000;

export interface EventBusOptions {
  /** How long events stay replayable. Default 72 h, as on Salesforce. */
  retentionMs?: number;
  /** Clock (epoch ms); tests inject one to age events. Default `Date.now`. */
  now?: () => number;
  /** Replay id of each topic's first event. Default 1. Replay ids are opaque to clients: do not compute with them. */
  firstReplayId?: number;
}

export type EventBusErrorCode = 'UNKNOWN_TOPIC' | 'UNKNOWN_SCHEMA' | 'REPLAY_ID_UNAVAILABLE';

export class EventBusError extends Error {
  constructor(
    readonly code: EventBusErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EventBusError';
  }
}

export interface PublishedEvent {
  /** 8-byte big-endian replay id, as a Pub/Sub client receives it. */
  replayId: Buffer;
  eventUuid: string;
}

export type PublishOutcome = ({ success: true } & PublishedEvent) | { success: false; error: EventPayloadError };

export interface PublishOptions {
  /** The publishing user's id; becomes the event's CreatedById. */
  createdById: string;
}

/** Where a subscription starts; delivery begins with the first event after `after`. */
export type ReplayStart = { preset: 'LATEST' } | { preset: 'EARLIEST' } | { preset: 'CUSTOM'; after: number };

export interface Topic {
  /** `/event/<Name>__e` */
  name: string;
  definition: PlatformEventDefinition;
  /** The schema new events are written with. */
  schema: EventSchema;
}

interface TopicState extends Topic {
  log: TopicLog;
  watchers: Set<() => void>;
  notifyScheduled: boolean;
}

export function topicNameOf(eventApiName: string): string {
  return `/event/${eventApiName}`;
}

export class EventBus {
  private readonly topics = new Map<string, TopicState>();
  /** Every schema any topic ever used: stored events keep the schema id they were written with. */
  private readonly schemas = new Map<string, EventSchema>();
  private readonly retentionMs: number;
  private readonly now: () => number;
  private readonly firstReplayId: number;

  constructor(options: EventBusOptions = {}) {
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.now = options.now ?? Date.now;
    this.firstReplayId = options.firstReplayId ?? 1;
  }

  /** Creates the topic, or moves an existing one to the new schema (its retained events keep theirs). */
  defineTopic(definition: PlatformEventDefinition): Topic {
    const schema = deriveEventSchema(definition);
    this.schemas.set(schema.id, schema);
    const name = topicNameOf(definition.name);
    const existing = this.topics.get(name);
    if (existing) {
      existing.definition = definition;
      existing.schema = schema;
      return existing;
    }
    const topic: TopicState = {
      name,
      definition,
      schema,
      log: new TopicLog(this.firstReplayId),
      watchers: new Set(),
      notifyScheduled: false,
    };
    this.topics.set(name, topic);
    return topic;
  }

  /** `objectDir` is e.g. `force-app/main/default/objects/Gentrack_Object_Event__e`. */
  defineTopicFromMetadata(objectDir: string): Topic {
    return this.defineTopic(readPlatformEventDefinition(objectDir));
  }

  topic(topicName: string): Topic {
    return this.state(topicName);
  }

  hasTopic(topicName: string): boolean {
    return this.topics.has(topicName);
  }

  schema(schemaId: string): EventSchema | undefined {
    return this.schemas.get(schemaId);
  }

  /** Publishes all events or none: the first invalid one throws an EventPayloadError naming the field. */
  publish(topicName: string, events: EventValues[], options: PublishOptions): PublishedEvent[] {
    const topic = this.state(topicName);
    const createdDate = this.now();
    const payloads = events.map((values) =>
      encodeEventPayload(topic.definition, topic.schema, values, { createdDate, createdById: options.createdById }),
    );
    return payloads.map((payload) => this.append(topic, topic.schema.id, payload, createdDate, randomUUID()));
  }

  /** Publishes each valid event and reports each failure, like `EventBus.publish` returning SaveResults in Apex. */
  publishEach(topicName: string, events: EventValues[], options: PublishOptions): PublishOutcome[] {
    const topic = this.state(topicName);
    const createdDate = this.now();
    return events.map((values): PublishOutcome => {
      try {
        const payload = encodeEventPayload(topic.definition, topic.schema, values, {
          createdDate,
          createdById: options.createdById,
        });
        return { success: true, ...this.append(topic, topic.schema.id, payload, createdDate, randomUUID()) };
      } catch (error) {
        if (error instanceof EventPayloadError) return { success: false, error };
        throw error;
      }
    });
  }

  /**
   * Publishes a payload a Pub/Sub client encoded with `schemaId`: decodes it, validates it like any publish, and
   * stores it under the topic's current schema with CreatedDate/CreatedById set by the bus (as Salesforce does).
   * Throws EventBusError (unknown schema), EventPayloadError (invalid values) or the Avro decoder's error.
   */
  publishEncoded(
    topicName: string,
    event: { schemaId: string; payload: Buffer; eventUuid?: string },
    options: PublishOptions,
  ): PublishedEvent {
    const topic = this.state(topicName);
    const writerSchema = this.schemas.get(event.schemaId);
    if (!writerSchema) throw new EventBusError('UNKNOWN_SCHEMA', `Unknown schema id ${event.schemaId}`);
    const values = decodeEventPayload(writerSchema, event.payload);
    const createdDate = this.now();
    const payload = encodeEventPayload(topic.definition, topic.schema, values, {
      createdDate,
      createdById: options.createdById,
    });
    return this.append(topic, topic.schema.id, payload, createdDate, event.eventUuid || randomUUID());
  }

  /** Appends bytes that are not valid Avro for the topic's schema, for tests of a subscriber's bad-input handling. */
  injectCorrupt(topicName: string, bytes: Uint8Array): PublishedEvent {
    const topic = this.state(topicName);
    return this.append(topic, topic.schema.id, Buffer.from(bytes), this.now(), randomUUID());
  }

  /** Appends an event whose schema id GetSchema does not know (or any other schema id a test chooses). */
  injectWithSchemaId(topicName: string, schemaId: string, bytes: Uint8Array): PublishedEvent {
    const topic = this.state(topicName);
    return this.append(topic, schemaId, Buffer.from(bytes), this.now(), randomUUID());
  }

  /** The last replay id issued on the topic (0 before the first event, with the default firstReplayId). */
  latestReplayId(topicName: string): number {
    return this.state(topicName).log.latestReplayId;
  }

  /** Number of events still retained. */
  retainedCount(topicName: string): number {
    const topic = this.state(topicName);
    this.dropExpired(topic);
    return topic.log.size;
  }

  /**
   * Resolves a subscription start to a position (deliver events after it). A CUSTOM replay id must name a retained
   * event, or be the latest id issued; anything else (expired, never issued) throws REPLAY_ID_UNAVAILABLE, which the
   * server reports as Salesforce does.
   */
  startPosition(topicName: string, start: ReplayStart): number {
    const topic = this.state(topicName);
    this.dropExpired(topic);
    const latest = topic.log.latestReplayId;
    const oldest = topic.log.oldest;
    switch (start.preset) {
      case 'LATEST':
        return latest;
      case 'EARLIEST':
        return oldest ? oldest.replayId - 1 : latest;
      case 'CUSTOM': {
        const retained = oldest !== undefined && start.after >= oldest.replayId && start.after <= latest;
        if (retained || start.after === latest) return start.after;
        throw new EventBusError(
          'REPLAY_ID_UNAVAILABLE',
          `Replay id ${start.after} is not available on ${topicName}: it is outside the retention window or was never issued`,
        );
      }
    }
  }

  /** Up to `max` retained events after `position`, oldest first. */
  readAfter(topicName: string, position: number, max: number): StoredEvent[] {
    const topic = this.state(topicName);
    this.dropExpired(topic);
    return topic.log.readAfter(position, max);
  }

  /** Plain values of a stored event; throws if its payload is corrupt or its schema unknown. */
  decode(event: StoredEvent): EventValues {
    const schema = this.schemas.get(event.schemaId);
    if (!schema) throw new EventBusError('UNKNOWN_SCHEMA', `Unknown schema id ${event.schemaId}`);
    return decodeEventPayload(schema, event.payload);
  }

  /** Calls `listener` (once per microtask, however many events arrived) after events are appended. */
  watch(topicName: string, listener: () => void): () => void {
    const topic = this.state(topicName);
    topic.watchers.add(listener);
    return () => topic.watchers.delete(listener);
  }

  private append(topic: TopicState, schemaId: string, payload: Buffer, createdAt: number, eventUuid: string) {
    this.dropExpired(topic);
    const stored = topic.log.append({ createdAt, eventUuid, schemaId, payload });
    this.scheduleNotify(topic);
    return { replayId: encodeReplayId(stored.replayId), eventUuid };
  }

  private scheduleNotify(topic: TopicState): void {
    if (topic.notifyScheduled) return;
    topic.notifyScheduled = true;
    queueMicrotask(() => {
      topic.notifyScheduled = false;
      for (const watcher of [...topic.watchers]) watcher();
    });
  }

  private dropExpired(topic: TopicState): void {
    topic.log.dropCreatedBefore(this.now() - this.retentionMs);
  }

  private state(topicName: string): TopicState {
    const topic = this.topics.get(topicName);
    if (!topic) throw new EventBusError('UNKNOWN_TOPIC', `Topic ${topicName} does not exist`);
    return topic;
  }
}
