/**
 * What the connector's pages need from the relay, handed to the portal by the composition root (relay-portal.ts):
 * the portal imports no flow, so these are the shapes it relies on, met by validate-org's check, the credentials
 * core, the synchronisation history and the on-demand sync runner (the same cores the commands and the API use).
 */
import type { ApiClient } from '../platform/api-auth/api-client-store.js';
import type { CredentialsAction, CredentialsChange } from '../platform/api-auth/manage-credentials.js';
import type { SyncHistory } from '../platform/db/sync-history.js';

/** One item of Validate Data Model: what was checked, what was found, and the fix when it is not right. */
export interface DataModelFinding {
  readonly status: 'ok' | 'missing' | 'wrong';
  readonly check: string;
  readonly detail: string;
  readonly fix?: string;
}

export interface DataModelValidation {
  readonly findings: readonly DataModelFinding[];
  readonly problems: readonly DataModelFinding[];
}

export type SyncSystem = 'Salesforce' | 'Gentrack';

export interface OnDemandRequest {
  readonly source: SyncSystem;
  readonly destination: SyncSystem;
  readonly entityType: string;
  readonly entityId: string;
  /** The portal user who asked. */
  readonly requestedBy: string;
}

/** An on-demand sync job as the sync-jobs API shows it. */
export interface OnDemandJob {
  readonly id: string;
  readonly state: 'queued' | 'running' | 'succeeded' | 'failed';
  readonly source: SyncSystem;
  readonly destination: SyncSystem;
  readonly entityType: string;
  readonly entityId: string;
  readonly onBehalfOf: string;
  readonly createdAt: number;
  readonly startedAt: number | undefined;
  readonly finishedAt: number | undefined;
  readonly error: { readonly code: string; readonly message: string } | undefined;
  readonly result:
    | {
        readonly system: SyncSystem;
        readonly action: 'created' | 'updated';
        readonly id: string | null;
        readonly fields: Readonly<Record<string, unknown>>;
      }
    | undefined;
}

export interface ConnectorOperations {
  /** validate-org's check as the relay's integration user; undefined when the portal has no Salesforce session. */
  readonly validateDataModel: (() => Promise<DataModelValidation>) | undefined;
  readonly credentials: {
    /** The active client, or else the last revoked one; undefined when none was ever created. */
    current(): ApiClient | undefined;
    /** Changes the client and pushes the change into Salesforce when the portal has a session. */
    change(action: CredentialsAction): Promise<CredentialsChange>;
    /** How long tokens live: a rotation leaves the old secret's tokens valid this long. */
    readonly tokenTtlSeconds: number;
  };
  readonly history: Pick<SyncHistory, 'page' | 'get'>;
  /** The sync-jobs runner of the relay in this process; undefined when the portal runs without one. */
  readonly onDemand:
    | {
        /** The objects the model syncs on demand. */
        readonly entityTypes: readonly string[];
        /**
         * Queues a job; throws an error with code INVALID_SYNC_JOB_REQUEST and `problems` when the request is
         * not valid (the API's own check).
         */
        submit(request: OnDemandRequest): OnDemandJob;
        get(id: string): OnDemandJob | undefined;
      }
    | undefined;
}
