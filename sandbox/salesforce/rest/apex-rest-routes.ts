/**
 * /services/apexrest/*: Apex REST endpoints (@RestResource classes), served when the org runs an Apex runtime.
 * Authenticated like the REST API; the handler runs the endpoint as the calling user in a transaction of its own.
 */
import type { FastifyInstance } from 'fastify';
import { invalidSession, notFound, requestLimitExceeded } from '../errors.js';
import type { SandboxUser } from '../org/users.js';
import type { RouteDependencies } from './server.js';
import { bearerToken, sendSalesforceError } from './server.js';

export interface ApexRestRequest {
  readonly method: string;
  /** After /services/apexrest: `/gentrack/events`. */
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly user: SandboxUser;
}

export interface ApexRestResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Runs an Apex REST request; undefined when no @RestResource maps the path (404). */
export type ApexRestHandler = (request: ApexRestRequest) => Promise<ApexRestResponse | undefined>;

export function registerApexRestRoutes(
  app: FastifyInstance,
  dependencies: RouteDependencies,
  handler: ApexRestHandler,
): void {
  const { org } = dependencies;
  app.all('/services/apexrest/*', async (request, reply) => {
    const userId = org.sessions.userIdFor(bearerToken(request) ?? '');
    const user = userId === undefined ? undefined : org.users.get(userId);
    if (!user) return sendSalesforceError(reply, invalidSession());
    if (!org.apiRequests.consume()) return sendSalesforceError(reply, requestLimitExceeded());
    const url = new URL(request.url, 'http://sandbox');
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(', ') : String(value ?? ''),
      ]),
    );
    const body =
      request.body === undefined ? '' : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    const answer = await handler({
      method: request.method,
      path: url.pathname.slice('/services/apexrest'.length),
      params: Object.fromEntries(url.searchParams),
      headers,
      body,
      user,
    });
    if (!answer) return sendSalesforceError(reply, notFound());
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
}
