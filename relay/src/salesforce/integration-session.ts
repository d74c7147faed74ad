/**
 * The integration user's Salesforce session built from the relay's configuration and secrets, for the commands that
 * work on the org outside the relay service (validate-org, initial-sync): same user, same OAuth flow, same
 * renewal as the relay itself.
 */
import type { Logger } from 'pino';
import type { RelayConfig } from '../config/relay-config-schema.js';
import type { RelaySecrets } from '../config/relay-secrets.js';
import { SalesforceSession } from './salesforce-session.js';

export function integrationSession(config: RelayConfig, secrets: RelaySecrets, logger: Logger): SalesforceSession {
  return new SalesforceSession({
    loginUrl: config.salesforce.instanceUrl ?? config.salesforce.loginUrl,
    apiVersion: config.salesforce.apiVersion,
    auth: config.salesforce.auth,
    clientId: config.salesforce.clientId,
    clientSecret: secrets.salesforceClientSecret,
    ...(config.salesforce.username ? { username: config.salesforce.username } : {}),
    ...(secrets.salesforcePassword ? { password: secrets.salesforcePassword } : {}),
    ...(secrets.salesforceSecurityToken ? { securityToken: secrets.salesforceSecurityToken } : {}),
    logger,
  });
}
