/**
 * For the relay configuration's tests: the documented example, the smallest valid environment, and the problems a
 * refused configuration is reported with.
 */
import assert from 'node:assert/strict';
import { RelayConfigError } from './relay-config.js';

/** config/relay.example.yaml. */
export const EXAMPLE_FILE = new URL('../../../../config/relay.example.yaml', import.meta.url);

/** The smallest valid configuration, all in the environment. */
export const REQUIRED_ENV = {
  GENTRACK_RELAY_TENANT_ID: 'tenant-1',
  GENTRACK_RELAY_SALESFORCE_AUTH: 'client_credentials',
  GENTRACK_RELAY_SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com',
  GENTRACK_RELAY_SALESFORCE_CLIENT_ID: 'sf-client',
  GENTRACK_RELAY_GENTRACK_BASE_URL: 'https://api.crm.pool1.gentrack.cloud/v1',
  GENTRACK_RELAY_GENTRACK_CLIENT_ID: 'gt-client',
};

/** The problems `run` is refused with; fails the test when it succeeds or fails some other way. */
export function problemsOf(run: () => unknown): RelayConfigError['problems'] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof RelayConfigError, `expected a RelayConfigError, got ${String(error)}`);
    assert.equal(error.code, 'INVALID_RELAY_CONFIG');
    return error.problems;
  }
  assert.fail('the configuration was accepted');
}
