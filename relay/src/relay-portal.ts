/**
 * Starts the portal from the relay's configuration (section `portal`; none without it): its own connection to the
 * store file (accounts, sessions, the audit log, and dead letters through the relay's one dead-letter path), the
 * delivery-rate history sampled from the relay's metrics, and the web server.
 */
import type { ConnectorModel } from '../../model/connector-model.js';
import path from 'node:path';
import { DeadLetterActions } from './dead-letter-actions.js';
import type { BulkSettings } from './initial-sync/bulk-pass.js';
import { InitialSyncRuns } from './initial-sync-runs.js';
import type { RelayConfig } from './platform/config/relay-config-schema.js';
import { loadRelaySecrets } from './platform/config/relay-secrets.js';
import { SyncHistory } from './platform/db/sync-history.js';
import { createSmtpMailer } from './platform/mail/smtp-mailer.js';
import { connectorModel } from './platform/connector-model.generated.js';
import { DeadLetters } from './platform/db/dead-letters.js';
import { openRelayDatabase } from './platform/db/relay-database.js';
import type { Logger } from './platform/ops/logger.js';
import type { RelayMetrics } from './platform/ops/metrics.js';
import { AuditLog } from './portal/audit-log.js';
import { portalCookieSecret } from './portal/cookie-secret.js';
import { oidcClientSecret } from './portal/oidc/oidc-relying-party.js';
import { payloadMask } from './portal/payload-mask.js';
import { PortalUsers } from './portal/portal-users.js';
import { startPortalServer } from './portal/portal-server.js';
import { RateHistory } from './portal/rate-history.js';
import { SqliteSessionStore } from './portal/session-store.js';
import { portalConnectorOperations, type PortalConnectorOptions } from './portal-connector.js';

export interface RelayPortalOptions {
  readonly config: RelayConfig;
  readonly metrics: Pick<RelayMetrics, 'registry' | 'refresh'>;
  readonly logger: Logger;
  readonly model?: ConnectorModel;
  /** The relay running in this process: its Salesforce session and its sync-jobs runner serve the connector's pages. */
  readonly relay?: PortalConnectorOptions['relay'];
  /** Epoch milliseconds (tests). */
  readonly clock?: () => number;
  /** Where the relay's secrets come from (default the process environment): the OpenID Connect client secret, and
   * what initial synchronisations need. */
  readonly env?: NodeJS.ProcessEnv;
  /** Bulk API settings of initial synchronisations (tests poll faster). */
  readonly bulk?: Partial<BulkSettings>;
}

export interface RelayPortal {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The running portal, or undefined when the configuration has no `portal` section. */
export async function startRelayPortal(options: RelayPortalOptions): Promise<RelayPortal | undefined> {
  const { config, logger } = options;
  if (!config.portal) return undefined;
  const clock = options.clock ?? Date.now;
  const { oidc } = config.portal;
  const oidcSecret = oidc ? oidcClientSecret(oidc, options.env ?? process.env) : undefined;
  const db = openRelayDatabase(config.store.path);
  const history = new RateHistory(options.metrics.registry, { clock });
  try {
    const users = new PortalUsers(db, clock);
    const actions = new DeadLetterActions(db);
    const audit = new AuditLog(db, clock);
    const initialSync = initialSyncRuns(options, db, audit);
    const server = await startPortalServer({
      config: config.portal,
      users,
      audit,
      ...(initialSync ? { initialSync } : {}),
      sessions: new SqliteSessionStore(db, clock),
      cookieSecret: portalCookieSecret(db),
      ...(oidcSecret ? { oidcClientSecret: oidcSecret } : {}),
      deadLetters: {
        letters: new DeadLetters(db),
        retry: (id) => actions.retry(id),
        discard: (id) => actions.discard(id),
      },
      metrics: options.metrics,
      history,
      mask: payloadMask(options.model ?? connectorModel),
      connector: portalConnectorOperations({
        config,
        db,
        model: options.model ?? connectorModel,
        ...(options.relay ? { relay: options.relay } : {}),
      }),
      logger,
      clock,
    });
    history.start();
    if (users.list().length === 0 && !oidc) {
      logger.warn(
        'the portal has no accounts yet: add one with gentrack-sf portal user add <name> --role admin --config <relay config>',
      );
    }
    logger.info(
      { url: server.url },
      `portal listening (sign in with a portal account${oidc ? ` or through ${oidc.name}` : ''})`,
    );
    return {
      url: server.url,
      port: server.port,
      async close() {
        history.stop();
        // A run in progress is cancelled and seen to its end, so publishing is re-enabled before the relay stops.
        await initialSync?.close();
        await server.close();
        if (db.open) db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Runs of the Initial Data Synchronisation page, when config portal.initialSync turns it on. */
function initialSyncRuns(
  options: RelayPortalOptions,
  db: ReturnType<typeof openRelayDatabase>,
  audit: AuditLog,
): InitialSyncRuns | undefined {
  const { config, logger } = options;
  const settings = config.portal?.initialSync;
  if (!settings) return undefined;
  const env = options.env ?? process.env;
  const mailer = config.email
    ? createSmtpMailer(config.email, loadRelaySecrets({ config, env, only: ['smtpPassword'] }).smtpPassword)
    : undefined;
  return new InitialSyncRuns({
    config,
    secrets: () => loadRelaySecrets({ config, env }),
    model: options.model ?? connectorModel,
    history: new SyncHistory(db),
    extractRoot: settings.extractRoot,
    reportDir: settings.reportDir ?? path.join(path.dirname(config.store.path), 'initial-sync-reports'),
    ...(mailer ? { mailer } : {}),
    audit: (entry) => audit.record(entry),
    logger,
    ...(options.bulk ? { bulk: options.bulk } : {}),
  });
}
