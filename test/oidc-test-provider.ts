/**
 * A real OpenID Connect provider (oidc-provider) in this process on a loopback port, for the portal's single
 * sign-on tests: discovery, the authorization endpoint with its own login form (oidc-provider's development
 * interactions: any password, the login names the account), the token endpoint with PKCE, signed ID tokens and
 * UserInfo. Consent is taken as given, as a company's provider does for its own applications. Accounts and their
 * groups can be changed between sign-ins; the authorization code's lifetime can be shortened to test its expiry.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

const SECRET_VARIABLE = 'TEST_PORTAL_OIDC_CLIENT_SECRET';

export interface TestAccount {
  readonly email?: string;
  readonly emailVerified?: boolean;
  readonly groups?: readonly string[];
}

export interface OidcTestProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Who may sign in, by login name; a name not here signs in with no claims but `sub`. */
  readonly accounts: Map<string, TestAccount>;
  /** Registers the portal's client; the provider answers only after this. */
  registerClient(redirectUri: string): void;
  /** Seconds an authorization code is good for (60 by default). */
  codeLifetimeSeconds: number;
  /**
   * The portal's `oidc` section for this provider ("Acme SSO"; groups relay-admins, relay-operators and staff map to
   * admin, operator and viewer) and the environment holding its client secret.
   */
  portalSettings(): { oidc: Record<string, unknown>; env: NodeJS.ProcessEnv };
  close(): Promise<void>;
}

export async function startOidcTestProvider(): Promise<OidcTestProvider> {
  let provider: Provider | undefined;
  const server = createServer((request, response) => {
    if (provider) return provider.callback()(request, response);
    response.statusCode = 503;
    response.end('no client registered yet');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const accounts = new Map<string, TestAccount>();
  const handle: OidcTestProvider = {
    issuer,
    clientId: 'gentrack-relay-portal',
    clientSecret: randomBytes(24).toString('base64url'),
    accounts,
    codeLifetimeSeconds: 60,
    portalSettings: () => ({
      oidc: {
        issuer,
        name: 'Acme SSO',
        clientId: handle.clientId,
        clientSecretEnv: SECRET_VARIABLE,
        roles: { admin: ['relay-admins'], operator: ['relay-operators'], viewer: ['staff'] },
      },
      env: { [SECRET_VARIABLE]: handle.clientSecret },
    }),
    registerClient(redirectUri) {
      provider = new Provider(issuer, {
        clients: [
          {
            client_id: handle.clientId,
            client_secret: handle.clientSecret,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
        jwks: { keys: [{ ...signingKey, use: 'sig', kid: 'test-signing-key' }] },
        cookies: { keys: [randomBytes(32).toString('base64url')] },
        claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['groups'] },
        features: { devInteractions: { enabled: true } },
        pkce: { required: () => true },
        ttl: { AuthorizationCode: () => handle.codeLifetimeSeconds },
        findAccount: (_context, id) => {
          const account = accounts.get(id);
          return {
            accountId: id,
            claims: () => ({
              sub: id,
              ...(account?.email ? { email: account.email, email_verified: account.emailVerified ?? true } : {}),
              ...(account?.groups ? { groups: [...account.groups] } : {}),
            }),
          };
        },
        // The portal is the company's own application: no consent screen.
        loadExistingGrant: async (context) => {
          const grant = new provider!.Grant({
            clientId: context.oidc.client.clientId,
            accountId: context.oidc.session.accountId,
          });
          grant.addOIDCScope('openid email profile');
          await grant.save();
          return grant;
        },
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return handle;
}
