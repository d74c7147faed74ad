/**
 * The relay's own OAuth2 access tokens for its API: compact JWTs signed with HMAC-SHA256 (node:crypto only), short
 * lived, and checked without any lookup here. A token stays valid until it expires after a rotation of its client's
 * secret; a revocation ends it at once (bearer-authentication.ts looks the client up).
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../config/secret.js';
import { RelayError } from '../errors.js';

export const TOKEN_ISSUER = 'gentrack-relay';
/** Shorter keys make HS256 guessable; RFC 7518 asks for at least the hash size. */
export const MIN_SIGNING_KEY_BYTES = 32;

export interface AccessTokenClaims {
  readonly iss: string;
  /** The API client the token was issued to. */
  readonly sub: string;
  /** The tenant (instance) the relay serves: a token of one relay is no good at another sharing the key. */
  readonly aud: string;
  /** Issued at / expires at, in Unix seconds. */
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
}

export const ACCESS_TOKEN_REJECTIONS = ['MALFORMED_TOKEN', 'BAD_SIGNATURE', 'TOKEN_EXPIRED', 'WRONG_AUDIENCE'] as const;
export type AccessTokenRejection = (typeof ACCESS_TOKEN_REJECTIONS)[number];

export class AccessTokenRejectedError extends RelayError {
  constructor(
    readonly code: AccessTokenRejection,
    message: string,
  ) {
    super(message);
    this.name = 'AccessTokenRejectedError';
  }
}

export class SigningKeyError extends RelayError {
  readonly code = 'API_SIGNING_KEY_TOO_SHORT';
}

export interface AccessTokenSignerOptions {
  /** HMAC key; at least MIN_SIGNING_KEY_BYTES bytes. */
  readonly key: Secret;
  /** The relay's tenantId, the `aud` of every token. */
  readonly audience: string;
  readonly ttlSeconds: number;
  /** Epoch milliseconds; tests move it to expire tokens. */
  readonly clock?: () => number;
}

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export class AccessTokenSigner {
  private readonly clock: () => number;

  constructor(private readonly options: AccessTokenSignerOptions) {
    if (Buffer.byteLength(options.key.reveal()) < MIN_SIGNING_KEY_BYTES) {
      throw new SigningKeyError(`the API token signing key must be at least ${MIN_SIGNING_KEY_BYTES} bytes long`);
    }
    this.clock = options.clock ?? Date.now;
  }

  issue(clientId: string): { token: string; expiresIn: number; claims: AccessTokenClaims } {
    const iat = Math.floor(this.clock() / 1000);
    const claims: AccessTokenClaims = {
      iss: TOKEN_ISSUER,
      sub: clientId,
      aud: this.options.audience,
      iat,
      exp: iat + this.options.ttlSeconds,
      jti: randomUUID(),
    };
    const unsigned = `${HEADER}.${base64url(JSON.stringify(claims))}`;
    return { token: `${unsigned}.${this.sign(unsigned)}`, expiresIn: this.options.ttlSeconds, claims };
  }

  /** The claims of a token this relay issued and that is still valid; AccessTokenRejectedError otherwise. */
  verify(token: string): AccessTokenClaims {
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) {
      throw new AccessTokenRejectedError('MALFORMED_TOKEN', 'the access token is not a JWT');
    }
    const [header, payload, signature] = parts as [string, string, string];
    // The header is compared whole: only HS256 tokens of this form are ours (no "alg": "none" games).
    if (header !== HEADER)
      throw new AccessTokenRejectedError('MALFORMED_TOKEN', 'the access token was not issued by this relay');
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new AccessTokenRejectedError('BAD_SIGNATURE', 'the access token signature is not valid');
    }
    let claims: Partial<AccessTokenClaims>;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<AccessTokenClaims>;
    } catch {
      throw new AccessTokenRejectedError('MALFORMED_TOKEN', 'the access token claims are not JSON');
    }
    if (claims.iss !== TOKEN_ISSUER || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') {
      throw new AccessTokenRejectedError('MALFORMED_TOKEN', 'the access token lacks its issuer, subject or expiry');
    }
    if (claims.aud !== this.options.audience) {
      throw new AccessTokenRejectedError('WRONG_AUDIENCE', 'the access token was issued for another tenant');
    }
    if (claims.exp * 1000 <= this.clock()) {
      throw new AccessTokenRejectedError(
        'TOKEN_EXPIRED',
        'the access token expired; request a new one at /oauth/token',
      );
    }
    return claims as AccessTokenClaims;
  }

  private sign(unsigned: string): string {
    return createHmac('sha256', this.options.key.reveal()).update(unsigned).digest('base64url');
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
