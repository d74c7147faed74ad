/**
 * The org-setup APIs of the sandbox org through jsforce, including their refusals: Metadata API settings
 * (readMetadata/updateMetadata), PermissionSetAssignment over REST, and the Connect REST Named and External
 * Credential definitions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import jsforce from 'jsforce';
import { PROJECT_ROOT } from '../../model/project-root.js';
import { startSalesforceSandbox, type RunningSalesforceSandbox } from './index.js';

async function adminConnection(sandbox: RunningSalesforceSandbox, version = '62.0') {
  const connection = new jsforce.Connection({ loginUrl: sandbox.loginUrl, version });
  const { username, password, securityToken } = sandbox.org.credentials.admin;
  await connection.login(username, password + securityToken);
  return connection;
}

test('Metadata API: settings read and update, unknown types and turning a feature off refused', async (t) => {
  const sandbox = await startSalesforceSandbox({ forceAppDir: false, features: { quotes: false } });
  t.after(() => sandbox.close());
  const connection = await adminConnection(sandbox);
  const read = async () =>
    (await connection.metadata.read('QuoteSettings', 'Quote')) as unknown as Record<string, unknown>;
  assert.deepEqual(await read(), { fullName: 'Quote', enableQuote: false });
  await assert.rejects(connection.describe('Quote'), /NOT_FOUND|does not exist/);

  const saved = await connection.metadata.update('QuoteSettings', { fullName: 'Quote', enableQuote: true } as never);
  assert.equal(String((saved as unknown as { success: unknown }).success), 'true');
  assert.deepEqual(await read(), { fullName: 'Quote', enableQuote: true });
  assert.equal((await connection.describe('Quote')).name, 'Quote');

  const off = (await connection.metadata.update('AccountSettings', {
    fullName: 'Account',
    enableRelateContactToMultipleAccounts: false,
  } as never)) as unknown as { success: unknown; errors: { statusCode: string } | { statusCode: string }[] };
  assert.equal(String(off.success), 'false');
  assert.equal([off.errors].flat()[0]?.statusCode, 'FIELD_INTEGRITY_EXCEPTION');
  await assert.rejects(connection.metadata.read('CaseSettings', 'Case'), /INVALID_TYPE/);
  assert.deepEqual(sandbox.org.settings.history(), [{ type: 'QuoteSettings', field: 'enableQuote', value: true }]);
});

test('PermissionSetAssignment: an insert grants the permission set, a second one is a duplicate', async (t) => {
  const sandbox = await startSalesforceSandbox({
    forceAppDir: path.join(PROJECT_ROOT, 'force-app'),
    integration: { permissionSets: [] },
  });
  t.after(() => sandbox.close());
  const { org } = sandbox;
  const connection = await adminConnection(sandbox);
  const setId = (
    await connection.query<{ Id: string }>("SELECT Id FROM PermissionSet WHERE Name = 'Gentrack_Integration_User'")
  ).records[0]!.Id;
  const assignment = { AssigneeId: org.users.integration.id, PermissionSetId: setId };
  assert.equal(org.users.integration.hasCustomPermission('Gentrack_Bypass_Publishing'), false);
  const created = await connection.sobject('PermissionSetAssignment').create(assignment);
  assert.equal(created.success, true);
  assert.equal(org.users.integration.hasCustomPermission('Gentrack_Bypass_Publishing'), true);
  await assert.rejects(
    connection.sobject('PermissionSetAssignment').create(assignment),
    /Duplicate PermissionSetAssignment/,
  );
  await assert.rejects(
    connection
      .sobject('PermissionSetAssignment')
      .create({ AssigneeId: org.users.admin.id, PermissionSetId: org.users.admin.id }),
    /Permission Set ID: id value of incorrect type/,
  );
  await connection.sobject('PermissionSetAssignment').destroy(created.id!);
  assert.equal(org.users.integration.hasPermissionSet('Gentrack_Integration_User'), false);
});

test('Connect REST: Named and External Credential definitions are read, replaced, and refused before 58.0', async (t) => {
  const sandbox = await startSalesforceSandbox({ forceAppDir: path.join(PROJECT_ROOT, 'force-app') });
  t.after(() => sandbox.close());
  const connection = await adminConnection(sandbox);
  const base = '/services/data/v62.0/named-credentials';
  const named = (await connection.request(`${base}/named-credential-setup/Gentrack_Relay`)) as Record<string, unknown>;
  assert.equal(named['calloutUrl'], 'https://relay.example.com/v1');
  assert.deepEqual(named['externalCredentials'], [{ developerName: 'Gentrack_Relay', masterLabel: 'Gentrack Relay' }]);
  const put = (url: string, body: unknown) =>
    connection.request({
      method: 'PUT',
      url,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  await assert.rejects(
    put(`${base}/named-credential-setup/Gentrack_Relay`, { calloutUrl: 'https://x.test' }),
    /Missing required input/,
  );
  await put(`${base}/named-credential-setup/Gentrack_Relay`, { ...named, calloutUrl: 'https://relay.acme.test/v1' });
  assert.equal(sandbox.org.namedCredentials.namedCredential('Gentrack_Relay').calloutUrl, 'https://relay.acme.test/v1');
  await assert.rejects(
    connection.request(`${base}/named-credential-setup/Nope`),
    /Named credential Nope does not exist/,
  );

  const external = (await connection.request(`${base}/external-credentials/Gentrack_Relay`)) as {
    principals: { principalName: string; authenticationStatus: string }[];
  };
  assert.deepEqual(
    external.principals.map((principal) => [principal.principalName, principal.authenticationStatus]),
    [['Gentrack_Relay_Client', 'NotConfigured']],
  );
  await assert.rejects(
    put(`${base}/external-credentials/Gentrack_Relay`, { ...external, authenticationProtocol: 'Custom' }),
    /does not match/,
  );
  const old = await adminConnection(sandbox, '57.0');
  await assert.rejects(
    old.request('/services/data/v57.0/named-credentials/named-credential-setup/Gentrack_Relay'),
    /NOT_FOUND|does not exist/,
  );
});
