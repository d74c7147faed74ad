/**
 * The Gentrack API gateway on the relay API: Salesforce (through the Named Credential Gentrack_Relay and the
 * generated Apex client GentrackApi) calls `/v1/gentrack` + an operation's path of the operation table
 * (model/gentrack-operations.ts), e.g. GET /v1/gentrack/accounts/A-1/balance, and the relay makes the call with its
 * own Gentrack client (token, pool, timeouts) through the typed API (platform/gentrack/gentrack-api.ts).
 *
 * In order: the bearer token of the relay's API client (a revoked client is refused); a per-client rate limit
 * (@fastify/rate-limit); the operation open in the connector model (`gentrackApi`); X-On-Behalf-Of, a Salesforce
 * username, passed on to Gentrack with X-Trace-Id (the caller's or a new one) and, for writes, X-Transaction-Id (the
 * caller's, so a retried Apex call repeats it, or a new one) and X-Transaction-Date-Time; a bounded request body;
 * GET answers from a short cache where the model allows; a bounded answer. Every authenticated call is recorded
 * (gateway-call-log.ts) and measured (gentrack_relay_gateway_request_duration_seconds).
 */
import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GENTRACK_GATEWAY_PATH } from '../../../model/connector-fields.js';
import type { GentrackApiAccess, GentrackApiOperationAccess } from '../../../model/gentrack-api-access.js';
import {
  GENTRACK_API_OPERATION_NAMES,
  GENTRACK_API_OPERATIONS,
  pathParameterNames,
  queryParameterNames,
  type GentrackApiOperation,
  type GentrackApiOperationName,
} from '../../../model/gentrack-operations.js';
import { ON_BEHALF_OF_REQUIRED, readOnBehalfOf } from '../platform/api-auth/on-behalf-of.js';
import { hasCode } from '../platform/errors.js';
import type { GentrackApi } from '../platform/gentrack/gentrack-api.js';
import type { GentrackCallError } from '../platform/gentrack/gentrack-call-error.js';
import type { GatewayOutcome, RelayMetrics } from '../platform/ops/metrics.js';
import { gentrackFailure, operationClosed, relayRefusal, type GatewayErrorAnswer } from './gateway-answers.js';
import type { GatewayCallLog } from './gateway-call-log.js';
import { ResponseCache } from './response-cache.js';

export interface GatewayLimits {
  /** Largest request body, in bytes. */
  readonly requestBodyBytes: number;
  /** Largest answer passed on, in bytes of JSON (Salesforce reads at most 6 MB in a synchronous callout). */
  readonly responseBytes: number;
  /** Calls one API client may make per window. */
  readonly rateLimit: { readonly max: number; readonly windowMs: number };
  readonly cache: { readonly maxEntries: number; readonly maxBytes: number };
}

export interface GatewayOptions {
  /** The model's gentrackApi section; undefined: every operation is closed. */
  readonly access: GentrackApiAccess | undefined;
  readonly api: GentrackApi;
  readonly limits: GatewayLimits;
  /** Bearer token check (and nothing else: the gateway limits its clients itself). */
  readonly authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
  readonly callLog?: Pick<GatewayCallLog, 'record'>;
  readonly metrics?: Pick<RelayMetrics, 'gatewayCalls'>;
  /** Epoch milliseconds (the record's times). */
  readonly clock?: () => number;
}

/** An id the gateway passes on as a header: letters, digits and . _ : -, at most 64. */
const HEADER_ID = /^[A-Za-z0-9._:-]{1,64}$/;

interface CallNote {
  outcome: GatewayOutcome;
  errorType?: string | undefined;
  traceId?: string | undefined;
  transactionId?: string | undefined;
  onBehalfOf?: string | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    gatewayCall?: CallNote;
  }
  interface FastifyContextConfig {
    gentrackOperation?: GentrackApiOperationName;
  }
}

