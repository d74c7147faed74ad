/**
 * The sandbox org's HTTP front: OAuth and SOAP login, then the REST API under /services/data/vXX.X, answering with
 * Salesforce's status codes, headers and error bodies so jsforce cannot tell it from a real org.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { localhostCertificate } from '../pubsub/tls-certificate.js';
import { SalesforceError, invalidSession, jsonParserError, notFound, requestLimitExceeded } from '../errors.js';
import { uploadTooLarge } from '../bulk/ingest-jobs.js';
import { createSandboxOrg, type SandboxOrg, type SandboxOrgOptions } from '../org/sandbox-org.js';
import { parseApiVersion } from './api-version.js';
import { registerApexRestRoutes, type ApexRestHandler } from './apex-rest-routes.js';
import { registerAuthRoutes } from './auth-routes.js';
import { registerBulkIngestRoutes } from './bulk-ingest-routes.js';
import { registerCollectionRoutes } from './collection-routes.js';
import { registerMetadataSoapRoutes } from './metadata-soap-routes.js';
import { registerNamedCredentialRoutes } from './named-credential-routes.js';
import { DescribeCache } from './describe.js';
import { QueryCursors } from './query-cursors.js';
import { registerQueryRoutes } from './query-routes.js';
import { setRequestContext } from './request-context.js';
import { registerSObjectRoutes } from './sobject-routes.js';
import { registerVersionRoutes } from './version-routes.js';

export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

export interface RouteDependencies {
  readonly org: SandboxOrg;
  readonly describe: DescribeCache;
  readonly cursors: QueryCursors;
}

export interface SalesforceServerOptions {
  /** Log requests with pino (fastify's logger options); default off. */
  readonly logger?: boolean | object;
  /** Serves /services/apexrest/* (the org's Apex runtime); without it those paths answer 404. */
  readonly apexRest?: ApexRestHandler;
  /**
   * Serve HTTPS with the sandbox's self-signed localhost certificate (pubsub/tls-certificate.ts), as an org does;
   * clients trust it explicitly (NODE_EXTRA_CA_CERTS=<its certFile>). Default plain HTTP on loopback.
   */
  readonly tls?: boolean;
}

/** Builds the HTTP server for an org without listening (fastify's `inject` works on it). */
export function buildSalesforceServer(org: SandboxOrg, options: SalesforceServerOptions = {}): FastifyInstance {
  const certificate = options.tls ? localhostCertificate() : undefined;
  // One server type for both: fastify's https instance differs from the http one in its raw server type only.
  const app = Fastify({
    ...(certificate ? { https: { key: certificate.key, cert: certificate.cert } } : {}),
    logger: options.logger ?? false,
    bodyLimit: 150 * 1024 * 1024,
    return503OnClosing: false,
    // An org answers `//services/data/...` as `/services/data/...`: the sf CLI stores instance URLs with a trailing
    // slash (`sf org login access-token`), and jsforce appends paths that start with one.
    rewriteUrl: (request) => collapseSlashes(request.url ?? '/'),
  }) as unknown as FastifyInstance;
  registerBodyParsers(app);

  app.addHook('onRequest', async (request, reply) => {
    const match = /^\/services\/data\/([^/?]+)/.exec(request.url);
    if (!match) return;
    const apiVersion = parseApiVersion(match[1]!);
    if (!apiVersion) throw notFound();
    const userId = org.sessions.userIdFor(bearerToken(request) ?? '');
    const user = userId === undefined ? undefined : org.users.get(userId);
    if (!user) throw invalidSession();
    if (!org.apiRequests.consume()) throw requestLimitExceeded();
    reply.header('Sforce-Limit-Info', `api-usage=${org.apiRequests.used}/${org.apiRequests.max}`);
    setRequestContext(request, { user, apiVersion });
  });

  app.setErrorHandler((error: FastifyError | SalesforceError, request, reply) =>
    error instanceof SalesforceError ||
    error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE' ||
    !request.url.includes('/jobs/ingest/')
      ? sendError(error, request, reply)
      : sendSalesforceError(reply, uploadTooLarge(org.bulkIngest.maxUploadBytes)),
  );
  app.setNotFoundHandler((_request, reply) => sendSalesforceError(reply, notFound()));

  const dependencies: RouteDependencies = { org, describe: new DescribeCache(org.schema), cursors: new QueryCursors() };
  registerAuthRoutes(app, dependencies);
  registerVersionRoutes(app, dependencies);
  registerSObjectRoutes(app, dependencies);
  registerCollectionRoutes(app, dependencies);
  registerQueryRoutes(app, dependencies);
  registerBulkIngestRoutes(app, dependencies);
  registerNamedCredentialRoutes(app, dependencies);
  registerMetadataSoapRoutes(app, dependencies);
  if (options.apexRest) registerApexRestRoutes(app, dependencies, options.apexRest);
  return app;
}

export interface StartOptions extends SandboxOrgOptions, SalesforceServerOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Serve an existing org instead of creating one from the options. */
  readonly org?: SandboxOrg;
}

export interface RunningSalesforceSandbox {
  readonly org: SandboxOrg;
  readonly server: FastifyInstance;
  /** `http://127.0.0.1:<port>` (`https://` with `tls`): jsforce's loginUrl, and the instance URL the org hands out. */
  readonly url: string;
  readonly loginUrl: string;
  readonly instanceUrl: string;
  close(): Promise<void>;
}

export async function startSalesforceSandbox(options: StartOptions = {}): Promise<RunningSalesforceSandbox> {
  const org = options.org ?? createSandboxOrg(options);
  const server = buildSalesforceServer(org, options);
  const host = options.host ?? '127.0.0.1';
  await server.listen({ port: options.port ?? 0, host });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { org, server, url, loginUrl: url, instanceUrl: url, close: () => server.close() };
}

/** The path's repeated slashes as one; the query string is left as it is. */
export function collapseSlashes(url: string): string {
  const query = url.indexOf('?');
  const pathPart = query < 0 ? url : url.slice(0, query);
  return pathPart.replace(/\/{2,}/g, '/') + (query < 0 ? '' : url.slice(query));
}

/** The base URL this request reached the server at: what `instance_url` and `serverUrl` must say. */
export function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? request.hostname}`;
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(header);
  return match?.[1];
}

export function sendSalesforceError(reply: FastifyReply, error: SalesforceError): FastifyReply {
  const body =
    error.fields.length > 0 || error.httpStatus === 400
      ? { message: error.message, errorCode: error.errorCode, fields: error.fields }
      : { message: error.message, errorCode: error.errorCode };
  return reply
    .code(error.httpStatus)
    .header('content-type', JSON_CONTENT_TYPE)
    .send(JSON.stringify([body]));
}

function sendError(error: FastifyError | SalesforceError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof SalesforceError) return sendSalesforceError(reply, error);
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return sendSalesforceError(
      reply,
      new SalesforceError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content type '${request.headers['content-type'] ?? ''}' not supported`,
        [],
        415,
      ),
    );
  }
  if (error.code?.startsWith('FST_ERR_CTP')) return sendSalesforceError(reply, jsonParserError(error.message));
  request.log.error(error);
  return sendSalesforceError(
    reply,
    new SalesforceError('UNKNOWN_EXCEPTION', `An unexpected error occurred: ${error.message}`, [], 500),
  );
}

function registerBodyParsers(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      done(jsonParserError(`Unexpected character in the JSON body: ${(error as Error).message}`), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
}
