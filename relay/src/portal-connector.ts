/**
 * The connector's work the portal's pages do, wired from the cores the commands and the API use: validate-org's
 * check, the credentials core, the synchronisation history, and the sync-jobs runner with the API's own check of a
 * request. Salesforce is reached through the relay's own session, and jobs run on the relay's runner, when the
 * relay runs in this process; without it those pages say what they cannot do.
 */
import type { ConnectorModel } from '../../model/connector-model.js';
import { ApiClientStore } from './platform/api-auth/api-client-store.js';
import { changeCredentials } from './platform/api-auth/manage-credentials.js';
import type { RelayConfig } from './platform/config/relay-config-schema.js';
import type { RelayDatabase } from './platform/db/relay-database.js';
import { SyncHistory } from './platform/db/sync-history.js';
import type { ConnectorOperations } from './portal/connector-operations.js';
import type { Relay } from './relay.js';
import { readSyncJobRequest } from './sync-jobs/sync-job-request.js';
import { PORTAL_CLIENT_ID } from './sync-jobs/sync-job.js';
import { validateOrgOn } from './validate-org/run-validate-org.js';

export interface PortalConnectorOptions {
  readonly config: RelayConfig;
  /** The portal's connection to the store file. */
  readonly db: RelayDatabase;
  readonly model: ConnectorModel;
  readonly relay?: Pick<Relay, 'syncJobs' | 'salesforce'>;
}

export function portalConnectorOperations(options: PortalConnectorOptions): ConnectorOperations {
  const { config, db, model, relay } = options;
  const salesforce = relay
    ? async () => {
        await relay.salesforce.session();
        return relay.salesforce.connection;
      }
    : undefined;
  const clients = new ApiClientStore(db);
  return {
    validateDataModel: salesforce
      ? async () => (await validateOrgOn(await salesforce(), { notice: () => undefined })).validation
      : undefined,
    credentials: {
      current: () => clients.current(),
      change: (action) => changeCredentials(action, { config, clients, ...(salesforce ? { salesforce } : {}) }),
      tokenTtlSeconds: config.api.tokenTtlSeconds,
    },
    history: new SyncHistory(db),
    onDemand: relay
      ? {
          entityTypes: (model.relay?.onDemandSync ?? []).map((entry) => entry.object),
          submit: (request) =>
            relay.syncJobs.submit(
              readSyncJobRequest(
                model,
                {
                  direction: { source: request.source, destination: request.destination },
                  entityType: request.entityType,
                  entityId: request.entityId,
                },
                { clientId: PORTAL_CLIENT_ID, onBehalfOf: request.requestedBy },
              ),
            ),
          get: (id) => relay.syncJobs.get(id),
        }
      : undefined,
  };
}
