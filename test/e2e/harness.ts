/**
 * End-to-end test support: the sandbox plus a relay configured against it, a jsforce connection as the sandbox
 * admin (a person editing records), and a polling helper.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsforce, { type Connection } from 'jsforce';
import pino from 'pino';
import { resolveRelayConfig } from '../../relay/src/platform/config/relay-config.js';
import type { RelayConfig } from '../../relay/src/platform/config/relay-config-schema.js';
import { loadRelaySecrets } from '../../relay/src/platform/config/relay-secrets.js';
import { Relay, type RelayObserver } from '../../relay/src/relay.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/start-sandbox.js';

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
    extra?: { unchecked?: (config: RelayConfig) => RelayConfig; env?: Record<string, string>; onFatal?: (error: Error) => void; waitForConnection?: boolean },
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
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
  return e2e;
}

/** Polls until `check` returns a value other than undefined/null/false, or fails after `timeoutMs` naming `what`. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
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
