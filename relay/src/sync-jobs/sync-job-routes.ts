/**
 * The on-demand sync API, for Salesforce (through the Named Credential Gentrack_Relay) and other authenticated
 * callers:
 *   POST /v1/salesforce/instances/:id/sync-jobs        -> 202 { id, state: 'queued', ... }, Location of the job
 *   GET  /v1/salesforce/instances/:id/sync-jobs/:jobId -> 200 { state, error?, result? }
 * `:id` is the tenant this relay serves (a wrong one is 404); X-On-Behalf-Of names the Salesforce user, for audit.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConnectorModel } from '../../../model/connector-model.js';
import { ON_BEHALF_OF_REQUIRED, readOnBehalfOf } from '../platform/api-auth/on-behalf-of.js';
import { readSyncJobRequest } from './sync-job-request.js';
import type { SyncJob } from './sync-job.js';
import type { SyncJobRunner } from './sync-job-runner.js';

export const SYNC_JOBS_PATH = '/v1/salesforce/instances/:id/sync-jobs';

export interface SyncJobRoutesOptions {
  readonly tenantId: string;
  readonly model: ConnectorModel;
  readonly runner: Pick<SyncJobRunner, 'submit' | 'get'>;
  /** Runs before each route: authentication and rate limiting. */
  readonly authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
}

/** The job as the API shows it: ISO times, the direction as one object, nothing internal. */
export function jobView(job: SyncJob) {
  const iso = (time: number | undefined) => (time === undefined ? null : new Date(time).toISOString());
  return {
    id: job.id,
    state: job.state,
    direction: { source: job.source, destination: job.destination },
    entityType: job.entityType,
    entityId: job.entityId,
    requestedBy: job.onBehalfOf,
    createdAt: iso(job.createdAt),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    error: job.error ?? null,
    result: job.result ?? null,
  };
}

export function registerSyncJobRoutes(app: FastifyInstance, options: SyncJobRoutesOptions): void {
  const unknownInstance = (reply: FastifyReply, id: string) =>
    reply.code(404).send({
      errorCode: 'NOT_FOUND',
      message: `this relay serves no instance "${id}"; check the Named Credential URL`,
    });

  app.post<{ Params: { id: string } }>(SYNC_JOBS_PATH, { preHandler: options.authenticate }, async (request, reply) => {
    if (request.params.id !== options.tenantId) return unknownInstance(reply, request.params.id);
    const onBehalfOf = readOnBehalfOf(request);
    if (onBehalfOf === undefined) {
      return reply.code(400).send({ errorCode: 'INVALID_REQUEST', message: ON_BEHALF_OF_REQUIRED });
    }
    const job = options.runner.submit(
      readSyncJobRequest(options.model, request.body, { clientId: request.apiClientId!, onBehalfOf }),
    );
    return reply
      .code(202)
      .header('location', `${SYNC_JOBS_PATH.replace(':id', encodeURIComponent(options.tenantId))}/${job.id}`)
      .send(jobView(job));
  });

  app.get<{ Params: { id: string; jobId: string } }>(
    `${SYNC_JOBS_PATH}/:jobId`,
    { preHandler: options.authenticate },
    async (request, reply) => {
      if (request.params.id !== options.tenantId) return unknownInstance(reply, request.params.id);
      const job = options.runner.get(request.params.jobId);
      if (!job) return reply.code(404).send({ errorCode: 'NOT_FOUND', message: `no sync job ${request.params.jobId}` });
      return reply.header('cache-control', 'no-store').send(jobView(job));
    },
  );
}
