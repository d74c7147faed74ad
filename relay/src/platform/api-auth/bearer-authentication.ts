/**
 * Every API route but the token endpoint needs `Authorization: Bearer <access token>` issued by this relay, not
 * expired, and of a client that is still active: a revoked credential is a compromised one, so its tokens end with
 * it (a rotation keeps them, as Gentrack's guide documents, so rotating never breaks the integration). The token's
 * client is then rate-limited. Refusals follow RFC 6750: 401 with WWW-Authenticate naming the
 * problem, 429 with Retry-After.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasCode } from '../errors.js';
import { ACCESS_TOKEN_REJECTIONS, type AccessTokenRejectedError, type AccessTokenSigner } from './access-tokens.js';
import type { ApiClientStore } from './api-client-store.js';
import type { RateLimiter } from './rate-limiter.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated API client (the access token's subject). */
    apiClientId?: string;
  }
}

export interface BearerAuthenticationOptions {
  readonly signer: AccessTokenSigner;
  readonly clients: Pick<ApiClientStore, 'find'>;
  /** Per-client limits; absent where the routes limit their clients themselves (the Gentrack gateway). */
  readonly limiter?: RateLimiter;
}

export function bearerAuthentication(options: BearerAuthenticationOptions) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="gentrack-relay"').send({
        errorCode: 'UNAUTHORIZED',
        message: 'an access token is required: Authorization: Bearer <token from POST /oauth/token>',
      });
    }
    let clientId: string;
    try {
      clientId = options.signer.verify(match[1]!).sub;
    } catch (error) {
      if (!hasCode<AccessTokenRejectedError>(error, ...ACCESS_TOKEN_REJECTIONS)) throw error;
      return reply
        .code(401)
        .header(
          'www-authenticate',
          `Bearer realm="gentrack-relay", error="invalid_token", error_description="${error.message}"`,
        )
        .send({ errorCode: error.code, message: error.message });
    }
    if (options.clients.find(clientId)?.status !== 'active') {
      const message = 'the access token belongs to a revoked API client; create a new credential';
      return reply
        .code(401)
        .header(
          'www-authenticate',
          `Bearer realm="gentrack-relay", error="invalid_token", error_description="${message}"`,
        )
        .send({ errorCode: 'CLIENT_REVOKED', message });
    }
    const decision = options.limiter?.take(`api:${clientId}`) ?? { allowed: true };
    if (!decision.allowed) {
      return reply
        .code(429)
        .header('retry-after', String(decision.retryAfterSeconds))
        .send({
          errorCode: 'TOO_MANY_REQUESTS',
          message: `rate limit exceeded; retry after ${decision.retryAfterSeconds} s`,
        });
    }
    request.apiClientId = clientId;
    return undefined;
  };
}
