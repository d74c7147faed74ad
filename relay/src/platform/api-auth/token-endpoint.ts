/**
 * `POST /oauth/token`: the OAuth 2.0 client credentials grant (RFC 6749 4.4) for the relay's registered API client.
 * Credentials come in the form body (Salesforce's "client secret in body" variant) or as HTTP Basic (its "Basic"
 * variant). The secret is checked against the stored scrypt hash of the CURRENT secret: after a rotation the old one
 * mints nothing, after a revocation no secret does. Tokens already issued are not affected (they expire on their own).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ApiClientStore } from './api-client-store.js';
import type { AccessTokenSigner } from './access-tokens.js';
import { verifyClientSecret } from './client-secrets.js';
import type { RateLimiter } from './rate-limiter.js';

export const TOKEN_PATH = '/oauth/token';

export interface TokenEndpointOptions {
  readonly clients: Pick<ApiClientStore, 'find'>;
  readonly signer: AccessTokenSigner;
  readonly limiter: RateLimiter;
  readonly logger: Logger;
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  if (status === 401) reply.header('www-authenticate', 'Basic realm="gentrack-relay"');
  return reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description });
}

/** client_id and client_secret from HTTP Basic or from the form; both at once is refused (RFC 6749 2.3.1). */
function clientCredentials(request: FastifyRequest): { clientId?: string; clientSecret?: string; both: boolean } {
  const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
  const fromForm = {
    clientId: typeof form.client_id === 'string' ? form.client_id : undefined,
    clientSecret: typeof form.client_secret === 'string' ? form.client_secret : undefined,
  };
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? '');
  if (!basic) return { ...fromForm, both: false };
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { both: false };
  return {
    clientId: decodeURIComponent(decoded.slice(0, colon)),
    clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
    both: fromForm.clientSecret !== undefined,
  };
}

export function registerTokenEndpoint(app: FastifyInstance, options: TokenEndpointOptions): void {
  app.post(TOKEN_PATH, async (request, reply) => {
    const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
    if (form.grant_type !== 'client_credentials') {
      return oauthError(reply, 400, 'unsupported_grant_type', 'only grant_type=client_credentials is supported');
    }
    const { clientId, clientSecret, both } = clientCredentials(request);
    if (both) return oauthError(reply, 400, 'invalid_request', 'send the client credentials either as HTTP Basic or in the body, not both');
    if (!clientId || !clientSecret) return oauthError(reply, 401, 'invalid_client', 'client_id and client_secret are required');

    // Before the (deliberately slow) hash check, so guessing secrets is slow too.
    const decision = options.limiter.take(`token:${clientId}`);
    if (!decision.allowed) {
      reply.header('retry-after', String(decision.retryAfterSeconds));
      return oauthError(reply, 429, 'slow_down', `too many token requests; retry after ${decision.retryAfterSeconds} s`);
    }

    const client = options.clients.find(clientId);
    const valid = client?.status === 'active' && client.secretHash !== undefined && (await verifyClientSecret(clientSecret, client.secretHash));
    if (!valid) {
      // One answer for an unknown client, a wrong, rotated-out or revoked secret: the caller learns nothing more.
      options.logger.warn({ clientId, revoked: client?.status === 'revoked' }, 'token request refused: invalid client credentials');
      return oauthError(reply, 401, 'invalid_client', 'client authentication failed');
    }
    const { token, expiresIn } = options.signer.issue(clientId);
    return reply
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .send({ access_token: token, token_type: 'Bearer', expires_in: expiresIn });
  });
}
