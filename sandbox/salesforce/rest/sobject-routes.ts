/**
 * The sObject resources: describeGlobal, describe, and single records by id (create, retrieve, update, delete) or by
 * External ID (retrieve, upsert, delete).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SalesforceError, entityIsDeleted, jsonParserError, notFound } from '../errors.js';
import { MultipleMatchesError, type RecordValues } from '../org/dml-engine.js';
import { keyPrefixOf, toId18 } from '../org/ids.js';
import type { SObjectRecord, SObjectSchema } from '../org/schema.js';
import { recordJson } from './record-json.js';
import { requestContext } from './request-context.js';
import { singleRecordError, toRestSaveResult } from './save-results.js';
import { JSON_CONTENT_TYPE, type RouteDependencies } from './server.js';

type Params = { sobject: string; id: string; field: string; value: string };

export function registerSObjectRoutes(app: FastifyInstance, { org, describe }: RouteDependencies): void {
  const base = '/services/data/:version/sobjects';

  const objectOf = (request: FastifyRequest): SObjectSchema => {
    const object = org.schema.object((request.params as Params).sobject);
    if (!object) throw notFound();
    return object;
  };

  /** A live record of this object, or the 404 Salesforce answers with. */
  const recordOf = (object: SObjectSchema, rawId: string): SObjectRecord => {
    const id = toId18(rawId);
    if (!id || keyPrefixOf(id) !== object.keyPrefix) throw notFound();
    const record = org.get(object.name, id);
    if (!record) throw notFound();
    if (record['IsDeleted'] === true) throw entityIsDeleted();
    return record;
  };

  const json = (reply: FastifyReply, status: number, body: unknown) =>
    reply.code(status).header('content-type', JSON_CONTENT_TYPE).send(JSON.stringify(body));

  const describeGlobal = async (request: FastifyRequest) => describe.global(requestContext(request).apiVersion);
  app.get(base, describeGlobal);
  app.get(`${base}/`, describeGlobal);
  app.get(`${base}/:sobject`, async (request) => describe.basic(objectOf(request), requestContext(request).apiVersion));
  const describeObject = async (request: FastifyRequest) =>
    describe.full(objectOf(request), requestContext(request).apiVersion);
  app.get(`${base}/:sobject/describe`, describeObject);
  app.get(`${base}/:sobject/describe/`, describeObject);

  app.post(`${base}/:sobject`, async (request, reply) => {
    const object = objectOf(request);
    const { user } = requestContext(request);
    const [result] = await org.dml.insert([{ objectType: object.name, values: recordBody(request, object) }], {
      user,
      allOrNone: true,
    });
    if (!result!.success) throw singleRecordError(result!);
    return json(reply, 201, toRestSaveResult(result!));
  });

  app.get(`${base}/:sobject/:id`, async (request) => {
    const object = objectOf(request);
    const record = recordOf(object, (request.params as Params).id);
    return recordJson(
      object,
      record,
      requestContext(request).apiVersion,
      (request.query as { fields?: string }).fields,
    );
  });

  app.patch(`${base}/:sobject/:id`, async (request, reply) => {
    const object = objectOf(request);
    const record = recordOf(object, (request.params as Params).id);
    const [result] = await org.dml.update(
      [{ objectType: object.name, id: record.Id, values: recordBody(request, object) }],
      {
        user: requestContext(request).user,
        allOrNone: true,
      },
    );
    if (!result!.success) throw singleRecordError(result!);
    return reply.code(204).send();
  });

  app.delete(`${base}/:sobject/:id`, async (request, reply) => {
    const object = objectOf(request);
    const record = recordOf(object, (request.params as Params).id);
    const [result] = await org.dml.delete([record.Id], { user: requestContext(request).user, allOrNone: true });
    if (!result!.success) throw singleRecordError(result!);
    return reply.code(204).send();
  });

  /** The External ID field named in the URL: Salesforce answers 404 for any other field. */
  const externalIdOf = (object: SObjectSchema, name: string) => {
    const field = object.field(name);
    if (!field || !(field.externalId || field.name === 'Id')) {
      throw new SalesforceError(
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${name}`,
        [],
        404,
      );
    }
    return field;
  };

  /** Several matches: 300 Multiple Choices with the matching records' URLs, as Salesforce answers. */
  const multipleChoices = (reply: FastifyReply, error: MultipleMatchesError, apiVersion: string) =>
    json(
      reply,
      300,
      error.ids.map((id) => `/services/data/v${apiVersion}/sobjects/${error.objectType}/${id}`),
    );

  app.get(`${base}/:sobject/:field/:value`, async (request, reply) => {
    const object = objectOf(request);
    const { field: fieldName, value } = request.params as Params;
    const { apiVersion } = requestContext(request);
    try {
      const match = org.dml.matchExternalId(object, externalIdOf(object, fieldName), value);
      if (!match) throw notFound();
      return recordJson(object, match, apiVersion, (request.query as { fields?: string }).fields);
    } catch (error) {
      if (error instanceof MultipleMatchesError) return multipleChoices(reply, error, apiVersion);
      throw error;
    }
  });

  app.patch(`${base}/:sobject/:field/:value`, async (request, reply) => {
    const object = objectOf(request);
    const { field: fieldName, value } = request.params as Params;
    const { user, apiVersion } = requestContext(request);
    const field = externalIdOf(object, fieldName);
    try {
      const match = org.dml.matchExternalId(object, field, value);
      if (!match && (request.query as { updateOnly?: string }).updateOnly === 'true') throw notFound();
    } catch (error) {
      if (error instanceof MultipleMatchesError) return multipleChoices(reply, error, apiVersion);
      throw error;
    }
    // The URL's value is the match key; the body need not (and usually does not) repeat it.
    const values: RecordValues = { ...recordBody(request, object), [field.name]: value };
    const [result] = await org.dml.upsert(object.name, field.name, [values], { user, allOrNone: true });
    if (!result!.success) throw singleRecordError(result!);
    return json(reply, result!.created ? 201 : 200, toRestSaveResult(result!));
  });

  app.delete(`${base}/:sobject/:field/:value`, async (request, reply) => {
    const object = objectOf(request);
    const { field: fieldName, value } = request.params as Params;
    const { user, apiVersion } = requestContext(request);
    let match: SObjectRecord | undefined;
    try {
      match = org.dml.matchExternalId(object, externalIdOf(object, fieldName), value);
    } catch (error) {
      if (error instanceof MultipleMatchesError) return multipleChoices(reply, error, apiVersion);
      throw error;
    }
    if (!match) throw notFound();
    const [result] = await org.dml.delete([match.Id], { user, allOrNone: true });
    if (!result!.success) throw singleRecordError(result!);
    return reply.code(204).send();
  });
}

function recordBody(request: FastifyRequest, object: SObjectSchema): RecordValues {
  const body = request.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw jsonParserError(
      `Cannot deserialize instance of ${object.name} from ${Array.isArray(body) ? 'START_ARRAY value [' : `VALUE_STRING value ${String(body)}`}`,
    );
  }
  return body as RecordValues;
}
