/**
 * OAuth2 client-credentials access tokens for the Gentrack API (RFC 6749 §4.4). One token is shared by every call
 * and reused until shortly before it expires; concurrent callers that find no usable token wait for one shared
 * token request instead of each asking (no stampede at start-up or after expiry).
 *
 * The secret and the tokens are held in private fields so that logging or inspecting this object cannot show them.
 */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { GentrackCallFailure } from './gentrack-call-error.js';
import { failureFromTransportError, parseRetryAfter } from './failure-classification.js';
import { scopeParameter, scopesNotGranted } from './oauth-scopes.js';
import { RelayError } from '../errors.js';

export interface AccessTokenSourceOptions {
  tokenUrl: URL;
  clientId: string;
  clientSecret: string;
  /** 'basic' (default): HTTP Basic client authentication; 'body': client_id and client_secret form parameters. */
  clientAuthentication: 'basic' | 'body';
  /** OAuth2 scopes to ask for (the `scope` parameter); none: the parameter is left out, the client's defaults apply. */
  scopes?: readonly string[];
  /** Sends the token requests (a connection to the token URL's origin). */
  dispatcher: Dispatcher;
  /** The error behind a failed token request, when the dispatcher knows more than undici said. Default: itself. */
  transportErrorCause?: (error: unknown) => unknown;
  /** For the error message of a timeout. */
  responseTimeoutMs?: number;
  logger: Logger;
  /** Clock for expiry. Default Date.now. */
  now?: () => number;
}

/** Getting a token failed; the client turns this into a GentrackCallError naming the call that needed it. */
export class AccessTokenError extends RelayError {
  override readonly name = 'AccessTokenError';
  readonly code = 'GENTRACK_TOKEN_FAILED';
  constructor(readonly failure: GentrackCallFailure) {
    super(failure.gentrackMessage ?? failure.reason ?? failure.errorType, { cause: failure.cause });
  }
}

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  scope: z.string().optional(),
});

const oauthError = z.object({ error: z.string(), error_description: z.string().optional() });

/** Refresh this long before expiry, so a token never expires between our check and Gentrack's. */
const MAX_REFRESH_MARGIN_MS = 60_000;

function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs / 10);
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded. */
function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return 'Basic ' + Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64');
}

function describeOAuthError(text: string): string | undefined {
  try {
    const parsed = oauthError.safeParse(JSON.parse(text));
    if (!parsed.success) return undefined;
    const { error, error_description: description } = parsed.data;
    return description === undefined ? error : `${error}: ${description}`;
  } catch {
    return undefined;
  }
}

export class AccessTokenSource {
  readonly #origin: string;
  readonly #path: string;
  readonly #headers: Record<string, string>;
  readonly #body: string;
  readonly #dispatcher: Dispatcher;
  readonly #transportErrorCause: (error: unknown) => unknown;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #tokenUrl: string;
  readonly #responseTimeoutMs: number | undefined;
  readonly #scopes: readonly string[];
  #token: string | undefined;
  #refreshAt = 0;
  #pending: Promise<string> | undefined;

