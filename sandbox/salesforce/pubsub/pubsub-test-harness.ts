/**
 * Test support for anything that talks to the sandbox Pub/Sub API with the real client (these tests, the relay's):
 * a bus with the fixture Gentrack_Object_Event__e topic behind a TLS server, connected clients, and a recorder that
 * turns the client's subscribe callback into awaitable entries.
 */
import { fileURLToPath } from 'node:url';
import PubSubApiClient from 'salesforce-pubsub-api-client';
import { EventBus, type EventBusOptions } from './event-bus.js';
import { staticTokenAuthenticator } from './pubsub-auth.js';
import { startPubSubServer, type PubSubServer, type PubSubServerOptions } from './pubsub-server.js';

export const FIXTURE_EVENT_DIR = fileURLToPath(new URL('./fixtures/objects/Gentrack_Object_Event__e', import.meta.url));

export const SANDBOX_SESSION = {
  accessToken: '00D000000000001AAA!sandbox-access-token',
  instanceUrl: 'https://gentrack-sandbox.my.salesforce.com',
  organizationId: '00D000000000001AAA',
  userId: '005000000000001AAA',
} as const;

/** The client logs every event at info level to the console by default. */
export const SILENT_LOGGER = { debug() {}, info() {}, warn() {}, error() {} };

export interface FixturePubSub {
  bus: EventBus;
  server: PubSubServer;
  topicName: string;
  /** A connected real client; closed by `close()`. */
  connectClient(overrides?: { accessToken?: string }): Promise<PubSubApiClient>;
  close(): Promise<void>;
}

export async function startFixturePubSub(
  options: { bus?: EventBusOptions; server?: Partial<Omit<PubSubServerOptions, 'bus'>> } = {},
): Promise<FixturePubSub> {
  const bus = new EventBus(options.bus);
  const topicName = bus.defineTopicFromMetadata(FIXTURE_EVENT_DIR).name;
  const server = await startPubSubServer({
    bus,
    authenticate: staticTokenAuthenticator(SANDBOX_SESSION),
    ...options.server,
  });
  const clients: PubSubApiClient[] = [];
  return {
    bus,
    server,
    topicName,
    async connectClient(overrides = {}) {
      const client = new PubSubApiClient(
        {
          authType: 'user-supplied',
          accessToken: overrides.accessToken ?? SANDBOX_SESSION.accessToken,
          instanceUrl: SANDBOX_SESSION.instanceUrl,
          organizationId: SANDBOX_SESSION.organizationId,
          pubSubEndpoint: server.endpoint,
          rejectUnauthorizedSsl: false,
        },
        SILENT_LOGGER as never,
      );
      await client.connect();
      clients.push(client);
      return client;
    },
    async close() {
      // Server first: the client's close() removes its stream listeners without cancelling the calls, so a stream
      // the server ends afterwards would emit 'error' with no listener (an uncaught exception).
      await server.close();
      for (const client of clients) client.close();
    },
  };
}

export interface RecordedCallback {
  /** 'event' | 'lastEvent' | 'error' | 'end' | 'grpcStatus' | 'grpcKeepAlive' */
  type: string;
  data: any; // the client's callback data is untyped
  /** Snapshot of the client's SubscriptionInfo at callback time. */
  info: { receivedEventCount: number; requestedEventCount: number; lastReplayId: number | null };
}

/** Records a subscription's callbacks; pass `recorder.callback` to the client's subscribe methods. */
export class SubscriptionRecorder {
  readonly entries: RecordedCallback[] = [];
  private waiters: Array<() => void> = [];

  readonly callback = (info: RecordedCallback['info'], type: string, data?: unknown): void => {
    this.entries.push({
      type,
      data,
      info: {
        receivedEventCount: info.receivedEventCount,
        requestedEventCount: info.requestedEventCount,
        lastReplayId: info.lastReplayId,
      },
    });
    for (const wake of this.waiters.splice(0)) wake();
  };

  of(type: string): RecordedCallback[] {
    return this.entries.filter((entry) => entry.type === type);
  }

  /** Resolves once `count` callbacks of `type` were recorded; rejects after `timeoutMs`. */
  async waitFor(type: string, count = 1, timeoutMs = 3000): Promise<RecordedCallback[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.of(type).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.entries.map((entry) => entry.type).join(', ') || 'nothing';
        throw new Error(`Timed out waiting for ${count} '${type}' callback(s); saw: ${seen}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.of(type);
  }
}
