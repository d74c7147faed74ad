/**
 * An on-demand sync job: one entity copied from one system to the other because someone asked (the "Sync with
 * Gentrack" button, or Salesforce code through the Named Credential). Jobs are persisted with who asked, for audit.
 */
export const SYNC_SYSTEMS = ['Salesforce', 'Gentrack'] as const;
export type SyncSystem = (typeof SYNC_SYSTEMS)[number];

/** queued -> running -> succeeded | failed */
export const SYNC_JOB_STATES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type SyncJobState = (typeof SYNC_JOB_STATES)[number];

export interface SyncJobRequest {
  readonly source: SyncSystem;
  readonly destination: SyncSystem;
  /** A Salesforce object of the model's relay.onDemandSync, e.g. Account. */
  readonly entityType: string;
  /** The entity's id in the SOURCE system: a Salesforce record id, or a Gentrack reference. */
  readonly entityId: string;
  /** The API client that asked (the access token's subject). */
  readonly clientId: string;
  /** The Salesforce user the client asked for (X-On-Behalf-Of). */
  readonly onBehalfOf: string;
}

/** What a finished job changed in the destination system. */
export interface SyncJobResult {
  readonly system: SyncSystem;
  readonly action: 'created' | 'updated';
  readonly entityType: string;
  /** The entity's id in the destination: a Gentrack reference, or a Salesforce record id. */
  readonly id: string | null;
  /** The values written: Gentrack property paths (to Gentrack) or Salesforce field names (to Salesforce). */
  readonly fields: Readonly<Record<string, unknown>>;
  /**
   * To Salesforce, when any: the values read from Gentrack that were not written, by field, because Salesforce
   * already holds a newer one (a Gentrack event created after the read set it). Newer wins, as for events.
   */
  readonly superseded?: Readonly<Record<string, unknown>>;
}

export interface SyncJobError {
  readonly code: string;
  readonly message: string;
}

export interface SyncJob extends SyncJobRequest {
  readonly id: string;
  readonly state: SyncJobState;
  /** Salesforce -> Gentrack: the outbox transaction (also X-Transaction-Id at Gentrack). */
  readonly transactionId: string | undefined;
  readonly error: SyncJobError | undefined;
  readonly result: SyncJobResult | undefined;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly startedAt: number | undefined;
  readonly finishedAt: number | undefined;
}

/** The client id of jobs started from the relay's portal (API clients' ids are `grc_...`). */
export const PORTAL_CLIENT_ID = 'portal';

/** Who asked for a job, for the history: a portal user, or the user an API client vouches for. */
export function requesterOf(job: Pick<SyncJobRequest, 'clientId' | 'onBehalfOf'>): string {
  return job.clientId === PORTAL_CLIENT_ID
    ? `${job.onBehalfOf} (portal)`
    : // The header alone is the caller's word: the API client that vouches for it goes with it.
      `${job.onBehalfOf} (API client ${job.clientId})`;
}

/** X-Transaction-Id of a job's change: stable, so a job resumed after a restart has no second effect. */
export function transactionIdOfJob(jobId: string): string {
  return `sync-job-${jobId}`;
}
