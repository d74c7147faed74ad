import type { FastifyReply, FastifyRequest } from 'fastify';
import { GentrackApiError } from '../api-error.js';
import type { TokenStore } from '../auth/token-store.js';
import type { CallLog, NewCall, RecordedCall } from '../call-log.js';
import type { FaultInjector, InjectedFault } from '../faults/fault-injector.js';
import { repeats, type IdempotencyStore, type RememberedResponse, type RequestFingerprint } from '../idempotency.js';
import type { PartAssemblies } from '../part-assembly.js';
import { isWrite, type Operation } from '../operations/operation.js';
import type { EntityOrderObserver } from '../ordering.js';
import { authenticate } from './bearer-auth.js';
import { acceptsJson, isJsonMediaType } from './content-negotiation.js';
import type { HeldRequests } from './held-requests.js';
import {
  readTransactionHeaders,
  recordedHeaders,
  validateWriteTransaction,
  type TransactionHeaders,
  type WriteTransaction,
} from './transaction-headers.js';

/** The tenant's parts every API request goes through. */
export interface PipelineContext {
  tokens: TokenStore;
  faults: FaultInjector;
  idempotency: IdempotencyStore;
  /** Fragmented payloads whose parts have not all arrived. */
  parts: PartAssemblies;
  ordering: EntityOrderObserver;
  calls: CallLog;
  held: HeldRequests;
  now: () => number;
}

/** How one request ended, for the call log. */
interface Outcome {
  status: number;
  response: unknown;
  replay?: boolean;
  outOfOrder?: boolean;
  faulted?: string;
  effective?: boolean;
  entity?: string;
}

/** What the pipeline knows about the request being answered. */
interface Exchange {
  operation: Operation;
  request: FastifyRequest;
  reply: FastifyReply;
  path: string;
  arrivedAt: number;
  transaction: TransactionHeaders;
  rawBody: string | undefined;
  /** The parsed body once known (for the call log). */
  body: unknown;
}

export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

