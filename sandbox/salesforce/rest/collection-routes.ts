/**
 * sObject Collections: create, update, upsert and delete up to 200 records in one call, with `allOrNone`, and
 * per-record save results in input order; plus retrieving several records by id.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SalesforceError, jsonParserError, notFound } from '../errors.js';
import type { RecordValues } from '../org/dml-engine.js';
import { toId18 } from '../org/ids.js';
import { recordJson } from './record-json.js';
import { requestContext } from './request-context.js';
import { toRestSaveResult } from './save-results.js';
import type { RouteDependencies } from './server.js';

export const COLLECTION_LIMIT = 200;

interface CollectionBody {
  readonly allOrNone: boolean;
  readonly records: readonly Record<string, unknown>[];
}

export function registerCollectionRoutes(app: FastifyInstance, { org }: RouteDependencies): void {
  const base = '/services/data/:version/composite/sobjects';

  app.post(base, async (request) => {
    const { allOrNone, records } = collectionBody(request);
    const items = records.map((record) => {
      const { attributes, ...values } = record;
      return { objectType: typeOf(attributes), values };
    });
    const results = await org.dml.insert(items, { user: requestContext(request).user, allOrNone });
    return results.map(toRestSaveResult);
  });

  app.patch(base, async (request) => {
    const { allOrNone, records } = collectionBody(request);
    const items = records.map((record) => {
      const { attributes, id, Id, ...values } = record;
      const type = typeOf(attributes);
      return { ...(type === '' ? {} : { objectType: type }), id: String(id ?? Id ?? ''), values };
    });
    const results = await org.dml.update(items, { user: requestContext(request).user, allOrNone });
    return results.map(toRestSaveResult);
  });

  app.delete(base, async (request) => {
    const query = request.query as { ids?: string; allOrNone?: string };
    const ids = (query.ids ?? '').split(',').filter((id) => id !== '');
    if (ids.length === 0) throw new SalesforceError('MISSING_ARGUMENT', 'ids parameter is required');
    if (ids.length > COLLECTION_LIMIT) throw tooManyRecords();
    const results = await org.dml.delete(ids, {
      user: requestContext(request).user,
      allOrNone: query.allOrNone === 'true',
    });
    return results.map(toRestSaveResult);
  });

  app.patch(`${base}/:sobject/:field`, async (request) => {
    const { sobject, field } = request.params as { sobject: string; field: string };
    if (!org.schema.object(sobject)) throw notFound();
    const { allOrNone, records } = collectionBody(request);
    const values: RecordValues[] = records.map((record) => {
      const { attributes, ...rest } = record;
      const type = typeOf(attributes);
      if (type !== '' && type.toLowerCase() !== sobject.toLowerCase()) {
        throw new SalesforceError(
          'INVALID_TYPE',
          `Record type ${type} does not match the URL's sObject type ${sobject}`,
        );
      }
      return rest;
    });
    const results = await org.dml.upsert(sobject, field, values, { user: requestContext(request).user, allOrNone });
    return results.map((result) => toRestSaveResult(result.success ? result : { ...result, created: false }));
  });

  const retrieve = async (request: FastifyRequest, ids: readonly string[], fields: string | undefined) => {
    const object = org.schema.object((request.params as { sobject: string }).sobject);
    if (!object) throw notFound();
    if (ids.length > 2000) throw tooManyRecords();
    if (!fields) throw new SalesforceError('MISSING_ARGUMENT', 'fields parameter is required');
    const { apiVersion } = requestContext(request);
    return ids.map((raw) => {
      const id = toId18(raw);
      const record = id === undefined ? undefined : org.get(object.name, id);
      return record && record['IsDeleted'] !== true ? recordJson(object, record, apiVersion, fields) : null;
    });
  };
  app.get(`${base}/:sobject`, async (request) => {
    const query = request.query as { ids?: string; fields?: string };
    return retrieve(request, (query.ids ?? '').split(',').filter(Boolean), query.fields);
  });
  app.post(`${base}/:sobject`, async (request) => {
    const body = (request.body ?? {}) as { ids?: unknown; fields?: unknown };
    if (!Array.isArray(body.ids) || !Array.isArray(body.fields))
      throw jsonParserError('Expected a body with "ids" and "fields" arrays');
    return retrieve(request, body.ids.map(String), body.fields.map(String).join(','));
  });
}

function collectionBody(request: FastifyRequest): CollectionBody {
  const body = request.body as { allOrNone?: unknown; records?: unknown } | undefined;
  if (!body || typeof body !== 'object' || !Array.isArray(body.records)) {
    throw jsonParserError('Expected a body of the form {"allOrNone": boolean, "records": [...]}');
  }
  if (body.records.length > COLLECTION_LIMIT) throw tooManyRecords();
  for (const record of body.records) {
    if (typeof record !== 'object' || record === null || Array.isArray(record))
      throw jsonParserError('Every entry of "records" must be a JSON object');
  }
  return {
    allOrNone: body.allOrNone === true || body.allOrNone === 'true',
    records: body.records as Record<string, unknown>[],
  };
}

function typeOf(attributes: unknown): string {
  const type = (attributes as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? type : '';
}

function tooManyRecords(): SalesforceError {
  return new SalesforceError(
    'EXCEEDED_ID_LIMIT',
    `record limit reached. cannot submit more than ${COLLECTION_LIMIT} records into this call`,
  );
}
