/**
 * The relay's HTTP client for a Gentrack tenant: persistent connections (an undici Pool), an OAuth2
 * client-credentials token shared by all calls, Gentrack's transaction headers, and one typed error
 * (GentrackCallError) for every failure. It makes each call once (plus one retry after a token refresh on 401);
 * retries, backoff and circuit breaking belong to the dispatcher.
 *
 * The hot path is lean on purpose (several thousand calls/s): no per-call logging, one headers object and one
 * serialised body per attempt.
 */
import pino, { type Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { AccessTokenSource, type AccessTokenError } from './access-token-source.js';
import { GentrackCallError, type FailedCall } from './gentrack-call-error.js';
import { failureFromResponse, failureFromTransportError } from './failure-classification.js';
import { gentrackConnections, type GentrackNetwork } from './gentrack-connections.js';
import { SCOPE_TOKEN, SCOPE_TOKEN_PROBLEM } from './oauth-scopes.js';
import { SECRET_LOG_REDACTION } from './secret-log-redaction.js';
import { hasCode, RelayError } from '../errors.js';
import { componentLogger } from '../ops/logger.js';

export interface GentrackClientOptions {
  /** The tenant's base URI, ending in /v1: `https://api.crm.{deploymentPool}.gentrack.cloud/v1`. */
  baseUrl: string;
  /** OAuth2 token URL, e.g. `https://au.id.gentrackcloud.com/v1/token`. */
  tokenUrl: string;
  clientId: string;
  /** Never logged; held in a private field. */
  clientSecret: string;
  /** How the token request presents the credentials. Default 'basic' (HTTP Basic); 'body' sends form parameters. */
  clientAuthentication?: 'basic' | 'body';
  /** OAuth2 scopes the token request asks for. Default none (the `scope` parameter is left out). */
  scopes?: readonly string[];
  /** Longest wait for an answer (headers, then between body chunks). Default 60,000 (Gentrack's documented value). */
  responseTimeoutMs?: number;
  /** Longest wait for a TCP/TLS connection. Default 30,000. */
  connectTimeoutMs?: number;
  /** An unused keep-alive connection is closed after this long (a server hint may shorten it). Default 30,000. */
  idleTimeoutMs?: number;
  /** Most sockets open to the API at once; calls beyond this queue. Default 64. */
  connections?: number;
  /** An outbound proxy, extra CAs and a client certificate, for the API and the token URL alike. Default: none. */
  network?: GentrackNetwork;
  /** Token events and shutdown are logged (never per call, never secrets). Default: silent. */
  logger?: Logger;
}

/** Gentrack's transaction headers of one call; an operation that takes none (a read) leaves them out. */
export interface GentrackCallHeaders {
  /**
   * X-Transaction-Id: one per call, stable across redeliveries, so a redelivery has no second effect. Gentrack
   * de-duplicates by it, and takes calls that share one for the parts of one fragmented payload. A read sends none.
   */
  transactionId?: string | undefined;
  /**
   * X-Transaction-Part-Number / -Total: this call's place among the fragments of one payload. Default 1 of 1: the
   * relay sends every payload whole (it joins the parts of a split Salesforce event before calling Gentrack), so no
   * caller sets these today.
   */
  partNumber?: number | undefined;
  partTotal?: number | undefined;
  /** X-Transaction-Date-Time: ISO-8601 with offset, the time of the change (Gentrack orders by it). */
  transactionDateTime?: string | undefined;
  traceId: string;
  /** X-On-Behalf-Of: the user who made the change, for Gentrack's audit. */
  onBehalfOf?: string | undefined;
}

export interface GentrackRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Below the base URI, starting with '/': `/customer-sync`, `/accounts/A00000001`. */
  path: string;
  /** Sent as JSON; leave undefined for no body (reads). */
  body?: unknown;
  headers: GentrackCallHeaders;
}

export interface GentrackResponse {
  status: number;
  /** Parsed JSON; the raw text when a 2xx answer is not JSON; null when empty. */
  body: unknown;
  /** Gentrack answered from its idempotency store (X-Idempotent-Replay): the call had already taken effect. */
  replayed: boolean;
}

