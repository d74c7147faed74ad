/**
 * The whole sandbox in one call: a Salesforce org (REST, OAuth, the Pub/Sub API over TLS) with the connector's
 * metadata "deployed" from force-app, its Apex triggers and Apex REST endpoints run by the Apex runtime, and a
 * Gentrack tenant.
 * Everything listens on loopback ports; tests, the demo, the benchmarks and `gentrack-sf sandbox` start it here.
 */
import path from 'node:path';
import { PLATFORM_EVENT } from '../model/connector-fields.js';
import { PROJECT_ROOT } from '../model/project-root.js';
import { startGentrackSandbox, type GentrackSandbox, type GentrackSandboxOptions } from './gentrack/index.js';
import {
  createSandboxOrg,
  startSalesforceSandbox,
  type RunningSalesforceSandbox,
  type StartOptions,
} from './salesforce/index.js';
import { EventBus } from './salesforce/pubsub/event-bus.js';
import { startPubSubServer, type PubSubServer } from './salesforce/pubsub/pubsub-server.js';
import { createApexRuntime, type ApexRuntime } from './salesforce/apex/apex-runtime.js';
import { apexRestHandler, ApexRestMonitor } from './salesforce/apex/apex-rest.js';
import { runApexTriggers, type ApexTriggers } from './salesforce/apex/apex-triggers.js';

export interface SandboxOptions {
  readonly host?: string;
  /** Salesforce org options (ports, schema changes such as dropped fields, users). */
  readonly salesforce?: Omit<StartOptions, 'host'>;
  readonly gentrack?: Omit<GentrackSandboxOptions, 'host'>;
  /** Keepalive interval of idle Pub/Sub streams (Salesforce: 270 s). */
  readonly keepaliveIntervalMs?: number;
  readonly pubSubPort?: number;
  /**
   * false: the org fires no Apex triggers, as one where the connector's triggers are not deployed. By default every
   * DML runs force-app's triggers in the Apex runtime.
   */
  readonly triggers?: boolean;
}

export interface Sandbox {
  readonly salesforce: RunningSalesforceSandbox;
  readonly bus: EventBus;
  readonly pubsub: PubSubServer;
  readonly gentrack: GentrackSandbox;
  readonly triggers?: ApexTriggers;
  /** The org's Apex REST endpoints: the calls they answered, and faults to inject. */
  readonly apexRest: ApexRestMonitor;
  /** The org's Apex runtime: e.g. `invokeAuraAction(sandbox.apex, ...)` runs an @AuraEnabled method as a user. */
  readonly apex: ApexRuntime;
  readonly topic: string;
  /** The relay configuration (as a config file would hold it) pointing at this sandbox. */
  relayConfigInput(overrides?: { storePath?: string }): Record<string, unknown>;
  /** The secrets the relay needs for this sandbox, as environment variables. */
  relaySecretsEnv(): Record<string, string>;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const forceAppDir = path.join(PROJECT_ROOT, 'force-app');
  // The org exists before its server: the server serves the org's Apex REST endpoints.
  const apexOrg = options.salesforce?.org ?? createSandboxOrg({ forceAppDir, ...options.salesforce });
  const apex = createApexRuntime(apexOrg, forceAppDir);
  const apexRest = new ApexRestMonitor();
  const salesforce = await startSalesforceSandbox({
    forceAppDir,
    ...options.salesforce,
    host,
    org: apexOrg,
    apexRest: apexRestHandler(apex, apexRest),
  });
  const { org } = salesforce;
  const bus = new EventBus();
  const topic = bus.defineTopicFromMetadata(path.join(forceAppDir, 'main/default/objects', PLATFORM_EVENT)).name;
  const pubsub = await startPubSubServer({
    bus,
    host,
    port: options.pubSubPort ?? 0,
    ...(options.keepaliveIntervalMs ? { keepaliveIntervalMs: options.keepaliveIntervalMs } : {}),
    authenticate: ({ accessToken }) => {
      const userId = org.sessions.userIdFor(accessToken);
      return userId ? { userId, organizationId: org.id } : null;
    },
  });
  const publish = (events: Record<string, unknown>[], user: { id: string }) => {
    bus.publish(topic, events, { createdById: user.id });
  };
  const triggers = options.triggers === false ? undefined : runApexTriggers(org, apex, PLATFORM_EVENT, publish);
  const gentrack = await startGentrackSandbox({ ...options.gentrack, host });

  return {
    salesforce,
    bus,
    pubsub,
    gentrack,
    ...(triggers ? { triggers } : {}),
    apexRest,
    apex,
    topic,
    relayConfigInput: ({ storePath } = {}) => ({
      tenantId: 'sandbox',
      salesforce: {
        loginUrl: salesforce.loginUrl,
        auth: 'client_credentials',
        clientId: org.connectedApp.clientId,
        // TLS names a host, not an IP (RFC 6066): Node warns when the server name is 127.0.0.1.
        pubSubEndpoint: pubsub.endpoint.replace(/^127\.0\.0\.1:/, 'localhost:'),
        topic,
        rejectUnauthorizedTls: false,
      },
      gentrack: { baseUrl: gentrack.baseUrl, tokenUrl: gentrack.tokenUrl, clientId: gentrack.clientId },
      store: { path: storePath ?? path.join(PROJECT_ROOT, 'var', 'relay.db') },
      http: { host, port: 0 },
      api: { host, port: 0 },
    }),
    relaySecretsEnv: () => ({
      SALESFORCE_CLIENT_SECRET: org.connectedApp.clientSecret,
      GENTRACK_CLIENT_SECRET: gentrack.clientSecret,
    }),
    async close() {
      triggers?.detach();
      // The Pub/Sub server first: it ends open streams while their clients still listen.
      await pubsub.close();
      await Promise.allSettled([salesforce.close(), gentrack.close()]);
    },
  };
}