/** The fastify route of an operation's path: `/accounts/{ref}/balance` -> `/accounts/:ref/balance`. */
export function gatewayRoute(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

function send(reply: FastifyReply, answer: GatewayErrorAnswer): FastifyReply {
  if (answer.retryAfterSeconds !== undefined) reply.header('retry-after', String(answer.retryAfterSeconds));
  return reply.code(answer.status).send(answer.body);
}

export async function registerGentrackGateway(app: FastifyInstance, options: GatewayOptions): Promise<void> {
  const clock = options.clock ?? Date.now;
  const cache = new ResponseCache(options.limits.cache);
  const accessOf = new Map<string, GentrackApiOperationAccess>(
    (options.access?.operations ?? []).map((operation) => [operation.name, operation]),
  );

  await app.register(
    async (gateway) => {
      gateway.addHook('onRequest', options.authenticate);
      await gateway.register(rateLimit, {
        max: options.limits.rateLimit.max,
        timeWindow: options.limits.rateLimit.windowMs,
        hook: 'preHandler',
        keyGenerator: (request) => request.apiClientId ?? request.ip,
        errorResponseBuilder: (_request, context) => ({
          statusCode: 429,
          errorCode: 'TOO_MANY_REQUESTS',
          source: 'relay',
          message: `this API client may make ${context.max} Gentrack calls per ${Math.round(context.ttl / 1000) || 1} s; retry after ${context.after}`,
        }),
      });
      gateway.setErrorHandler(
        (error: Error & { statusCode?: number; errorCode?: string; code?: string }, request, reply) => {
          request.gatewayCall = { outcome: 'refused', errorType: error.errorCode ?? error.code };
          if (error.statusCode === 429) {
            return reply.code(429).send({ errorCode: 'TOO_MANY_REQUESTS', message: error.message, source: 'relay' });
          }
          if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
            return send(
              reply,
              relayRefusal(
                413,
                'REQUEST_TOO_LARGE',
                `the request body is over the gateway's limit of ${options.limits.requestBodyBytes} bytes`,
              ),
            );
          }
          if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
            return send(reply, relayRefusal(error.statusCode, 'BAD_REQUEST', error.message));
          }
          request.gatewayCall = { outcome: 'error', errorType: 'INTERNAL_ERROR' };
          request.log.error({ err: error }, 'gateway call failed');
          return send(reply, relayRefusal(500, 'INTERNAL_ERROR', 'the relay failed to answer; see its log'));
        },
      );
      gateway.setNotFoundHandler((request, reply) => {
        request.gatewayCall = { outcome: 'refused', errorType: 'NOT_FOUND' };
        return send(
          reply,
          relayRefusal(
            404,
            'NOT_FOUND',
            `${request.method} ${request.url.split('?')[0]} is no operation of Gentrack's API (see the operation table, model/gentrack-operations.ts)`,
          ),
        );
      });
      gateway.addHook('onResponse', async (request, reply) => {
        const note = request.gatewayCall;
        const operation = request.routeOptions.config.gentrackOperation ?? 'unknown';
        if (!note || request.apiClientId === undefined) return;
        options.metrics?.gatewayCalls.observe(operation, note.outcome, reply.elapsedTime / 1000);
        options.callLog?.record({
          at: clock(),
          clientId: request.apiClientId,
          onBehalfOf: note.onBehalfOf,
          operation,
          method: request.method,
          path: request.url.split('?')[0]!,
          status: reply.statusCode,
          outcome: note.outcome,
          errorType: note.errorType,
          traceId: note.traceId ?? reply.getHeader('x-trace-id')?.toString() ?? '',
          transactionId: note.transactionId,
          durationMs: reply.elapsedTime,
        });
      });

      for (const name of GENTRACK_API_OPERATION_NAMES) {
        const definition: GentrackApiOperation = GENTRACK_API_OPERATIONS[name];
        gateway.route({
          method: definition.method,
          url: gatewayRoute(definition.path),
          bodyLimit: options.limits.requestBodyBytes,
          config: { gentrackOperation: name },
          handler: (request, reply) => handle(name, definition, request, reply),
        });
      }
    },
    { prefix: GENTRACK_GATEWAY_PATH },
  );

  async function handle(
    name: GentrackApiOperationName,
    definition: GentrackApiOperation,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply> {
    const note: CallNote = { outcome: 'refused' };
    request.gatewayCall = note;
    const refuse = (answer: GatewayErrorAnswer) => {
      note.errorType = answer.body.errorCode;
      return send(reply, answer);
    };
    const access = accessOf.get(name);
    if (!access?.allowed) return refuse(operationClosed(name, definition.method, options.access !== undefined));
    note.onBehalfOf = readOnBehalfOf(request);
    if (note.onBehalfOf === undefined) return refuse(relayRefusal(400, 'INVALID_REQUEST', ON_BEHALF_OF_REQUIRED));
    const traceId = headerId(request, 'x-trace-id') ?? randomUUID();
    const transactionId = definition.transactional
      ? (headerId(request, 'x-transaction-id') ?? randomUUID())
      : undefined;
    for (const header of ['x-trace-id', 'x-transaction-id'] as const) {
      if (request.headers[header] !== undefined && headerId(request, header) === undefined) {
        return refuse(
          relayRefusal(400, 'INVALID_REQUEST', `${header} must be 1 to 64 letters, digits, ".", "_", ":" or "-"`),
        );
      }
    }
    note.traceId = traceId;
    note.transactionId = transactionId;
    reply.header('x-trace-id', traceId);
    if (transactionId !== undefined) reply.header('x-transaction-id', transactionId);

    const params = request.params as Record<string, string>;
    const query = request.query as Record<string, unknown>;
    const queryProblem = unknownQueryProblem(name, definition, query);
    if (queryProblem) return refuse(relayRefusal(400, 'INVALID_REQUEST', queryProblem));
    if (
      definition.body !== undefined &&
      (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body))
    ) {
      return refuse(
        relayRefusal(
          400,
          'INVALID_REQUEST',
          `${name} takes a JSON object as its body (Content-Type: application/json)`,
        ),
      );
    }

    const cacheKey =
      access.cacheSeconds > 0
        ? ResponseCache.key(request.apiClientId!, name, params, request.url.split('?')[1] ?? '')
        : undefined;
    const cached = cacheKey === undefined ? undefined : cache.get(cacheKey);
    if (cached) {
      note.outcome = 'cached';
      return reply
        .code(cached.status)
        .header('content-type', 'application/json')
        .header('x-gateway-cache', 'hit')
        .send(cached.body);
    }

    let result;
    try {
      result = await options.api.call(name, {
        params,
        query,
        body: request.body,
        headers: {
          traceId,
          onBehalfOf: note.onBehalfOf,
          ...(transactionId === undefined
            ? {}
            : { transactionId, transactionDateTime: new Date(clock()).toISOString() }),
        },
      } as never);
    } catch (error) {
      if (hasCode<GentrackCallError>(error, 'GENTRACK_CALL_FAILED')) {
        const answer = gentrackFailure(name, error);
        note.outcome = 'gentrack_error';
        note.errorType = error.errorType;
        return send(reply, answer);
      }
      if (hasCode(error, 'GENTRACK_RESPONSE_INVALID')) {
        request.log.warn({ operation: name, traceId }, (error as Error).message);
        return refuse(
          relayRefusal(
            502,
            'GENTRACK_RESPONSE_INVALID',
            `Gentrack's answer to ${name} is not the shape the relay knows; tell the relay's operator (trace ${traceId})`,
          ),
        );
      }
      if (hasCode(error, 'GENTRACK_API_INVALID_CALL'))
        return refuse(relayRefusal(400, 'INVALID_REQUEST', (error as Error).message));
      throw error;
    }
    const body = JSON.stringify(result.body);
    if (Buffer.byteLength(body) > options.limits.responseBytes) {
      return refuse(
        relayRefusal(
          502,
          'RESPONSE_TOO_LARGE',
          `Gentrack's answer to ${name} is over the gateway's limit of ${options.limits.responseBytes} bytes; ask for less (e.g. a smaller limit or date range)`,
        ),
      );
    }
    note.outcome = 'forwarded';
    const references = pathParameterNames(definition.path).map((parameter) => params[parameter]!);
    if (cacheKey !== undefined) cache.set(cacheKey, { status: result.status, body }, access.cacheSeconds, references);
    if (definition.method !== 'GET') cache.forget(references);
    if (result.replayed) reply.header('x-idempotent-replay', 'true');
    return reply.code(result.status).header('content-type', 'application/json').send(body);
  }
}

function headerId(request: FastifyRequest, name: 'x-trace-id' | 'x-transaction-id'): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && HEADER_ID.test(value) ? value : undefined;
}

/** Query parameters the operation does not take are refused rather than passed on to Gentrack. */
function unknownQueryProblem(
  name: string,
  definition: GentrackApiOperation,
  query: Record<string, unknown>,
): string | undefined {
  const known = queryParameterNames(definition);
  for (const [key, value] of Object.entries(query)) {
    if (!known.includes(key)) {
      return known.length === 0
        ? `${name} takes no query parameters; remove ${key}`
        : `${name} takes no query parameter ${key}; it takes ${known.join(', ')}`;
    }
    if (typeof value !== 'string') return `give the query parameter ${key} once`;
  }
  return undefined;
}
