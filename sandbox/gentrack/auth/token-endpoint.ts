import type { FastifyInstance } from 'fastify';
import type { CallLog } from '../call-log.js';
import { parseTokenRequestBody, presentedCredentials, type TokenRequestParameters } from './client-credentials.js';
import type { TokenStore } from './token-store.js';

export interface TokenEndpointOptions {
  /** Full path of the endpoint, e.g. /v1/token. */
  path: string;
  clientId: string;
  clientSecret: string;
  tokens: TokenStore;
  calls: CallLog;
  now: () => number;
  /**
   * The scopes this client may be granted. When given, a token request must ask for one or more of them (the
   * `scope` parameter, space-delimited) and for no other; the token answer lists what was granted. Without it the
   * parameter is ignored.
   */
  scopes?: readonly string[];
}

/** OAuth2 error answer (RFC 6749 §5.2): the token endpoint speaks OAuth, not Gentrack's error body. */
interface OAuthError {
  error: 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';
  error_description: string;
}

/** Why the requested scopes cannot be granted (RFC 6749 §5.2 invalid_scope), or undefined when they can. */
function scopeProblem(requested: string | undefined, allowed: readonly string[]): string | undefined {
  const asked = (requested ?? '').split(' ').filter((scope) => scope !== '');
  if (asked.length === 0) return `scope is required: ask for one or more of ${allowed.join(' ')}`;
  const unknown = asked.filter((scope) => !allowed.includes(scope));
  if (unknown.length > 0)
    return `scope ${unknown.join(' ')} is not granted to this client; it may have ${allowed.join(' ')}`;
  return undefined;
}

function loggedParameters(parameters: TokenRequestParameters): TokenRequestParameters {
  const { client_secret: secret, ...rest } = parameters;
  return secret === undefined ? rest : { ...rest, client_secret: '[redacted]' };
}

/** POST <path>: client credentials grant, with HTTP Basic or body client authentication, form or JSON bodies. */
export function registerTokenEndpoint(app: FastifyInstance, options: TokenEndpointOptions): void {
  app.post(options.path, async (request, reply) => {
    const arrivedAt = options.now();
    const raw = typeof request.body === 'string' ? request.body : undefined;
    let parameters: TokenRequestParameters = {};
    let status: number;
    let answer: OAuthError | { access_token: string; token_type: 'Bearer'; expires_in: number; scope?: string };
    let problem: string | undefined;
    try {
      parameters = parseTokenRequestBody(request.headers['content-type'], raw);
    } catch {
      parameters = {};
    }
    const credentials = presentedCredentials(request.headers.authorization, parameters);
    if (credentials === undefined) {
      status = 401;
      answer = {
        error: 'invalid_client',
        error_description: 'client authentication is required (HTTP Basic or client_id and client_secret)',
      };
    } else if (credentials.clientId !== options.clientId || credentials.clientSecret !== options.clientSecret) {
      status = 401;
      answer = { error: 'invalid_client', error_description: 'unknown client or wrong client secret' };
      if (credentials.method === 'basic') reply.header('www-authenticate', 'Basic realm="gentrack"');
    } else if (parameters['grant_type'] === undefined) {
      status = 400;
      answer = { error: 'invalid_request', error_description: 'grant_type is required' };
    } else if (parameters['grant_type'] !== 'client_credentials') {
      status = 400;
      answer = {
        error: 'unsupported_grant_type',
        error_description: `grant_type must be client_credentials, got ${parameters['grant_type']}`,
      };
    } else if (options.scopes && (problem = scopeProblem(parameters['scope'], options.scopes)) !== undefined) {
      status = 400;
      answer = { error: 'invalid_scope', error_description: problem };
    } else {
      const issued = options.tokens.issue();
      status = 200;
      answer = { access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresInSeconds };
      if (options.scopes)
        answer.scope = parameters['scope']!.split(' ')
          .filter((scope) => scope !== '')
          .join(' ');
    }
    const { calls } = options;
    const call = { replay: false, outOfOrder: false, effective: false };
    if (calls.recording) {
      calls.add({
        at: new Date(arrivedAt).toISOString(),
        method: 'POST',
        path: options.path,
        operation: 'token',
        params: {},
        query: {},
        headers: {},
        body: loggedParameters(parameters),
        status,
        response: 'access_token' in answer ? { ...answer, access_token: '[redacted]' } : answer,
        ...call,
      });
    } else {
      calls.count(call);
    }
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return reply.code(status).send(answer);
  });
}
