import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { loadRelayConfig } from './relay-config.js';
import { loadNamedSecret, loadRelaySecrets, RelaySecretsError } from './relay-secrets.js';
import { Secret } from './secret.js';

const CLIENT_CREDENTIALS = loadRelayConfig({
  env: {
    GENTRACK_RELAY_TENANT_ID: 't',
    GENTRACK_RELAY_SALESFORCE_AUTH: 'client_credentials',
    GENTRACK_RELAY_SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com',
    GENTRACK_RELAY_SALESFORCE_CLIENT_ID: 'c',
    GENTRACK_RELAY_GENTRACK_BASE_URL: 'https://api.crm.pool1.gentrack.cloud/v1',
    GENTRACK_RELAY_GENTRACK_CLIENT_ID: 'g',
  },
});
const PASSWORD_FLOW = {
  ...CLIENT_CREDENTIALS,
  salesforce: { ...CLIENT_CREDENTIALS.salesforce, auth: 'password' as const, username: 'integration@example.com' },
};

const SF_SECRET = 'sf-secret-9f8e7d';
const GT_SECRET = 'gt-secret-1a2b3c';
const PASSWORD = 'hunter2-p4ssw0rd';

function secretsFile(text: string, mode: number): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'relay-secrets-')), 'secrets.env');
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

function errorOf(run: () => unknown): RelaySecretsError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof RelaySecretsError, `expected a RelaySecretsError, got ${String(error)}`);
    return error;
  }
  assert.fail('the secrets were accepted');
}

test('secrets come from the environment', () => {
  const secrets = loadRelaySecrets({
    config: CLIENT_CREDENTIALS,
    env: { SALESFORCE_CLIENT_SECRET: SF_SECRET, GENTRACK_CLIENT_SECRET: `${GT_SECRET}\n` },
  });
  assert.equal(secrets.salesforceClientSecret.reveal(), SF_SECRET);
  assert.equal(secrets.gentrackClientSecret.reveal(), GT_SECRET, 'a trailing newline is not part of a secret');
  assert.equal(secrets.salesforcePassword, undefined);
});

test('secrets come from a 0600 file (KEY=VALUE or JSON), and the environment wins over it', () => {
  const file = secretsFile(
    `# relay secrets\nSALESFORCE_CLIENT_SECRET=${SF_SECRET}\nexport GENTRACK_CLIENT_SECRET="from-file"\n\nSALESFORCE_PASSWORD='${PASSWORD}'\n`,
    0o600,
  );
  const secrets = loadRelaySecrets({
    config: PASSWORD_FLOW,
    env: { GENTRACK_RELAY_SECRETS_FILE: file, GENTRACK_CLIENT_SECRET: GT_SECRET },
  });
  assert.equal(secrets.salesforceClientSecret.reveal(), SF_SECRET);
  assert.equal(secrets.salesforcePassword?.reveal(), PASSWORD);
  assert.equal(secrets.gentrackClientSecret.reveal(), GT_SECRET);

  const json = secretsFile(
    JSON.stringify({ SALESFORCE_CLIENT_SECRET: SF_SECRET, GENTRACK_CLIENT_SECRET: GT_SECRET }),
    0o400,
  );
  assert.equal(
    loadRelaySecrets({ config: CLIENT_CREDENTIALS, env: {}, file: json }).gentrackClientSecret.reveal(),
    GT_SECRET,
  );
});

test('a secrets file others can read is refused, with the chmod that fixes it', () => {
  const file = secretsFile(`SALESFORCE_CLIENT_SECRET=${SF_SECRET}\nGENTRACK_CLIENT_SECRET=${GT_SECRET}\n`, 0o644);
  const error = errorOf(() => loadRelaySecrets({ config: CLIENT_CREDENTIALS, env: {}, file }));
  assert.equal(error.code, 'RELAY_SECRETS_FILE_UNSAFE');
  assert.match(error.message, /mode 644/);
  assert.ok(error.message.endsWith(`chmod 600 ${file}`), error.message);
  assert.ok(!error.message.includes(SF_SECRET));

  const directory = path.dirname(file);
  assert.equal(
    errorOf(() => loadRelaySecrets({ config: CLIENT_CREDENTIALS, env: {}, file: directory })).code,
    'RELAY_SECRETS_FILE_UNSAFE',
  );
});

test('required secrets depend on the config, and every problem is listed without any value', () => {
  const file = secretsFile(
    `SALESFORCE_CLIENT_SECRET=${SF_SECRET}\n${PASSWORD}\nSALESFORCE_PASWORD=${PASSWORD}\nSALESFORCE_CLIENT_SECRET=again\n`,
    0o600,
  );
  const error = errorOf(() => loadRelaySecrets({ config: PASSWORD_FLOW, env: {}, file }));
  assert.equal(error.code, 'INVALID_RELAY_SECRETS');
  assert.equal(error.problems.length, 5);
  assert.match(error.message, new RegExp(`${file}:2: expected KEY=VALUE`));
  assert.match(error.message, /SALESFORCE_PASWORD is not a relay secret/);
  assert.match(error.message, /:4: SALESFORCE_CLIENT_SECRET is already set on line 1/);
  assert.match(error.message, /SALESFORCE_PASSWORD .* is required because salesforce.auth is "password"/);
  assert.match(error.message, /GENTRACK_CLIENT_SECRET .* is required because the relay always needs it/);
  for (const value of [SF_SECRET, PASSWORD, 'again'])
    assert.ok(!error.message.includes(value), `${value} leaked into the error`);

  const broken = secretsFile(`{"SALESFORCE_CLIENT_SECRET": "${SF_SECRET}",`, 0o600);
  const jsonError = errorOf(() => loadRelaySecrets({ config: CLIENT_CREDENTIALS, env: {}, file: broken }));
  assert.ok(!jsonError.message.includes(SF_SECRET), 'JSON parse errors quote the text; they must not be passed on');
});

