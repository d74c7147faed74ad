/**
 * `POST /oauth/token`: the OAuth 2.0 client credentials grant (RFC 6749 4.4) for the relay's registered API client.
 * Credentials come in the form body (Salesforce's "client secret in body" variant) or as HTTP Basic (its "Basic"
 * variant). The secret is checked against the stored scrypt hash of the CURRENT secret: after a rotation the old one
 * mints nothing, after a revocation no secret does. Tokens issued before a rotation stay valid until they expire (so a
 * rotation never breaks the integration); a revocation also ends them at once (bearer-authentication.ts).
 *
 * Failed attempts are limited per source address, not per claimed client id: anybody may claim Salesforce's client id,
 * and a limit keyed by it would let them lock Salesforce out. An attempt counts before the (deliberately slow) hash
 * check, so concurrent guesses count too, and is given back when it proves its client.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ApiClientStore } from './api-client-store.js';
import type { AccessTokenSigner } from './access-tokens.js';
import { unknownClientHash, verifyClientSecret } from './client-secrets.js';
import type { RateLimiter } from './rate-limiter.js';
import { hasCode, RelayError } from '../errors.js';

export const TOKEN_PATH = '/oauth/token';

export interface TokenEndpointOptions {
  readonly clients: Pick<ApiClientStore, 'find'>;
  readonly signer: AccessTokenSigner;
  /** Failed token requests per source address. */
  readonly failedAttempts: RateLimiter;
  readonly logger: Logger;
}

/** HTTP Basic credentials that are not form-encoded (a bad %-escape): the caller's mistake, answered 400. */
export class MalformedBasicCredentials extends RelayError {
  readonly code = 'MALFORMED_BASIC_CREDENTIALS';
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  if (status === 401) reply.header('www-authenticate', 'Basic realm="gentrack-relay"');
  return reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description });
}

/** client_id and client_secret from HTTP Basic or from the form; both at once is refused (RFC 6749 2.3.1). */
function clientCredentials(request: FastifyRequest): { clientId?: string; clientSecret?: string; both: boolean } {
  const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
    string,
    unknown
  >;
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
    clientId: formDecode(decoded.slice(0, colon)),
    clientSecret: formDecode(decoded.slice(colon + 1)),
    both: fromForm.clientSecret !== undefined,
  };
}

/** RFC 6749 2.3.1: Basic credentials are form-encoded first. A bad %-escape is the caller's error, not ours. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new MalformedBasicCredentials('the Basic credentials are not form-encoded correctly');
  }
}

export function registerTokenEndpoint(app: FastifyInstance, options: TokenEndpointOptions): void {
  app.post(TOKEN_PATH, async (request, reply) => {
    const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
      string,
      unknown
    >;
    if (form.grant_type !== 'client_credentials') {
      return oauthError(reply, 400, 'unsupported_grant_type', 'only grant_type=client_credentials is supported');
    }
    let credentials: ReturnType<typeof clientCredentials>;
    try {
      credentials = clientCredentials(request);
    } catch (error) {
      if (!hasCode<MalformedBasicCredentials>(error, 'MALFORMED_BASIC_CREDENTIALS')) throw error;
      return oauthError(
        reply,
        400,
        'invalid_request',
        'the Basic credentials are not form-encoded correctly (a bad %-escape)',
      );
    }
    const { clientId, clientSecret, both } = credentials;
    if (both)
      return oauthError(
        reply,
        400,
        'invalid_request',
        'send the client credentials either as HTTP Basic or in the body, not both',
      );
    if (!clientId || !clientSecret)
      return oauthError(reply, 401, 'invalid_client', 'client_id and client_secret are required');

    const source = `token-failures:${request.ip}`;
    const decision = options.failedAttempts.take(source);
    if (!decision.allowed) {
      reply.header('retry-after', String(decision.retryAfterSeconds));
      return oauthError(
        reply,
        429,
        'slow_down',
        `too many failed token requests from ${request.ip}; retry after ${decision.retryAfterSeconds} s`,
      );
    }

    const client = options.clients.find(clientId);
    const activeHash = client?.status === 'active' ? client.secretHash : undefined;
    // The same scrypt work whether or not the client exists (see unknownClientHash).
    const secretMatches = await verifyClientSecret(clientSecret, activeHash ?? (await unknownClientHash()));
    if (activeHash === undefined || !secretMatches) {
      // One answer for an unknown client, a wrong, rotated-out or revoked secret: the caller learns nothing more.
      options.logger.warn(
        { clientId: clientId.slice(0, 64), sourceAddress: request.ip, revoked: client?.status === 'revoked' },
        'token request refused: invalid client credentials',
      );
      return oauthError(reply, 401, 'invalid_client', 'client authentication failed');
    }
    options.failedAttempts.refund(source);
    const { token, expiresIn } = options.signer.issue(clientId);
    return reply
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .send({ access_token: token, token_type: 'Bearer', expires_in: expiresIn });
  });
}
