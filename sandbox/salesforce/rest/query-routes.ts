/** SOQL over REST: `query` and `queryAll` (Recycle Bin included), paged in batches followed through nextRecordsUrl. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { malformedQuery } from '../errors.js';
import { batchSizeOf } from './query-cursors.js';
import { requestContext } from './request-context.js';
import type { RouteDependencies } from './server.js';

export function registerQueryRoutes(app: FastifyInstance, { org, cursors }: RouteDependencies): void {
  const run = (includeDeleted: boolean) => async (request: FastifyRequest) => {
    const { q, explain } = request.query as { q?: string; explain?: string };
    if (explain !== undefined) throw malformedQuery('The sandbox org does not explain query plans');
    if (q === undefined || q.trim() === '') throw malformedQuery('A query string has to be specified');
    const { apiVersion } = requestContext(request);
    const result = org.query(q, { includeDeleted, apiVersion });
    return cursors.firstPage(
      result.records,
      result.totalSize,
      batchSizeOf(request.headers['sforce-query-options']),
      apiVersion,
    );
  };
  const more = async (request: FastifyRequest) =>
    cursors.nextPage((request.params as { locator: string }).locator, requestContext(request).apiVersion);

  for (const resource of ['query', 'queryAll'] as const) {
    const includeDeleted = resource === 'queryAll';
    app.get(`/services/data/:version/${resource}`, run(includeDeleted));
    app.get(`/services/data/:version/${resource}/`, run(includeDeleted));
    app.get(`/services/data/:version/${resource}/:locator`, more);
  }
}