test("the portal's OpenID Connect secret, under the name portal.oidc.clientSecretEnv gives, comes from either place", () => {
  const OIDC = 'oidc-secret-5e6f7a';
  const withOidc = (clientSecretEnv: string) =>
    ({
      ...CLIENT_CREDENTIALS,
      portal: { oidc: { clientSecretEnv } },
    }) as unknown as typeof CLIENT_CREDENTIALS;
  const file = secretsFile(
    `SALESFORCE_CLIENT_SECRET=${SF_SECRET}\nGENTRACK_CLIENT_SECRET=${GT_SECRET}\nSSO_SECRET=${OIDC}\n`,
    0o600,
  );
  assert.equal(loadNamedSecret('SSO_SECRET', { env: { GENTRACK_RELAY_SECRETS_FILE: file } })?.reveal(), OIDC);
  assert.equal(loadNamedSecret('SSO_SECRET', { env: { SSO_SECRET: 'from-env' }, file })?.reveal(), 'from-env');
  assert.equal(loadNamedSecret('SSO_SECRET', { env: {} }), undefined, 'no file, no variable');
  // Asked under another name, the file's entry is one the relay does not know: refused as the relay's start would.
  assert.match(
    errorOf(() => loadNamedSecret('OTHER_NAME', { env: {}, file })).message,
    /SSO_SECRET is not a relay secret/,
  );
  const shared = secretsFile(`SSO_SECRET=${OIDC}\n`, 0o644);
  assert.equal(
    errorOf(() => loadNamedSecret('SSO_SECRET', { env: {}, file: shared })).code,
    'RELAY_SECRETS_FILE_UNSAFE',
  );

  // The relay's own secrets read the same file: its name is known when the configuration names it, and only then.
  assert.equal(
    loadRelaySecrets({ config: withOidc('SSO_SECRET'), env: {}, file }).gentrackClientSecret.reveal(),
    GT_SECRET,
  );
  const unknown = errorOf(() => loadRelaySecrets({ config: CLIENT_CREDENTIALS, env: {}, file }));
  assert.match(unknown.message, /SSO_SECRET is not a relay secret/);
  assert.ok(!unknown.message.includes(OIDC));
});

test('a proxy user needs its password; the TLS key passphrase is optional', () => {
  const withProxyUser = {
    ...CLIENT_CREDENTIALS,
    gentrack: { ...CLIENT_CREDENTIALS.gentrack, proxy: { url: 'http://proxy:3128', username: 'relay' } },
  };
  const env = { SALESFORCE_CLIENT_SECRET: SF_SECRET, GENTRACK_CLIENT_SECRET: GT_SECRET };
  const error = errorOf(() => loadRelaySecrets({ config: withProxyUser, env }));
  assert.match(error.message, /GENTRACK_PROXY_PASSWORD .* is required because gentrack.proxy.username is set/);
  const secrets = loadRelaySecrets({
    config: withProxyUser,
    env: { ...env, GENTRACK_PROXY_PASSWORD: PASSWORD, GENTRACK_TLS_KEY_PASSPHRASE: 'pass phrase' },
  });
  assert.equal(secrets.gentrackProxyPassword?.reveal(), PASSWORD);
  assert.equal(secrets.gentrackTlsKeyPassphrase?.reveal(), 'pass phrase');
  assert.equal(loadRelaySecrets({ config: CLIENT_CREDENTIALS, env }).gentrackProxyPassword, undefined);
});

test('secrets never show in util.inspect, JSON, string conversion or template literals', () => {
  const secrets = loadRelaySecrets({
    config: CLIENT_CREDENTIALS,
    env: { SALESFORCE_CLIENT_SECRET: SF_SECRET, GENTRACK_CLIENT_SECRET: GT_SECRET },
  });
  const renderings = [
    inspect(secrets, { showHidden: true, depth: 10 }),
    inspect(secrets.salesforceClientSecret, { showHidden: true }),
    JSON.stringify(secrets),
    JSON.stringify({ nested: { secrets } }),
    String(secrets.gentrackClientSecret),
    `${secrets.gentrackClientSecret}`,
    Object.keys(secrets.gentrackClientSecret).join(),
  ];
  for (const text of renderings) {
    assert.ok(!text.includes(SF_SECRET) && !text.includes(GT_SECRET), `leaked in ${text}`);
  }
  assert.equal(JSON.stringify(secrets.salesforceClientSecret), '"[redacted]"');
  assert.equal(inspect(new Secret('x')), '[redacted]');
  assert.match(inspect(secrets), /salesforceClientSecret: \[redacted\]/);
});
