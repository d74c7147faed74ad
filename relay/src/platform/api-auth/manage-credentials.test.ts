import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'jsforce';
import { resolveRelayConfig } from '../config/relay-config.js';
import { ApiClientStore } from './api-client-store.js';
import { openRelayDatabase } from '../db/relay-database.js';
import { verifyClientSecret } from './client-secrets.js';
import { manageCredentials } from './manage-credentials.js';

function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'credentials-'));
  const config = resolveRelayConfig({
    env: {},
    text: JSON.stringify({
      tenantId: 'tenant-a',
      salesforce: { loginUrl: 'https://example.my.salesforce.com', auth: 'client_credentials', clientId: 'c' },
      gentrack: { baseUrl: 'https://api.example.com/v1', clientId: 'g' },
      store: { path: path.join(dir, 'relay.db') },
    }),
  });
  const requests: { method: string; url: string; body?: string }[] = [];
  let failWith: Error | undefined;
  const connection = {
    request: async (request: { method: string; url: string; body?: string }) => {
      requests.push(request);
      if (failWith) throw failWith;
      return {};
    },
  } as unknown as Connection;
  const lines: string[] = [];
  return {
    config,
    requests,
    lines,
    fail: (error: Error) => (failWith = error),
    run: (action: 'create' | 'rotate' | 'revoke', push = true) =>
      manageCredentials(action, {
        config,
        print: (line) => lines.push(line),
        ...(push ? { salesforce: async () => connection } : {}),
      }).then((outcome) => outcome.exitCode),
    clients: () => new ApiClientStore(openRelayDatabase(config.store.path)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

test('create stores only the hash, prints the secret once and PUTs it into the External Credential principal', async () => {
  const s = setup();
  assert.equal(await s.run('create'), 0);
  const secret = /^Client secret: (\S+)$/m.exec(s.lines.join('\n'))![1]!;
  const client = s.clients().active()!;
  assert.ok(await verifyClientSecret(secret, client.secretHash!), 'the stored hash matches the printed secret');
  assert.equal(s.lines.filter((line) => line.includes(secret)).length, 1, 'printed once');
  assert.equal(s.requests[0]?.method, 'PUT');
  assert.equal(s.requests[0]?.url, '/services/data/v62.0/named-credentials/credential');
  assert.deepEqual(JSON.parse(s.requests[0]!.body!), {
    externalCredential: 'Gentrack_Relay',
    principalName: 'Gentrack_Relay_Client',
    principalType: 'NamedPrincipal',
    authenticationProtocol: 'OAuth',
    authenticationProtocolVariant: 'ClientCredentialsClientSecret',
    credentials: {
      clientId: { value: client.clientId, encrypted: false },
      clientSecret: { value: secret, encrypted: true },
    },
  });
  s.cleanup();
});

test('a principal without credentials is created with POST; a failed push still rotates, shows the secret and says what to do', async () => {
  const s = setup();
  s.fail(Object.assign(new Error('No credentials exist'), { errorCode: 'NOT_FOUND' }));
  assert.equal(await s.run('create'), 1, 'POST failed as well');
  assert.deepEqual(
    s.requests.map((r) => r.method),
    ['PUT', 'POST'],
  );

  s.fail(Object.assign(new Error('Insufficient access'), { errorCode: 'INSUFFICIENT_ACCESS' }));
  s.lines.length = 0;
  const before = s.clients().active()!;
  assert.equal(await s.run('rotate'), 1);
  assert.notEqual(
    s.clients().active()!.secretHash,
    before.secretHash,
    'the relay rotated anyway: a leaked secret must stop working',
  );
  const output = s.lines.join('\n');
  assert.match(output, /^Client secret: \S+$/m);
  assert.match(
    output,
    /Salesforce could not be updated: Salesforce refused the credentials of External Credential Gentrack_Relay, principal Gentrack_Relay_Client: INSUFFICIENT_ACCESS: Insufficient access/,
  );
  assert.match(
    output,
    /Enter the client id and secret above in Setup > Named Credentials > External Credentials > Gentrack_Relay > Principals > Gentrack_Relay_Client > Edit/,
  );
  s.cleanup();
});

test("revoke leaves no hash and deletes the principal's credentials; --no-push touches only the relay", async () => {
  const s = setup();
  assert.equal(await s.run('create', false), 0);
  assert.equal(s.requests.length, 0);
  assert.match(s.lines.join('\n'), /Not pushed to Salesforce \(--no-push\)/);
  assert.equal(await s.run('revoke'), 0);
  assert.equal(s.clients().active(), undefined);
  assert.equal(s.requests[0]?.method, 'DELETE');
  assert.equal(
    s.requests[0]?.url,
    '/services/data/v62.0/named-credentials/credential?externalCredential=Gentrack_Relay&principalName=Gentrack_Relay_Client&principalType=NamedPrincipal',
  );
  await assert.rejects(s.run('rotate'), /there is no active API client: create one/);
  s.cleanup();
});
