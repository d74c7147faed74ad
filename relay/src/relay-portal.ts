/**
 * Starts the portal from the relay's configuration (section `portal`; none without it): its own connection to the
 * store file (accounts, sessions, the audit log, and dead letters through the relay's one dead-letter path), the
 * delivery-rate history sampled from the relay's metrics, and the web server.
 */
import type { ConnectorModel } from '../../model/connector-model.js';
import { DeadLetterActions } from './dead-letter-actions.js';
import type { RelayConfig } from './platform/config/relay-config-schema.js';
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
  /** Where the OpenID Connect client secret is read (process.env by default). */
  readonly env?: NodeJS.ProcessEnv;
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
    const server = await startPortalServer({
      config: config.portal,
      users,
      audit: new AuditLog(db, clock),
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
        await server.close();
        if (db.open) db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
