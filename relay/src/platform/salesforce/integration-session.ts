/**
 * The integration user's Salesforce session built from the relay's configuration and secrets: the relay service's own,
 * and that of the commands that work on the org outside it (validate-org, initial-sync, credentials --push), so all
 * use the same user, the same OAuth flow and the same renewal.
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
