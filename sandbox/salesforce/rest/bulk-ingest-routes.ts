/** Bulk API 2.0 ingest over REST: /services/data/vXX.X/jobs/ingest[/{jobId}[/batches|/successfulResults|...]]. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IngestJobRequest } from '../bulk/ingest-jobs.js';
import { requestContext } from './request-context.js';
import { JSON_CONTENT_TYPE, type RouteDependencies } from './server.js';

const CSV_CONTENT_TYPE = 'text/csv';

export function registerBulkIngestRoutes(app: FastifyInstance, { org }: RouteDependencies): void {
  const jobs = org.bulkIngest;
  const base = '/services/data/:version/jobs/ingest';
  const jobId = (request: FastifyRequest) => (request.params as { jobId: string }).jobId;

  app.post(base, async (request, reply) => {
    const { user, apiVersion } = requestContext(request);
    const info = jobs.create((request.body ?? {}) as IngestJobRequest, user, apiVersion);
    return reply.code(200).header('content-type', JSON_CONTENT_TYPE).send(JSON.stringify(info));
  });
  app.get(base, async () => jobs.list());
  app.get(`${base}/:jobId`, async (request) => jobs.info(jobId(request)));
  app.patch(`${base}/:jobId`, async (request) =>
    jobs.changeState(jobId(request), (request.body as { state?: unknown } | undefined)?.state),
  );
  app.delete(`${base}/:jobId`, async (request, reply) => {
    jobs.delete(jobId(request));
    return reply.code(204).send();
  });
  // The route's body limit is the job's upload limit, so an oversized upload is refused as it streams in.
  app.put(`${base}/:jobId/batches`, { bodyLimit: jobs.maxUploadBytes }, async (request, reply) => {
    jobs.upload(jobId(request), typeof request.body === 'string' ? request.body : '');
    return reply.code(201).send();
  });
  app.get(`${base}/:jobId/successfulResults`, async (request, reply) =>
    reply.header('content-type', CSV_CONTENT_TYPE).send(jobs.successfulResults(jobId(request))),
  );
  app.get(`${base}/:jobId/failedResults`, async (request, reply) =>
    reply.header('content-type', CSV_CONTENT_TYPE).send(jobs.failedResults(jobId(request))),
  );
  app.get(`${base}/:jobId/unprocessedrecords`, async (request, reply) =>
    reply.header('content-type', CSV_CONTENT_TYPE).send(jobs.unprocessedRecords(jobId(request))),
  );
}
