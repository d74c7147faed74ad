/**
 * The portal as an OpenID Connect relying party, through openid-client: the authorization code flow with PKCE,
 * `state` and `nonce`; the ID token's signature, issuer, audience, expiry and nonce are checked by the library. The
 * provider's metadata is discovered on first use and kept; a provider that cannot be reached is asked again at the
 * next sign-in, so the relay starts (and local accounts work) while it is down.
 */
import * as oidc from 'openid-client';
import type { PortalOidcConfig } from '../../platform/config/portal-oidc-config-schema.js';
import { RELAY_SECRETS_FILE_ENV } from '../../platform/config/relay-config-env.js';
import { loadNamedSecret } from '../../platform/config/relay-secrets.js';
import type { Secret } from '../../platform/config/secret.js';
import { RelayError } from '../../platform/errors.js';
import { claimValues, type Claims } from './oidc-identity.js';

export type PortalOidcErrorCode =
  /** The configuration names a secret variable that is not set. */
  | 'PORTAL_OIDC_NO_SECRET'
  /** The provider's discovery document could not be read. */
  | 'PORTAL_OIDC_UNREACHABLE'
  /** The answer that came back was not a valid sign-in (state, code, ID token, or the provider's own error). */
  | 'PORTAL_OIDC_SIGN_IN_FAILED';

export class PortalOidcError extends RelayError {
  constructor(
    readonly code: PortalOidcErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PortalOidcError';
  }
}

/** What the portal keeps in the session between sending the browser to the provider and its return. */
export interface PendingOidcSignIn {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** Where to go after signing in (a path of this portal). */
  readonly next: string;
  readonly startedAt: number;
}

/** Seconds to wait for the provider's discovery, token and UserInfo endpoints. */
const PROVIDER_TIMEOUT_SECONDS = 10;

/**
 * The client secret, under the name `clientSecretEnv` gives, from the environment or the relay's secrets file; the
 * error says which name to set.
 */
export function oidcClientSecret(config: PortalOidcConfig, env: NodeJS.ProcessEnv): Secret {
  const secret = loadNamedSecret(config.clientSecretEnv, { env });
  if (!secret) {
    throw new PortalOidcError(
      'PORTAL_OIDC_NO_SECRET',
      `portal.oidc is configured but ${config.clientSecretEnv} is not set: set it in the environment or the secrets file (${RELAY_SECRETS_FILE_ENV}) to the client secret the provider issued for client ${config.clientId} (portal.oidc.clientSecretEnv gives it another name)`,
    );
  }
  return secret;
}

export class OidcRelyingParty {
  private discovered?: Promise<oidc.Configuration>;

  constructor(
    private readonly options: {
      readonly config: PortalOidcConfig;
      readonly clientSecret: Secret;
      /** The callback's absolute URL, as registered at the provider. */
      readonly redirectUri: () => string;
    },
  ) {}

  /** The provider's authorization URL to send the browser to, and what must come back with it. */
  async start(next: string, now: number): Promise<{ readonly url: URL; readonly pending: PendingOidcSignIn }> {
    const provider = await this.provider();
    const pending: PendingOidcSignIn = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
      next,
      startedAt: now,
    };
    const url = oidc.buildAuthorizationUrl(provider, {
      redirect_uri: this.options.redirectUri(),
      scope: this.options.config.scopes.join(' '),
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /**
   * Checks the provider's answer to the callback (`search`: its query string) and exchanges the code: the claims of
   * the validated ID token, with UserInfo's when the ID token lacks the role or the username claim.
   */
  async finish(search: string, pending: PendingOidcSignIn): Promise<Claims> {
    const provider = await this.provider();
    const callback = new URL(this.options.redirectUri());
    callback.search = search;
    try {
      const tokens = await oidc.authorizationCodeGrant(provider, callback, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      const { roleClaim, usernameClaim } = this.options.config;
      const complete = [roleClaim, usernameClaim].every((name) => claimValues(claims, name).length > 0);
      if (complete || !provider.serverMetadata().userinfo_endpoint) return claims;
      // Many providers put groups and e-mail in UserInfo only; its subject must be the ID token's.
      const userInfo = await oidc.fetchUserInfo(provider, tokens.access_token, claims.sub);
      return { ...userInfo, ...claims };
    } catch (error) {
      throw new PortalOidcError('PORTAL_OIDC_SIGN_IN_FAILED', describeFailure(error), { cause: error });
    }
  }

  private provider(): Promise<oidc.Configuration> {
    this.discovered ??= this.discover().catch((error: unknown) => {
      this.discovered = undefined;
      throw error;
    });
    return this.discovered;
  }

  private async discover(): Promise<oidc.Configuration> {
    const { config, clientSecret } = this.options;
    const issuer = new URL(config.issuer);
    const secret = clientSecret.reveal();
    const authentication =
      config.tokenAuthMethod === 'client_secret_post' ? oidc.ClientSecretPost(secret) : oidc.ClientSecretBasic(secret);
    try {
      return await oidc.discovery(issuer, config.clientId, undefined, authentication, {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        // The schema allows plain http only for a provider on this machine.
        ...(issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
      });
    } catch (error) {
      throw new PortalOidcError(
        'PORTAL_OIDC_UNREACHABLE',
        `the sign-in provider ${config.issuer} could not be asked for its settings: ${describeFailure(error)}`,
        { cause: error },
      );
    }
  }
}

/** What went wrong, in the library's words or the provider's OAuth error; never a token or the secret. */
function describeFailure(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    return `the provider answered ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  }
  const cause = (error as { cause?: unknown }).cause;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const causeMessage = cause instanceof Error && cause.message !== message ? `: ${cause.message}` : '';
  return `${typeof code === 'string' ? `${code} ` : ''}${message}${causeMessage}`;
}
