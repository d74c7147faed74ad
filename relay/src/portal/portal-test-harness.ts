/**
 * For the portal's tests: a portal on a fresh store with one account per role, dead letters filed by the outbox's
 * own path (a change Gentrack refused, carrying personal data), real metrics, and a clock the test moves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveRelayConfig } from '../platform/config/relay-config.js';
import { Secret } from '../platform/config/secret.js';
import { openRelayDatabase, type RelayDatabase } from '../platform/db/relay-database.js';
import { createLogger } from '../platform/ops/logger.js';
import { createRelayMetrics, type RelayMetrics } from '../platform/ops/metrics.js';
import { DeadLetters } from '../platform/db/dead-letters.js';
import { reportStoreCounts } from '../relay-metrics.js';
import { startRelayPortal, type RelayPortal } from '../relay-portal.js';
import { reassemble } from '../to-gentrack/reassemble.js';
import { RelayStore } from '../to-gentrack/relay-store.js';
import { PortalTestClient } from './portal-test-client.js';
import { PortalUsers } from './portal-users.js';
import type { Role } from './roles.js';

export const PASSWORDS: Record<Role, string> = {
  viewer: 'viewer-password-1',
  operator: 'operator-password-1',
  admin: 'admin-password-123',
};
export const USERNAMES: Record<Role, string> = { viewer: 'vera', operator: 'otto', admin: 'ada' };

export interface PortalHarness {
  readonly portal: RelayPortal;
  readonly url: string;
  readonly storePath: string;
  readonly db: RelayDatabase;
  readonly users: PortalUsers;
  readonly metrics: RelayMetrics;
  /** Moves the portal's clock. */
  advance(ms: number): void;
  close(): Promise<void>;
}

export async function startPortalHarness(
  options: {
    portal?: Record<string, unknown>;
    relay?: Record<string, unknown>;
    storePath?: string;
    /** The portal's environment (the OpenID Connect client secret). */
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<PortalHarness> {
  const dir = options.storePath ? undefined : mkdtempSync(path.join(os.tmpdir(), 'portal-'));
  const storePath = options.storePath ?? path.join(dir!, 'relay.db');
  let now = Date.now();
  const clock = () => now;
  const config = resolveRelayConfig({
    text: JSON.stringify({
      tenantId: 'portal-test',
      salesforce: { auth: 'client_credentials', loginUrl: 'https://acme.my.salesforce.com', clientId: 'c' },
      gentrack: { baseUrl: 'https://api.crm.pool1.gentrack.cloud/v1', clientId: 'g' },
      store: { path: storePath },
      ...options.relay,
      portal: { port: 0, ...options.portal },
    }),
    env: {},
  });
  const metrics = createRelayMetrics({ defaultMetrics: false });
  const counts = openRelayDatabase(storePath);
  // No relay runs here: the store's dead-letter count stands in for its health, read at scrape time as the relay's is.
  reportStoreCounts(metrics, {
    health: () => ({
      subscription: 'connected',
      breakerOpen: false,
      pending: 0,
      parts: 0,
      writeBacks: 0,
      deadLetters: new DeadLetters(counts).count(),
    }),
  });
  const portal = (await startRelayPortal({
    config,
    metrics,
    logger: createLogger({ level: 'silent' }),
    clock,
    env: options.env ?? {},
  }))!;
  const db = openRelayDatabase(storePath);
  const users = await addRoleAccounts(db, clock);
  return {
    portal,
    url: portal.url,
    storePath,
    db,
    users,
    metrics,
    advance: (ms) => void (now += ms),
    async close() {
      await portal.close();
      db.close();
      counts.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Files a dead letter the way the dispatcher does when Gentrack refuses a change; returns its id. */
export function fileRefusedChange(storePath: string, index: number, reasonCode = 'BAD_REQUEST'): number {
  const outbox = RelayStore.open({ path: storePath });
  try {
    const recordId = `001000000000${String(index).padStart(3, '0')}AAA`;
    const part = {
      objectType: 'Account',
      operationType: 'INSERT' as const,
      recordId,
      transactionId: `portal-test-${index}-${Date.now()}`,
      partNumber: 1,
      partTotal: 1,
      oldPayload: null,
      newPayload: JSON.stringify({ Id: recordId, Name: `Jane Customer ${index}`, Phone: '+64 21 555 0100' }),
      changedFields: [],
      changedBy: 'jane.admin@example.com',
      changedAt: new Date().toISOString(),
    };
    const { stored } = outbox.ingest(
      '/event/Gentrack_Object_Event__e',
      [{ replayId: String(index), part }],
      String(index),
      reassemble,
    );
    outbox.deadLetterChange(stored[0]!.seq, reasonCode, `400 account.name was refused for record ${index}`, undefined);
  } finally {
    outbox.close();
  }
  const db = openRelayDatabase(storePath);
  try {
    return (db.prepare(`SELECT MAX(id) AS id FROM dead_letters`).get() as { id: number }).id;
  } finally {
    db.close();
  }
}

/** A browser-less client signed in as the harness's account of `role`. */
export async function signedInClient(harness: Pick<PortalHarness, 'url'>, role: Role): Promise<PortalTestClient> {
  const client = new PortalTestClient(harness.url);
  const response = await client.signIn(USERNAMES[role], PASSWORDS[role]);
  if (response.status !== 303) throw new Error(`${role} could not sign in: ${response.status}`);
  return client;
}

/** One account per role (USERNAMES, PASSWORDS) in the store. */
export async function addRoleAccounts(db: RelayDatabase, clock: () => number = Date.now): Promise<PortalUsers> {
  const users = new PortalUsers(db, clock);
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    await users.add(USERNAMES[role], new Secret(PASSWORDS[role]), role);
  }
  return users;
}
