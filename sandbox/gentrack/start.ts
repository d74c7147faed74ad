import type { AddressInfo } from 'node:net';
import { ADMIN_PREFIX, registerAdminRoutes } from './admin/admin-routes.js';
import { TokenStore } from './auth/token-store.js';
import { CallLog } from './call-log.js';
import { FaultInjector } from './faults/fault-injector.js';
import { HeldRequests, type HeldCall } from './http/held-requests.js';
import { API_PREFIX, TOKEN_PATH, buildSandboxServer, type SandboxTls } from './http/server.js';
import { IdempotencyStore } from './idempotency.js';
import { allOperations } from './operations/catalogue.js';
import type { HttpMethod } from './operations/operation.js';
import { EntityOrderObserver } from './ordering.js';
import { PartAssemblies } from './part-assembly.js';
import { TenantState } from './store/tenant-state.js';
import { generateWebhookKeyPair, type WebhookKeyPair } from './webhooks/signing-keys.js';
import { WebhookSender } from './webhooks/webhook-sender.js';

export interface GentrackSandboxOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Client credentials the token endpoint accepts. Default gentrack-sandbox-client / gentrack-sandbox-secret. */
  clientId?: string;
  clientSecret?: string;
  /**
   * OAuth2 scopes the client may be granted. When given, the token endpoint refuses a request that asks for none of
   * them or for another (invalid_scope). Default: none, and the `scope` parameter is ignored.
   */
  scopes?: readonly string[];
  /** Lifetime of access tokens. Default 3600. */
  tokenTtlSeconds?: number;
  /** Keep every call in `calls` (default true); turn off for benchmarks (counters are kept regardless). */
  recordCalls?: boolean;
  /** Oldest calls are dropped beyond this many. Default 100,000. */
  maxRecordedCalls?: number;
  /** Idempotency keys remembered before the oldest are forgotten. Default 500,000. */
  idempotencyCapacity?: number;
  /** Seed of the random fault generator when `faults.set` gives none. Default 1. */
  faultSeed?: number;
  /** Webhook signing keys; default a fresh RSA 2048 pair. */
  webhookKeys?: WebhookKeyPair;
  /** Envelope fields of webhooks. Defaults gentrack-sandbox-app / gentrack-sandbox-tenant. */
  appId?: string;
  tenantId?: string;
  /** Log each request with pino. Default false. */
  logRequests?: boolean;
  /** Clock for token expiry, timestamps and date checks (tests move time without waiting). Default Date.now. */
  now?: () => number;
  /** Largest accepted body. Default 10 MiB. */
  bodyLimitBytes?: number;
  /** Idle keep-alive timeout. Default 30 s, Gentrack's documented idle timeout. */
  keepAliveTimeoutSeconds?: number;
  /**
   * Serve https with this certificate (its CA is the caller's to trust), and with `requestCert` only to clients
   * presenting a certificate issued by `ca`. Default: plain http.
   */
  tls?: SandboxTls;
}

export interface OperationDescription {
  name: string;
  method: HttpMethod;
  /** Full path with the /v1 prefix, fastify syntax: /v1/accounts/:ref */
  path: string;
}

/** A running Gentrack tenant stand-in. */
export interface GentrackSandbox {
  /** API base, ending with /v1 (what the relay calls Gentrack's base URI). */
  baseUrl: string;
  /** OAuth2 client-credentials token URL. */
  tokenUrl: string;
  /** Base of the loopback-only debug endpoints (/__sandbox). */
  adminUrl: string;
  host: string;
  port: number;
  clientId: string;
  clientSecret: string;
  /** The tenant's data: read views, seed entities, make Gentrack-side changes. */
  state: TenantState;
  /** Every request in order, plus counters. */
  calls: CallLog;
  /** Fault injection and token expiry. */
  faults: FaultInjector;
  /**
   * API calls held right now, each with its reason: `latency` (delayMs: not processed yet), `answer` (answerDelayMs:
   * processed and recorded, not answered yet: `call` is the recorded call), `timeout` (a timeout fault). A test that
   * kills the client while a call is held for its answer knows that call's answer is lost.
   */
  heldCalls(): HeldCall[];
  /** Signs and delivers webhooks. */
  webhooks: WebhookSender;
  /** PEM (SPKI) public key that verifies webhook signatures. */
  publicKeyPem: string;
  operations: readonly OperationDescription[];
  /** Forgets data, calls, counters, faults, idempotency keys, held parts and ordering (tokens stay valid). */
  reset(): void;
  /** Stops listening and drops open connections, including requests held by timeout faults. */
  close(): Promise<void>;
}

export const DEFAULT_CLIENT_ID = 'gentrack-sandbox-client';
export const DEFAULT_CLIENT_SECRET = 'gentrack-sandbox-secret';

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts a Gentrack tenant stand-in and resolves once it listens. */
export async function startGentrackSandbox(options: GentrackSandboxOptions = {}): Promise<GentrackSandbox> {
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const keysReady = options.webhookKeys ?? generateWebhookKeyPair();

  const state = new TenantState(now);
  const tokens = new TokenStore(options.tokenTtlSeconds ?? 3600, now);
  const calls = new CallLog({ recording: options.recordCalls ?? true, capacity: options.maxRecordedCalls ?? 100_000 });
  const faults = new FaultInjector(tokens, options.faultSeed ?? 1);
  const idempotency = new IdempotencyStore(options.idempotencyCapacity ?? 500_000);
  const parts = new PartAssemblies();
  const ordering = new EntityOrderObserver();
  const held = new HeldRequests();
  const operations = allOperations(state);

  const webhooks = new WebhookSender({
    keys: await keysReady,
    appId: options.appId ?? 'gentrack-sandbox-app',
    tenantId: options.tenantId ?? 'gentrack-sandbox-tenant',
    now,
  });

  const reset = () => {
    state.reset();
    calls.clear();
    faults.clear();
    idempotency.clear();
    parts.clear();
    ordering.clear();
  };

  const app = buildSandboxServer({
    context: { tokens, faults, idempotency, parts, ordering, calls, held, now },
    operations,
    clientId,
    clientSecret,
    ...(options.scopes ? { scopes: options.scopes } : {}),
    logRequests: options.logRequests ?? false,
    bodyLimitBytes: options.bodyLimitBytes ?? 10 * 1024 * 1024,
    keepAliveTimeoutSeconds: options.keepAliveTimeoutSeconds ?? 30,
    ...(options.tls ? { tls: options.tls } : {}),
  });
  registerAdminRoutes(app, { state, calls, faults, tokens, idempotency, webhooks, reset });

  await app.listen({ host, port: options.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;
  const origin = `${options.tls ? 'https' : 'http'}://${urlHost(host)}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    baseUrl: origin + API_PREFIX,
    tokenUrl: origin + TOKEN_PATH,
    adminUrl: origin + ADMIN_PREFIX,
    host,
    port,
    clientId,
    clientSecret,
    state,
    calls,
    faults,
    heldCalls: () => held.list(),
    webhooks,
    publicKeyPem: webhooks.publicKeyPem,
    operations: operations.map((operation) => ({
      name: operation.name,
      method: operation.method,
      path: API_PREFIX + operation.path,
    })),
    reset,
    close() {
      closing ??= (async () => {
        held.abortAll();
        await app.close();
      })();
      return closing;
    },
  };
}