  constructor(options: AccessTokenSourceOptions) {
    this.#tokenUrl = options.tokenUrl.origin + options.tokenUrl.pathname;
    this.#origin = options.tokenUrl.origin;
    this.#path = options.tokenUrl.pathname + options.tokenUrl.search;
    this.#dispatcher = options.dispatcher;
    this.#transportErrorCause = options.transportErrorCause ?? ((error) => error);
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#responseTimeoutMs = options.responseTimeoutMs;
    this.#scopes = options.scopes ?? [];
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.#scopes.length > 0) form.set('scope', scopeParameter(this.#scopes));
    this.#headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (options.clientAuthentication === 'basic') {
      this.#headers.authorization = basicCredentials(options.clientId, options.clientSecret);
    } else {
      form.set('client_id', options.clientId);
      form.set('client_secret', options.clientSecret);
    }
    this.#body = form.toString();
  }

  /** The current token if it is still good: the hot path, no promise. */
  cached(): string | undefined {
    return this.#token !== undefined && this.#now() < this.#refreshAt ? this.#token : undefined;
  }

  /** A usable token, fetching one (shared by all concurrent callers) when needed. Rejects with AccessTokenError. */
  token(): Promise<string> {
    const cached = this.cached();
    if (cached !== undefined) return Promise.resolve(cached);
    if (this.#pending === undefined) {
      const pending = this.#fetch();
      this.#pending = pending;
      const settle = () => {
        if (this.#pending === pending) this.#pending = undefined;
      };
      pending.then(settle, settle);
    }
    return this.#pending;
  }

  /**
   * The API refused `rejected`: forget it, unless a newer token has replaced it already (then many calls failing
   * with the same old token cause one refresh, not one each).
   */
  invalidate(rejected: string): void {
    if (this.#token === rejected) {
      this.#token = undefined;
      this.#refreshAt = 0;
    }
  }

  async #fetch(): Promise<string> {
    const startedAt = this.#now();
    let status: number;
    let headers: Dispatcher.ResponseData['headers'];
    let text: string;
    try {
      const response = await this.#dispatcher.request({
        origin: this.#origin,
        method: 'POST',
        path: this.#path,
        headers: this.#headers,
        body: this.#body,
      });
      status = response.statusCode;
      headers = response.headers;
      text = await response.body.text();
    } catch (error) {
      throw this.#failed(failureFromTransportError(this.#transportErrorCause(error), 'token', this.#responseTimeoutMs));
    }

    if (status < 200 || status >= 300) {
      const said = describeOAuthError(text);
      // Every token failure stays retryable: it says nothing about the event being delivered, and an operator can
      // fix credentials or Gentrack can recover without the event being dead-lettered.
      throw this.#failed({
        stage: 'token',
        status,
        errorType:
          status === 400 || status === 401 || status === 403
            ? 'UNAUTHORIZED'
            : status >= 500
              ? 'SERVER_ERROR'
              : 'CLIENT_ERROR',
        retryable: true,
        retryAfterMs: parseRetryAfter(headers['retry-after'], this.#now()),
        gentrackMessage: said,
        reason: said === undefined ? `the token endpoint answered ${status}` : undefined,
      });
    }

    let answer: z.infer<typeof tokenAnswer>;
    try {
      answer = tokenAnswer.parse(JSON.parse(text));
    } catch {
      throw this.#failed({
        stage: 'token',
        status,
        errorType: 'SERVER_ERROR',
        retryable: true,
        reason: `the token endpoint answered ${status} without an access_token`,
      });
    }
    if (answer.token_type !== undefined && answer.token_type.toLowerCase() !== 'bearer') {
      throw this.#failed({
        stage: 'token',
        status,
        errorType: 'CLIENT_ERROR',
        retryable: true,
        reason: `the token endpoint issued a '${answer.token_type}' token; only Bearer is supported`,
      });
    }

    // Without expires_in the token is kept until the API refuses it (then it is refreshed once).
    const lifetimeMs = answer.expires_in === undefined ? Infinity : answer.expires_in * 1000;
    this.#token = answer.access_token;
    this.#refreshAt = startedAt + lifetimeMs - refreshMarginMs(lifetimeMs);
    this.#logger.info(
      { tokenUrl: this.#tokenUrl, expiresInSeconds: answer.expires_in, scope: answer.scope },
      'obtained a Gentrack access token',
    );
    const missing = scopesNotGranted(this.#scopes, answer.scope);
    if (missing.length > 0) {
      // Not a failure: the calls that need them will be refused (403) and name themselves.
      this.#logger.warn(
        { tokenUrl: this.#tokenUrl, requested: this.#scopes, granted: answer.scope, missing },
        `the Gentrack token endpoint did not grant every scope the relay asked for (missing: ${missing.join(' ')}); calls that need them will be refused`,
      );
    }
    return answer.access_token;
  }

  #failed(found: GentrackCallFailure): AccessTokenError {
    const failure = { ...found, tokenUrl: this.#tokenUrl };
    this.#logger.warn(
      {
        tokenUrl: this.#tokenUrl,
        status: failure.status,
        errorType: failure.errorType,
        reason: failure.gentrackMessage ?? failure.reason,
      },
      'Gentrack access token request failed',
    );
    return new AccessTokenError(failure);
  }
}