function parseBodyForLog(raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function parseJsonBody(raw: string | undefined): unknown {
  if (raw === undefined || raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GentrackApiError('BAD_REQUEST', `The request body is not valid JSON: ${reason}`, [
      { path: '', message: `not valid JSON: ${reason}` },
    ]);
  }
}

function checkMediaType(contentType: string | undefined, raw: string | undefined): void {
  if (contentType === undefined ? raw === undefined || raw === '' : isJsonMediaType(contentType)) return;
  throw new GentrackApiError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Request bodies must be application/json, got ${contentType ?? 'a body without Content-Type'}`,
    [{ path: 'headers.Content-Type', message: 'must be application/json' }],
  );
}

function asApiError(error: unknown): GentrackApiError {
  if (error instanceof GentrackApiError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new GentrackApiError('INTERNAL_SERVER_ERROR', `The sandbox failed to process the request: ${reason}`);
}

function reused(transaction: WriteTransaction, remembered: RememberedResponse): GentrackApiError {
  const { transactionId, partNumber, partTotal } = transaction;
  const first = remembered.fingerprint;
  const part = partTotal > 1 ? ` (part ${partNumber} of ${partTotal})` : '';
  const firstParts = remembered.parts ? ` in ${remembered.parts.length} parts` : '';
  const message = `transaction id reused for a different request: ${transactionId}${part} was first used for ${first.method} ${first.path}${firstParts} with another body`;
  return new GentrackApiError('BAD_REQUEST', message, [{ path: 'headers.X-Transaction-Id', message }]);
}

/**
 * Builds the fastify handler of one operation. Order of checks: injected faults (a faulted call has no effect and
 * is never remembered), latency, bearer token, Accept, then for transactional writes the transaction headers, the
 * media type, the idempotency store (replay or reuse), the parts of a fragmented payload (held, answered 202, until
 * all have arrived), the body; finally the operation, and the answer delay before its answer. Error answers of the
 * operation and of the body validation (4xx) are remembered like successes, so a redelivery gets the same answer.
 * Writes that are not transactional skip the transaction headers, the idempotency store and the parts.
 */
export function operationHandler(operation: Operation, context: PipelineContext) {
  const write = isWrite(operation.method);

  function record(exchange: Exchange, outcome: Outcome): RecordedCall | undefined {
    const { calls } = context;
    const call = {
      replay: outcome.replay ?? false,
      outOfOrder: outcome.outOfOrder ?? false,
      faulted: outcome.faulted,
      effective: outcome.effective ?? false,
    };
    if (!calls.recording) {
      calls.count(call);
      return undefined;
    }
    const { request, transaction } = exchange;
    const entry: NewCall = {
      at: new Date(exchange.arrivedAt).toISOString(),
      method: request.method,
      path: exchange.path,
      operation: operation.name,
      params: { ...(request.params as Record<string, string>) },
      query: { ...(request.query as Record<string, string>) },
      headers: recordedHeaders(request.headers),
      body: exchange.body === undefined ? parseBodyForLog(exchange.rawBody) : exchange.body,
      status: outcome.status,
      response: outcome.response,
      ...call,
    };
    if (outcome.faulted === undefined) delete entry.faulted;
    if (transaction.transactionId !== undefined) entry.transactionId = transaction.transactionId;
    if (transaction.partNumber !== undefined && /^\d+$/.test(transaction.partNumber)) {
      entry.partNumber = Number(transaction.partNumber);
    }
    if (transaction.dateTime !== undefined) entry.transactionDateTime = transaction.dateTime;
    if (outcome.entity !== undefined) entry.entity = outcome.entity;
    return calls.add(entry);
  }

  /**
   * Records a processed call, then answers it once the answer delay (if set) is over. A client that went away
   * meanwhile gets nothing, and the effect stands.
   */
  async function answer(exchange: Exchange, outcome: Outcome, reply: () => void): Promise<void> {
    const recorded = record(exchange, outcome);
    const delayMs = context.faults.answerDelayMs;
    if (
      delayMs > 0 &&
      (await context.held.hold(delayMs, exchange.reply, {
        reason: 'answer',
        ...(recorded ? { call: recorded } : {}),
      })) === 'aborted'
    ) {
      dropConnection(exchange);
      return;
    }
    reply();
  }

  function send(exchange: Exchange, status: number, body: unknown, replay = false): void {
    const { reply, transaction } = exchange;
    if (transaction.transactionId !== undefined) reply.header('x-transaction-id', transaction.transactionId);
    if (replay) reply.header('x-idempotent-replay', 'true');
    reply.code(status).send(body);
  }

  function sendError(exchange: Exchange, error: GentrackApiError, body: unknown): void {
    if (error.status === 401) {
      exchange.reply.header('www-authenticate', `Bearer error="invalid_token", error_description="${error.message}"`);
    }
    send(exchange, error.status, body);
  }

  function dropConnection(exchange: Exchange): void {
    exchange.reply.hijack();
    exchange.request.raw.socket?.destroy();
  }

  async function answerWithFault(exchange: Exchange, fault: InjectedFault): Promise<void> {
    if (fault.kind === 'reset') {
      record(exchange, { status: 0, response: undefined, faulted: fault.label });
      dropConnection(exchange);
      return;
    }
    const error =
      fault.kind === 'timeout'
        ? new GentrackApiError('TIMEOUT', `Injected fault: no answer within ${fault.delayMs} ms`)
        : new GentrackApiError(fault.errorType, fault.message, [], fault.status);
    const body = error.toBody(exchange.transaction.transactionId);
    // Recorded before answering so a test that sees the answer also sees the call.
    record(exchange, { status: error.status, response: body, faulted: fault.label });
    if (
      fault.kind === 'timeout' &&
      (await context.held.hold(fault.delayMs, exchange.reply, { reason: 'timeout' })) === 'aborted'
    ) {
      dropConnection(exchange);
      return;
    }
    if (fault.kind === 'status' && fault.retryAfterSeconds !== undefined) {
      exchange.reply.header('retry-after', String(fault.retryAfterSeconds));
    }
    send(exchange, error.status, body);
  }

  return async function handleOperation(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const exchange: Exchange = {
      operation,
      request,
      reply,
      path: pathOf(request.url),
      arrivedAt: context.now(),
      transaction: readTransactionHeaders(request.headers),
      rawBody: typeof request.body === 'string' ? request.body : undefined,
      body: undefined,
    };

    const fault = context.faults.pick({ method: operation.method, path: exchange.path, operation: operation.name });
    if (fault !== undefined) return answerWithFault(exchange, fault);
    const latency = context.faults.delayMs;
    if (latency > 0 && (await context.held.hold(latency, reply, { reason: 'latency' })) === 'aborted')
      return dropConnection(exchange);

    /** Remembers the answer of a transactional write under its transaction id, once it is known. */
    let remember: ((status: number, body: unknown) => void) | undefined;
    let transaction: WriteTransaction | undefined;
    try {
      authenticate(request.headers.authorization, context.tokens);
      if (!acceptsJson(request.headers.accept)) {
        throw new GentrackApiError(
          'NOT_ACCEPTABLE',
          `This API only answers application/json; Accept was '${request.headers.accept}'`,
        );
      }
      if (write && operation.transactional) {
        transaction = validateWriteTransaction(exchange.transaction);
        checkMediaType(request.headers['content-type'], exchange.rawBody);
        const { transactionId, partNumber, partTotal } = transaction;
        const arriving = { method: operation.method, path: exchange.path, rawBody: exchange.rawBody ?? '' };
        const remembered = context.idempotency.get(transactionId);
        if (remembered !== undefined) {
          if (!repeats(remembered, { ...arriving, partNumber, partTotal })) throw reused(transaction, remembered);
          const replayed = { status: remembered.status, response: remembered.body, replay: true };
          return await answer(exchange, replayed, () => send(exchange, remembered.status, remembered.body, true));
        }
        let fingerprint: RequestFingerprint = arriving;
        let parts: string[] | undefined;
        if (partTotal > 1) {
          const assembly = context.parts.add({
            transactionId,
            partNumber,
            partTotal,
            ...arriving,
            text: arriving.rawBody,
          });
          if (assembly.kind === 'held') {
            const held = { transactionId, status: 'AwaitingParts', partTotal, partsReceived: assembly.received };
            return await answer(exchange, { status: 202, response: held }, () => send(exchange, 202, held));
          }
          fingerprint = { ...arriving, rawBody: assembly.rawBody };
          parts = assembly.parts;
        }
        remember = (status, body) =>
          context.idempotency.remember(transactionId, { fingerprint, ...(parts ? { parts } : {}), status, body });
        exchange.body = parseJsonBody(fingerprint.rawBody);
      } else if (write) {
        checkMediaType(request.headers['content-type'], exchange.rawBody);
        exchange.body = parseJsonBody(exchange.rawBody);
      }

      const outcome = operation.run(request.params as Record<string, string>, request.query, exchange.body);
      remember?.(outcome.status, outcome.body);
      const outOfOrder =
        transaction !== undefined && outcome.entity !== undefined
          ? context.ordering.observe(outcome.entity, transaction.dateTimeMs)
          : false;
      const applied = {
        status: outcome.status,
        response: outcome.body,
        outOfOrder,
        effective: write && outcome.status < 300,
        ...(outcome.entity === undefined ? {} : { entity: outcome.entity }),
      };
      return await answer(exchange, applied, () => send(exchange, outcome.status, outcome.body));
    } catch (error) {
      const apiError = asApiError(error);
      const body = apiError.toBody(exchange.transaction.transactionId);
      if (apiError.status < 500) remember?.(apiError.status, body);
      return answer(exchange, { status: apiError.status, response: body }, () => sendError(exchange, apiError, body));
    }
  };
}
