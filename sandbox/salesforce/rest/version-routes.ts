/** The discovery resources: versions (`GET /services/data/`), a version's resources, and the org's limits. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { versionList } from './api-version.js';
import { requestContext } from './request-context.js';
import { JSON_CONTENT_TYPE, type RouteDependencies } from './server.js';

export function registerVersionRoutes(app: FastifyInstance, { org }: RouteDependencies): void {
  const versions = JSON.stringify(versionList());
  app.get('/services/data', async (_request, reply) => reply.header('content-type', JSON_CONTENT_TYPE).send(versions));
  app.get('/services/data/', async (_request, reply) => reply.header('content-type', JSON_CONTENT_TYPE).send(versions));

  const resources = async (request: FastifyRequest) => {
    const base = `/services/data/v${requestContext(request).apiVersion}`;
    const names = ['sobjects', 'query', 'queryAll', 'limits', 'composite'];
    return Object.fromEntries(names.map((name) => [name, `${base}/${name}`]));
  };
  app.get('/services/data/:version', resources);
  app.get('/services/data/:version/', resources);

  app.get('/services/data/:version/limits', async () => {
    const { max, remaining } = org.apiRequests;
    return {
      DailyApiRequests: { Max: max, Remaining: remaining },
      DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
      DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
      HourlyPublishedPlatformEvents: { Max: 250000, Remaining: 250000 },
      MonthlyPlatformEventsUsageEntitlement: { Max: 1500000, Remaining: 1500000 },
      DailyDeliveredPlatformEvents: { Max: 50000, Remaining: 50000 },
    };
  });
}
