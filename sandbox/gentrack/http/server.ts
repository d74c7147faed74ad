import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { GentrackApiError } from '../api-error.js';
import { registerTokenEndpoint } from '../auth/token-endpoint.js';
import { errorTypeForStatus } from '../error-types.js';
import type { Operation } from '../operations/operation.js';
import { operationHandler, pathOf, type PipelineContext } from './api-pipeline.js';

export const API_PREFIX = '/v1';
export const TOKEN_PATH = `${API_PREFIX}/token`;

export interface SandboxServerOptions {
  context: PipelineContext;
  operations: Operation[];
  clientId: string;
  clientSecret: string;
  /** Scopes the token endpoint grants; when given, token requests must ask for them. */
  scopes?: readonly string[];
  /** Log every request with pino (fastify's logger). Off by default: the request path stays lean. */
  logRequests: boolean;
  bodyLimitBytes: number;
  /** Seconds an idle keep-alive connection stays open (Gentrack documents 30 s). */
  keepAliveTimeoutSeconds: number;
  /** Serve https with this key and certificate (and, with requestCert, require a client certificate from `ca`). */
  tls?: SandboxTls;
}

/** The tenant's TLS: its certificate, and the client certificates it accepts. */
export interface SandboxTls {
  key: string | Buffer;
  cert: string | Buffer;
  /** CAs whose client certificates are accepted. */
  ca?: string | Buffer;
  /** Refuse a TLS handshake without a client certificate issued by `ca` (mutual TLS). */
  requestCert?: boolean;
}

function routePattern(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\/:[^/]+/g, '/[^/]+');
  return new RegExp(`^${escaped}$`);
}

/**
 * The fastify app: the token endpoint, one route per operation (each through the API pipeline), and Gentrack-style
 * answers for unknown paths, wrong methods and malformed requests. Bodies are kept as text so the pipeline can
 * answer 415 and invalid JSON itself, and compare redelivered bodies.
 */
export function buildSandboxServer(options: SandboxServerOptions): FastifyInstance {
  const common = {
    logger: options.logRequests,
    bodyLimit: options.bodyLimitBytes,
    forceCloseConnections: true,
    keepAliveTimeout: options.keepAliveTimeoutSeconds * 1000,
    return503OnClosing: true,
  };
  const { tls } = options;
  // The routes are the same over http and https; fastify's types tell the two servers apart.
  const app = (tls
    ? Fastify({
        ...common,
        https: { ...tls, requestCert: tls.requestCert ?? false, rejectUnauthorized: tls.requestCert ?? false },
      })
    : Fastify(common)) as unknown as FastifyInstance;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  registerTokenEndpoint(app, {
    path: TOKEN_PATH,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    ...(options.scopes ? { scopes: options.scopes } : {}),
    tokens: options.context.tokens,
    calls: options.context.calls,
    now: options.context.now,
  });

  const routes = options.operations.map((operation) => ({
    method: operation.method as string,
    pattern: routePattern(API_PREFIX + operation.path),
  }));
  for (const operation of options.operations) {
    app.route({
      method: operation.method,
      url: API_PREFIX + operation.path,
      handler: operationHandler(operation, options.context),
    });
  }

  app.setNotFoundHandler(async (request, reply) => {
    const path = pathOf(request.url);
    const allowed = [...new Set(routes.filter((route) => route.pattern.test(path)).map((route) => route.method))];
    const error =
      allowed.length > 0
        ? new GentrackApiError(
            'CLIENT_ERROR',
            `${request.method} is not supported on ${path}; use ${allowed.join(', ')}`,
            [],
            405,
          )
        : new GentrackApiError('NOT_FOUND', `No operation at ${request.method} ${path}`);
    if (allowed.length > 0) reply.header('allow', allowed.join(', '));
    if (options.context.calls.recording && path.startsWith(`${API_PREFIX}/`)) {
      options.context.calls.add({
        at: new Date(options.context.now()).toISOString(),
        method: request.method,
        path,
        params: {},
        query: { ...(request.query as Record<string, string>) },
        headers: {},
        body: request.body,
        status: error.status,
        response: error.toBody(undefined),
        replay: false,
        outOfOrder: false,
        effective: false,
      });
    }
    const transactionId = request.headers['x-transaction-id'];
    return reply.code(error.status).send(error.toBody(typeof transactionId === 'string' ? transactionId : undefined));
  });

  // Failures before a handler runs (body too large, malformed Content-Length, ...).
  app.setErrorHandler<FastifyError>(async (error, request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    const errorType = status >= 500 ? 'INTERNAL_SERVER_ERROR' : errorTypeForStatus(status);
    const transactionId = request.headers['x-transaction-id'];
    const apiError = new GentrackApiError(errorType, error.message, [], status);
    return reply.code(status).send(apiError.toBody(typeof transactionId === 'string' ? transactionId : undefined));
  });

  return app;
}
