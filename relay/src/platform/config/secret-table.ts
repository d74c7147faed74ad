/**
 * Every secret the relay reads, in one table: its variable name (in the environment or the secrets file), the
 * property it is returned under, and when it is required. Adding a secret is adding a row; the logger redacts the
 * names listed here too.
 */
import type { RelayConfig } from './relay-config-schema.js';

export interface SecretSpec {
  readonly name: string;
  readonly key: string;
  readonly description: string;
  /** 'always', or a function returning why this config needs it (undefined when it does not). */
  readonly requiredBy: 'always' | ((config: RelayConfig) => string | undefined);
  /** Config keys someone might put it under by mistake; the config loader points them here instead. */
  readonly misplacedAt?: readonly string[];
}

export const RELAY_SECRET_SPECS = [
  {
    name: 'SALESFORCE_CLIENT_SECRET',
    key: 'salesforceClientSecret',
    description: 'Connected App consumer secret (both OAuth flows)',
    requiredBy: 'always',
    misplacedAt: ['salesforce.clientSecret'],
  },
  {
    name: 'SALESFORCE_PASSWORD',
    key: 'salesforcePassword',
    description: "the integration user's password (password flow)",
    requiredBy: (config) => (config.salesforce.auth === 'password' ? 'salesforce.auth is "password"' : undefined),
    misplacedAt: ['salesforce.password'],
  },
  {
    name: 'SALESFORCE_SECURITY_TOKEN',
    key: 'salesforceSecurityToken',
    description: "the integration user's security token, appended to the password unless the relay's IP is trusted",
    requiredBy: () => undefined,
    misplacedAt: ['salesforce.securityToken'],
  },
  {
    name: 'GENTRACK_CLIENT_SECRET',
    key: 'gentrackClientSecret',
    description: 'OAuth2 client secret for the Gentrack token URL',
    requiredBy: 'always',
    misplacedAt: ['gentrack.clientSecret'],
  },
  {
    name: 'GENTRACK_PROXY_PASSWORD',
    key: 'gentrackProxyPassword',
    description: 'the password of gentrack.proxy.username at the outbound proxy',
    requiredBy: (config) => (config.gentrack.proxy?.username ? 'gentrack.proxy.username is set' : undefined),
    misplacedAt: ['gentrack.proxy.password'],
  },
  {
    name: 'GENTRACK_TLS_KEY_PASSPHRASE',
    key: 'gentrackTlsKeyPassphrase',
    description: 'the passphrase of an encrypted gentrack.tls.keyFile',
    requiredBy: () => undefined,
    misplacedAt: ['gentrack.tls.passphrase', 'gentrack.tls.keyPassphrase'],
  },
  {
    name: 'RELAY_API_SIGNING_KEY',
    key: 'apiSigningKey',
    description:
      "HMAC key (at least 32 bytes) signing the access tokens of the relay's API; without it each start picks a random one, so tokens do not survive a restart",
    requiredBy: () => undefined,
    misplacedAt: ['api.signingKey'],
  },
  {
    name: 'SMTP_PASSWORD',
    key: 'smtpPassword',
    description: 'the password of email.smtp.user at the SMTP server',
    requiredBy: (config) => (config.email?.smtp.user ? 'email.smtp.user is set' : undefined),
    misplacedAt: ['email.smtp.password', 'email.password'],
  },
] as const satisfies readonly SecretSpec[];

export type RelaySecretSpec = (typeof RELAY_SECRET_SPECS)[number];
export type RelaySecretName = RelaySecretSpec['name'];
