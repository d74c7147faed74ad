/**
 * Reads the body of `POST /v1/salesforce/instances/:id/sync-jobs` against the connector model: which direction,
 * which object (one of the model's relay.onDemandSync), and an entity id that fits the source system. Every problem
 * is reported at once, in words a caller can act on.
 */
import { z } from 'zod';
import type { ConnectorModel } from '../../../model/connector-model.js';
import { isSalesforceId } from './salesforce-record-change.js';
import { SYNC_SYSTEMS, type SyncJobRequest } from './sync-job.js';
import { RelayError } from '../platform/errors.js';

/** Gentrack references (account and customer numbers, ids): safe to put into a path. */
const GENTRACK_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class SyncJobRequestError extends RelayError {
  readonly code = 'INVALID_SYNC_JOB_REQUEST';

  constructor(readonly problems: readonly string[]) {
    super(`the sync job request is not valid: ${problems.join('; ')}`);
    this.name = 'SyncJobRequestError';
  }
}

const bodySchema = z.strictObject({
  direction: z.strictObject({
    source: z.enum(SYNC_SYSTEMS),
    destination: z.enum(SYNC_SYSTEMS),
  }),
  entityType: z.string().min(1),
  entityId: z.string().min(1).max(255),
});

export type SyncJobBody = z.input<typeof bodySchema>;

export function readSyncJobRequest(
  model: ConnectorModel,
  body: unknown,
  caller: { readonly clientId: string; readonly onBehalfOf: string },
): SyncJobRequest {
  const parsed = bodySchema.safeParse(body ?? {});
  if (!parsed.success) {
    throw new SyncJobRequestError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`),
    );
  }
  const { direction, entityType, entityId } = parsed.data;
  const problems: string[] = [];
  if (direction.source === direction.destination) {
    problems.push(
      `direction: source and destination are both ${direction.source}; sync from Salesforce to Gentrack or back`,
    );
  }
  const supported = (model.relay?.onDemandSync ?? []).map((entry) => entry.object);
  if (!supported.includes(entityType)) {
    problems.push(
      supported.length === 0
        ? 'entityType: this relay syncs nothing on demand (the connector model has no relay.onDemandSync)'
        : `entityType: ${entityType} cannot be synced on demand; use one of ${supported.join(', ')}`,
    );
  }
  if (direction.source === 'Salesforce' && !isSalesforceId(entityId)) {
    problems.push(`entityId: "${entityId}" is not a Salesforce record id (15 or 18 letters and digits)`);
  }
  if (direction.source === 'Gentrack' && !GENTRACK_REFERENCE.test(entityId)) {
    problems.push(
      `entityId: "${entityId}" is not a Gentrack reference (letters, digits, ".", "_" and "-", at most 64)`,
    );
  }
  if (problems.length > 0) throw new SyncJobRequestError(problems);
  return { source: direction.source, destination: direction.destination, entityType, entityId, ...caller };
}
