/**
 * The Connect REST API's credential resource on the sandbox org: External Credentials come from force-app; a
 * principal's credentials are created, replaced, read (secrets masked) and deleted as Salesforce does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PROJECT_ROOT } from '../../model/project-root.js';
import { createSandboxOrg } from './org/sandbox-org.js';
import { buildSalesforceServer } from './rest/server.js';

const URL_V62 = '/services/data/v62.0/named-credentials/credential';
const body = (clientSecret?: string) => ({
  externalCredential: 'Gentrack_Relay',
  principalName: 'Gentrack_Relay_Client',
  principalType: 'NamedPrincipal',
  authenticationProtocol: 'OAuth',
  authenticationProtocolVariant: 'ClientCredentialsClientSecret',
  credentials: {
    clientId: { value: 'grc_1', encrypted: false },
    ...(clientSecret === undefined ? {} : { clientSecret: { value: clientSecret, encrypted: true } }),
  },
});

function setup() {
  const org = createSandboxOrg({ forceAppDir: path.join(PROJECT_ROOT, 'force-app') });
  const app = buildSalesforceServer(org);
  const authorization = `Bearer ${org.sessions.issue(org.users.integration.id)}`;
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', payload?: unknown, url = URL_V62) =>
    app.inject({ method, url, headers: { authorization }, ...(payload ? { payload: payload as object } : {}) });
  return { org, call };
}

test('the generated External Credential is known with its OAuth variant, token URL and principal, and the Named Credential with its URL', () => {
  const { org } = setup();
  assert.deepEqual(org.namedCredentials.externalCredentials, [
    {
      name: 'Gentrack_Relay',
      label: 'Gentrack Relay',
      authenticationProtocol: 'OAuth',
      authenticationProtocolVariant: 'ClientCredentialsClientSecret',
      parameters: [
        {
          parameterName: 'Oauth',
          parameterType: 'AuthProtocolVariant',
          parameterValue: 'ClientCredentialsClientSecret',
        },
        {
          parameterName: 'AuthProviderUrl',
          parameterType: 'AuthProviderUrl',
          parameterValue: 'https://relay.example.com/oauth/token',
        },
      ],
      principals: [{ name: 'Gentrack_Relay_Client', type: 'NamedPrincipal' }],
    },
  ]);
  const target = org.namedCredentials.calloutTarget('gentrack_relay');
  assert.equal(target?.name, 'Gentrack_Relay', 'callout names are case-insensitive');
  assert.equal(target?.calloutUrl, 'https://relay.example.com/v1');
  assert.equal(target?.externalCredential, 'Gentrack_Relay');
  org.namedCredentials.pointAt('Gentrack_Relay', 'http://127.0.0.1:8788/v1', 'http://127.0.0.1:8788/oauth/token');
  assert.equal(org.namedCredentials.calloutTarget('Gentrack_Relay')?.calloutUrl, 'http://127.0.0.1:8788/v1');
  assert.equal(
    org.namedCredentials.namedCredential('Gentrack_Relay').calloutUrl,
    'http://127.0.0.1:8788/v1',
    'Setup and the Connect API see the URL a callout uses',
  );
  assert.equal(org.namedCredentials.calloutCredential('Gentrack_Relay')?.tokenUrl, 'http://127.0.0.1:8788/oauth/token');
  assert.throws(() => org.namedCredentials.pointAt('Nope', 'http://x'), /no Named Credential Nope/);
});

test('POST creates, PUT replaces, GET masks the secret, DELETE removes; each refuses what Salesforce refuses', async () => {
  const { org, call } = setup();
  assert.equal((await call('PUT', body('s1'))).statusCode, 404, 'PUT replaces existing credentials only');

  const created = await call('POST', body('s1'));
  assert.equal(created.statusCode, 201, created.body);
  assert.deepEqual(created.json().credentials, {
    clientId: { value: 'grc_1', encrypted: false },
    clientSecret: { value: null, encrypted: true },
  });
  assert.equal(created.json().authenticationStatus, 'Configured');
  assert.equal((await call('POST', body('s1'))).statusCode, 400, 'already there');

  const replaced = await call('PUT', body('s2'));
  assert.equal(replaced.statusCode, 200, replaced.body);
  assert.equal(
    org.namedCredentials.credential('Gentrack_Relay', 'Gentrack_Relay_Client')?.values.clientSecret?.value,
    's2',
  );
  assert.equal(
    org.namedCredentials.credential('Gentrack_Relay', 'Gentrack_Relay_Client')?.setBy,
    org.users.integration.username,
  );

  const query = '?externalCredential=Gentrack_Relay&principalName=Gentrack_Relay_Client&principalType=NamedPrincipal';
  const read = await call('GET', undefined, `${URL_V62}${query}`);
  assert.equal(read.statusCode, 200);
  assert.ok(!read.body.includes('s2'), 'an encrypted value is never given back');

  const missingSecret = await call('PUT', body());
  assert.equal(missingSecret.statusCode, 400);
  assert.match(missingSecret.json()[0].message, /ClientCredentialsClientSecret credentials need clientSecret/);
  assert.equal((await call('PUT', { ...body('s3'), externalCredential: 'Nope' })).statusCode, 404);
  assert.equal((await call('PUT', { ...body('s3'), principalName: 'Other' })).statusCode, 404);
  assert.equal((await call('PUT', { ...body('s3'), authenticationProtocol: 'AwsSv4' })).statusCode, 400);
  assert.equal(
    (await call('PUT', body('s3'), '/services/data/v55.0/named-credentials/credential')).statusCode,
    404,
    'Connect API 56.0+',
  );

  assert.equal((await call('DELETE', undefined, `${URL_V62}${query}`)).statusCode, 204);
  assert.equal(org.namedCredentials.credential('Gentrack_Relay', 'Gentrack_Relay_Client'), undefined);
  assert.equal((await call('DELETE', undefined, `${URL_V62}${query}`)).statusCode, 404);
  assert.deepEqual(
    org.namedCredentials.history().map((change) => change.action),
    ['created', 'replaced', 'deleted'],
  );
});
