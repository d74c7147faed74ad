/**
 * The relay's API server: the OAuth2 token endpoint and the on-demand sync-jobs API, on its own host and port
 * (config `api`), apart from the unauthenticated operations server. Every route but /oauth/token needs a bearer
 * token. It speaks plain HTTP: put it behind a TLS-terminating proxy, since Salesforce calls it over https.
 */
import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import type { ConnectorModel } from '../../../model/connector-model.js';
import type { AccessTokenSigner } from '../platform/api-auth/access-tokens.js';
import { bearerAuthentication } from '../platform/api-auth/bearer-authentication.js';
import { RateLimiter, type RateLimitOptions } from '../platform/api-auth/rate-limiter.js';
import { registerTokenEndpoint } from '../platform/api-auth/token-endpoint.js';
import { componentLogger, type Logger } from '../platform/ops/logger.js';
import type { ApiClientStore } from '../platform/api-auth/api-client-store.js';
import type { SyncJobRequestError } from './sync-job-request.js';
import { registerSyncJobRoutes } from './sync-job-routes.js';
import type { SyncJobRunner } from './sync-job-runner.js';
import { hasCode, RelayError } from '../platform/errors.js';
import { listenOrExplain } from '../platform/http/listen.js';

export interface ApiServerOptions {
  readonly tenantId: string;
  readonly model: ConnectorModel;
  readonly runner: Pick<SyncJobRunner, 'submit' | 'get'>;
  readonly clients: Pick<ApiClientStore, 'find'>;
  readonly signer: AccessTokenSigner;
  readonly rateLimit: RateLimitOptions;
  readonly logger: Logger;
  /**
   * More routes on this server (the composition root mounts the Gentrack API gateway), given the bearer-token check
   * without the per-client limiter: they limit their clients themselves.
   */
  readonly mount?: (app: FastifyInstance, authenticate: ReturnType<typeof bearerAuthentication>) => Promise<void>;
}

/** Failed token requests one source address may make: 10 at once, then one every 10 s. */
export const FAILED_TOKEN_REQUESTS = { burst: 10, perMinute: 6 } as const;

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export class ApiServerError extends RelayError {
  readonly code = 'API_SERVER_LISTEN_FAILED';
}

/** Builds the server without listening (fastify's `inject` works on it, once `ready()`). */
export function buildApiServer(options: ApiServerOptions): FastifyInstance {
  const logger = componentLogger(options.logger, 'api-server');
  const app = Fastify({
    // Fastify's own info lines ("Server listening at ...") would repeat relay-api.ts's announcement.
    loggerInstance: logger.child({}, { level: 'warn' }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
  }) as unknown as FastifyInstance;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasCode<SyncJobRequestError>(error, 'INVALID_SYNC_JOB_REQUEST')) {
      return reply.code(400).send({ errorCode: 'INVALID_REQUEST', message: error.message, problems: error.problems });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply
        .code(415)
        .send({ errorCode: 'UNSUPPORTED_MEDIA_TYPE', message: 'send JSON (Content-Type: application/json)' });
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ errorCode: 'BAD_REQUEST', message: error.message });
    }
    request.log.error({ err: error }, 'API request failed');
    return reply.code(500).send({ errorCode: 'INTERNAL_ERROR', message: 'the relay failed to answer; see its log' });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ errorCode: 'NOT_FOUND', message: 'no such resource' }),
  );

  const limiter = new RateLimiter(options.rateLimit);
  const failedAttempts = new RateLimiter({
    ...FAILED_TOKEN_REQUESTS,
    ...(options.rateLimit.clock ? { clock: options.rateLimit.clock } : {}),
  });
  registerTokenEndpoint(app, { clients: options.clients, signer: options.signer, failedAttempts, logger });
  registerSyncJobRoutes(app, {
    tenantId: options.tenantId,
    model: options.model,
    runner: options.runner,
    authenticate: bearerAuthentication({ signer: options.signer, clients: options.clients, limiter }),
  });
  const { mount } = options;
  if (mount) {
    void app.register(async (scope) =>
      mount(scope, bearerAuthentication({ signer: options.signer, clients: options.clients })),
    );
  }
  return app;
}

export async function startApiServer(
  options: ApiServerOptions & { readonly host: string; readonly port: number },
): Promise<ApiServer> {
  const app = buildApiServer(options);
  const { port, urlHost } = await listenOrExplain(
    app,
    { host: options.host, port: options.port, hostSetting: 'api.host', portSetting: 'api.port' },
    (reason, cause) => new ApiServerError(`the API server ${reason}`, { cause }),
  );
  let closing: Promise<void> | undefined;
  return { url: `http://${urlHost}:${port}`, port, close: () => (closing ??= app.close()) };
}