export interface CloseOptions {
  /** Calls still running after this long are abandoned (they fail with CONNECTIVITY). Default 10,000. */
  abandonAfterMs?: number;
}

export interface GentrackClient {
  /** Resolves on 2xx; otherwise rejects with GentrackCallError. */
  send(request: GentrackRequest): Promise<GentrackResponse>;
  /** Stops taking calls, lets running ones finish (up to `abandonAfterMs`), then closes every connection. */
  close(options?: CloseOptions): Promise<void>;
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const milliseconds = z.number().int().positive();
const optionsSchema = z.object({
  baseUrl: httpUrl,
  tokenUrl: httpUrl,
  clientId: z.string().min(1, 'must not be empty'),
  clientSecret: z.string().min(1, 'must not be empty'),
  clientAuthentication: z.enum(['basic', 'body']).default('basic'),
  scopes: z.array(z.string().regex(SCOPE_TOKEN, SCOPE_TOKEN_PROBLEM)).default([]),
  responseTimeoutMs: milliseconds.default(60_000),
  connectTimeoutMs: milliseconds.default(30_000),
  idleTimeoutMs: milliseconds.default(30_000),
  connections: z.number().int().min(1).default(64),
});

export class InvalidGentrackClientOptionsError extends RelayError {
  readonly code = 'INVALID_GENTRACK_CLIENT_OPTIONS';
}

function readOptions(options: GentrackClientOptions): z.infer<typeof optionsSchema> {
  const { logger: _logger, network: _network, ...checked } = options;
  const parsed = optionsSchema.safeParse(checked);
  if (parsed.success) return parsed.data;
  // Issues name the option and the problem, never the value (the secret must not reach an error message).
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new InvalidGentrackClientOptionsError(`Invalid Gentrack client options: ${problems.join('; ')}`);
}

function isJson(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return value !== undefined && value.includes('json');
}

function readSuccessBody(text: string, contentType: string | string[] | undefined): unknown {
  if (text === '') return null;
  if (!isJson(contentType)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text; // a malformed 2xx body still means the call took effect: keep it for the record
  }
}

/** A call got no answer before close()'s deadline. */
export class AbandonedOnCloseError extends RelayError {
  readonly code = 'GENTRACK_CLIENT_CLOSED';
}

interface Answer {
  status: number;
  headers: Dispatcher.ResponseData['headers'];
  text: string;
}

export function createGentrackClient(options: GentrackClientOptions): GentrackClient {
  const settings = readOptions(options);
  const logger = componentLogger(
    options.logger ?? pino({ level: 'silent' }),
    'gentrack-client',
    {},
    { redact: SECRET_LOG_REDACTION },
  );
  const baseUrl = new URL(settings.baseUrl);
  const tokenUrl = new URL(settings.tokenUrl);
  const origin = baseUrl.origin;
  const basePath = baseUrl.pathname.replace(/\/+$/, '');

  const network = options.network ?? {};
  const limits = {
    responseTimeoutMs: settings.responseTimeoutMs,
    connectTimeoutMs: settings.connectTimeoutMs,
    idleTimeoutMs: settings.idleTimeoutMs,
  };
  if (network.proxy) logger.info({ proxy: network.proxy.url }, 'Gentrack calls go through an outbound proxy');
  const api = gentrackConnections(origin, network, { ...limits, connections: settings.connections });
  const pool = api.dispatcher;
  // Token requests are rare and one at a time: one connection, of their own (the token URL is often another host).
  const tokenConnections = gentrackConnections(tokenUrl.origin, network, { ...limits, connections: 1 });
  const tokenClient = tokenConnections.dispatcher;
  const tokens = new AccessTokenSource({
    tokenUrl,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    clientAuthentication: settings.clientAuthentication,
    scopes: settings.scopes,
    dispatcher: tokenClient,
    transportErrorCause: tokenConnections.cause,
    responseTimeoutMs: settings.responseTimeoutMs,
    logger,
  });

  // One Authorization value per token, not one per call: each call's concatenation was copied again when sent.
  let bearer = { token: '', header: '' };
  function authorizationOf(token: string): string {
    if (bearer.token !== token) bearer = { token, header: 'Bearer ' + token };
    return bearer.header;
  }

  function failedCall(request: GentrackRequest, path: string): FailedCall {
    const { transactionId, partNumber, partTotal } = request.headers;
    return { method: request.method, path, origin, transactionId, partNumber, partTotal };
  }

  async function accessToken(request: GentrackRequest, path: string): Promise<string> {
    try {
      return await tokens.token();
    } catch (error) {
      if (hasCode<AccessTokenError>(error, 'GENTRACK_TOKEN_FAILED'))
        throw new GentrackCallError(failedCall(request, path), error.failure);
      throw error;
    }
  }

  async function attempt(
    request: GentrackRequest,
    path: string,
    body: string | undefined,
    token: string,
  ): Promise<Answer> {
    const { transactionId, partNumber = 1, partTotal = 1, transactionDateTime, traceId, onBehalfOf } = request.headers;
    const headers: Record<string, string> = {
      authorization: authorizationOf(token),
      accept: 'application/json',
      'x-trace-id': traceId,
    };
    // Parts belong to a transaction: a call without one (a read) sends neither.
    if (transactionId !== undefined) {
      headers['x-transaction-id'] = transactionId;
      headers['x-transaction-part-number'] = String(partNumber);
      headers['x-transaction-part-total'] = String(partTotal);
    }
    if (transactionDateTime !== undefined) headers['x-transaction-date-time'] = transactionDateTime;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (onBehalfOf !== undefined) headers['x-on-behalf-of'] = onBehalfOf;
    try {
      const response = await pool.request({ origin, method: request.method, path, headers, body });
      return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
    } catch (error) {
      throw new GentrackCallError(
        failedCall(request, path),
        failureFromTransportError(api.cause(error), 'call', settings.responseTimeoutMs),
      );
    }
  }

  async function send(request: GentrackRequest): Promise<GentrackResponse> {
    const path = basePath + (request.path.startsWith('/') ? request.path : '/' + request.path);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);

    let token = tokens.cached() ?? (await accessToken(request, path));
    let answer = await attempt(request, path, body, token);
    if (answer.status === 401) {
      // The token expired or was revoked early: refresh once and try again; a second 401 is reported.
      logger.info({ method: request.method, path, status: 401 }, 'Gentrack refused the access token; refreshing it');
      tokens.invalidate(token);
      token = await accessToken(request, path);
      answer = await attempt(request, path, body, token);
    }

    if (answer.status >= 200 && answer.status < 300) {
      return {
        status: answer.status,
        body: readSuccessBody(answer.text, answer.headers['content-type']),
        replayed: answer.headers['x-idempotent-replay'] === 'true',
      };
    }
    throw new GentrackCallError(
      failedCall(request, path),
      failureFromResponse(answer.status, answer.headers, answer.text, Date.now()),
    );
  }

  let closing: Promise<void> | undefined;
  function close({ abandonAfterMs = 10_000 }: CloseOptions = {}): Promise<void> {
    closing ??= (async () => {
      const graceful = Promise.all([pool.close(), tokenClient.close()]).then(() => true);
      graceful.catch(() => {}); // settled below either way; destroy() may reject it
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), abandonAfterMs);
      });
      const finished = await Promise.race([graceful, deadline]);
      clearTimeout(timer);
      if (finished) return;
      logger.warn({ abandonAfterMs }, 'Gentrack calls still running at close; abandoning them');
      const reason = new AbandonedOnCloseError(
        `the Gentrack client closed; the call was abandoned after ${abandonAfterMs} ms`,
      );
      await Promise.all([pool.destroy(reason), tokenClient.destroy(reason)]);
    })();
    return closing;
  }

  return { send, close };
}
