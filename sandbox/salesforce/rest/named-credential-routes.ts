/**
 * Connect REST API, Named Credentials: `/services/data/vXX.X/named-credentials/credential` (API 56.0+) to create
 * (POST), replace (PUT), read (GET) and delete the credentials of an External Credential's principal. The relay's
 * `gentrack-sf credentials create | rotate` pushes its API client id and secret here.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SalesforceError, notFound } from '../errors.js';
import type { CredentialInput } from '../org/named-credentials.js';
import { requestContext } from './request-context.js';
import { JSON_CONTENT_TYPE, type RouteDependencies } from './server.js';

const FIRST_VERSION = 56;

export function registerNamedCredentialRoutes(app: FastifyInstance, { org }: RouteDependencies): void {
  const path = '/services/data/:version/named-credentials/credential';
  const context = (request: FastifyRequest) => {
    const current = requestContext(request);
    if (Number(current.apiVersion) < FIRST_VERSION) throw notFound();
    return current;
  };
  const body = (request: FastifyRequest): CredentialInput => {
    if (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) {
      throw new SalesforceError('JSON_PARSER_ERROR', 'The request body must be a Credential Input JSON object');
    }
    return request.body as CredentialInput;
  };
  const json = (status: number, value: unknown) => ({ status, text: JSON.stringify(value) });

  app.post(path, async (request, reply) => {
    const { user } = context(request);
    const answer = json(201, org.namedCredentials.create(body(request), user.username));
    return reply.code(answer.status).header('content-type', JSON_CONTENT_TYPE).send(answer.text);
  });
  app.put(path, async (request, reply) => {
    const { user } = context(request);
    const answer = json(200, org.namedCredentials.replace(body(request), user.username));
    return reply.code(answer.status).header('content-type', JSON_CONTENT_TYPE).send(answer.text);
  });
  app.get(path, async (request, reply) => {
    context(request);
    return reply
      .header('content-type', JSON_CONTENT_TYPE)
      .send(JSON.stringify(org.namedCredentials.read(request.query as CredentialInput)));
  });
  app.delete(path, async (request, reply) => {
    context(request);
    org.namedCredentials.remove(request.query as CredentialInput);
    return reply.code(204).send();
  });
}
