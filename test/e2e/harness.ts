/**
 * End-to-end test support: the sandbox plus a relay configured against it, a jsforce connection as the sandbox
 * admin (a person editing records), the polling helper (`eventually`, from test/eventually.ts) and a barrier for
 * asserting that the relay sent nothing (`relayCaughtUp`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsforce, { type Connection } from 'jsforce';
import pino from 'pino';
import type { ConnectorModel } from '../../model/connector-model.js';
import { resolveRelayConfig } from '../../relay/src/platform/config/relay-config.js';
import type { RelayConfig } from '../../relay/src/platform/config/relay-config-schema.js';
import { loadRelaySecrets } from '../../relay/src/platform/config/relay-secrets.js';
import { Relay, type RelayObserver } from '../../relay/src/relay.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/start-sandbox.js';
import { eventually } from '../eventually.js';

export { eventually };

export interface E2E {
  readonly sandbox: Sandbox;
  readonly admin: Connection;
  readonly storeDir: string;
  readonly config: RelayConfig;
  relay: Relay;
  /**
   * Starts the relay. `overrides` go through config validation; `unchecked` replaces values after it, for settings
   * a test needs outside the production bounds (e.g. a keepalive timeout of seconds).
   */
  startRelay(
    overrides?: Record<string, unknown>,
    observer?: RelayObserver,
    extra?: {
      unchecked?: (config: RelayConfig) => RelayConfig;
      env?: Record<string, string>;
      onFatal?: (error: Error) => void;
      waitForConnection?: boolean;
      /** The connector model the relay runs with, instead of the generated one (e.g. `inbound.deliverTo: apex`). */
      model?: ConnectorModel;
    },
  ): Promise<Relay>;
  close(): Promise<void>;
}

export async function startE2E(options: SandboxOptions = {}): Promise<E2E> {
  const sandbox = await startSandbox({ keepaliveIntervalMs: 300, ...options });
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'gentrack-e2e-'));
  const admin = new jsforce.Connection({ loginUrl: sandbox.salesforce.loginUrl, version: '62.0' });
  const { username, password, securityToken } = sandbox.salesforce.org.credentials.admin;
  await admin.login(username, password + securityToken);
  const baseInput = sandbox.relayConfigInput({ storePath: path.join(storeDir, 'relay.db') });
  let relay: Relay | undefined;
  const configFor = (overrides: Record<string, unknown> = {}) =>
    resolveRelayConfig({ text: JSON.stringify(deepMerge(baseInput, overrides)), env: {} });
  const e2e: E2E = {
    sandbox,
    admin,
    storeDir,
    config: configFor(),
    get relay() {
      if (!relay) throw new Error('the relay is not started');
      return relay;
    },
    set relay(value) {
      relay = value;
    },
    async startRelay(overrides = {}, observer, extra = {}) {
      const validated = configFor(overrides);
      const config = extra.unchecked ? extra.unchecked(validated) : validated;
      const secrets = loadRelaySecrets({ config, env: { ...sandbox.relaySecretsEnv(), ...extra.env } });
      relay = new Relay({
        config,
        secrets,
        logger: pino({ level: process.env.E2E_LOG ?? 'silent' }),
        ...(observer ? { observer } : {}),
        ...(extra.onFatal ? { onFatal: extra.onFatal } : {}),
        ...(extra.model ? { model: extra.model } : {}),
      });
      await relay.start();
      if (extra.waitForConnection === false) return relay;
      // A first subscription starts at the latest event: wait until the stream is live before changing records.
      const started = relay;
      await eventually('the relay subscription', () => started.health().subscription === 'connected', 15_000);
      return relay;
    },
    async close() {
      await relay?.stop().catch(() => undefined);
      await sandbox.close();
      // The store's background checkpoint worker closes its own connection a moment after the relay stopped, and
      // SQLite may still write its -shm then: retry a removal that raced with it (ENOTEMPTY).
      rmSync(storeDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    },
  };
  return e2e;
}

/**
 * The barrier for "the relay sent nothing (more)": resolves once the relay has committed every event the bus held
 * when this was called (its stored replay id reached the bus's latest; the outbox rows and the replay id are
 * committed together) and has delivered or dead-lettered everything it stored. After it, any change those events
 * were going to send to Gentrack has been sent, so asserting that a call is absent is no longer a race.
 */
export async function relayCaughtUp(e2e: E2E, timeoutMs = 10_000): Promise<void> {
  const { bus, topic } = e2e.sandbox;
  const latest = bus.latestReplayId(topic);
  await eventually(
    `the relay to commit replay id ${latest} and deliver what it stored`,
    () => {
      const committed = Number(e2e.relay.store.checkpoint(topic) ?? 0);
      const { pending, parts } = e2e.relay.health();
      return committed >= latest && pending === 0 && parts === 0;
    },
    timeoutMs,
  );
}

function deepMerge(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object'
        ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return merged;
}
