/**
 * Connect REST API, Named Credentials: `/services/data/vXX.X/named-credentials/credential` (API 56.0+) to create
 * (POST), replace (PUT), read (GET) and delete the credentials of an External Credential's principal (the relay's
 * `gentrack-sf credentials create | rotate` pushes its API client id and secret here), and
 * `/named-credential-setup/{developerName}` and `/external-credentials/{developerName}` (API 58.0+) to read and
 * replace a Named Credential's URL and an External Credential's parameters (what `setup` points at the relay).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SalesforceError, notFound } from '../errors.js';
import type { CredentialInput } from '../org/named-credentials.js';
import { requestContext } from './request-context.js';
import { JSON_CONTENT_TYPE, type RouteDependencies } from './server.js';

const FIRST_VERSION = 56;
/** Named Credential and External Credential definitions can be changed from 58.0 on. */
const SETUP_VERSION = 58;

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

  const setupContext = (request: FastifyRequest) => {
    if (Number(requestContext(request).apiVersion) < SETUP_VERSION) throw notFound();
    return (request.params as { developerName: string }).developerName;
  };
  const definitionInput = (request: FastifyRequest) => {
    if (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) {
      throw new SalesforceError('JSON_PARSER_ERROR', 'The request body must be a JSON object');
    }
    return request.body as Record<string, unknown>;
  };
  const send = (reply: FastifyReply, value: unknown) =>
    reply.header('content-type', JSON_CONTENT_TYPE).send(JSON.stringify(value));

  const named = '/services/data/:version/named-credentials/named-credential-setup/:developerName';
  app.get(named, async (request, reply) => send(reply, org.namedCredentials.namedCredential(setupContext(request))));
  app.put(named, async (request, reply) =>
    send(reply, org.namedCredentials.updateNamedCredential(setupContext(request), definitionInput(request))),
  );
  const external = '/services/data/:version/named-credentials/external-credentials/:developerName';
  app.get(external, async (request, reply) =>
    send(reply, org.namedCredentials.externalCredential(setupContext(request))),
  );
  app.put(external, async (request, reply) =>
    send(reply, org.namedCredentials.updateExternalCredential(setupContext(request), definitionInput(request))),
  );
}
