/**
 * The Gentrack client on a utility's network: the tenant stand-in served over https with a certificate from a private
 * CA generated for the test, reached directly or through a real HTTP CONNECT proxy (the `proxy` package, in process)
 * that wants credentials, and in one tenant requiring a client certificate.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { startGentrackSandbox, type GentrackSandbox } from '../../../../sandbox/gentrack/index.js';
import { startAuthenticatingProxy, type AuthenticatingProxy } from '../../../../test/authenticating-proxy.js';
import { createPrivateCa, type PrivateCa } from '../../../../test/private-ca.js';
import { Secret } from '../config/secret.js';
import { GentrackCallError } from './gentrack-call-error.js';
import { createGentrackClient, type GentrackClient } from './gentrack-client.js';
import { gentrackNetworkFrom, type GentrackNetwork } from './gentrack-connections.js';

const PROXY_USER = 'gentrack-relay';
const PROXY_PASSWORD = 'proxy-pass-7Qe!';

let ca: PrivateCa;
let tenant: GentrackSandbox;
let mutualTlsTenant: GentrackSandbox;
let proxy: AuthenticatingProxy;
let proxyUrl: string;
/** The CONNECT requests the proxy accepted, as host:port. */
let tunnels: string[];
const clients: GentrackClient[] = [];

before(async () => {
  ca = createPrivateCa();
  const serverTls = { key: ca.server.key.pem, cert: ca.server.cert.pem };
  tenant = await startGentrackSandbox({ tls: serverTls });
  mutualTlsTenant = await startGentrackSandbox({ tls: { ...serverTls, ca: ca.ca.pem, requestCert: true } });
  proxy = await startAuthenticatingProxy(PROXY_USER, PROXY_PASSWORD);
  ({ url: proxyUrl, tunnels } = proxy);
});

afterEach(async () => {
  tunnels.length = 0;
  tenant.reset();
  mutualTlsTenant.reset();
  await Promise.all(clients.splice(0).map((client) => client.close({ abandonAfterMs: 100 })));
});

after(async () => {
  await proxy?.close();
  await Promise.all([tenant?.close(), mutualTlsTenant?.close()]);
  ca?.remove();
});

function client(target: GentrackSandbox, network: GentrackNetwork): GentrackClient {
  const created = createGentrackClient({
    baseUrl: target.baseUrl,
    tokenUrl: target.tokenUrl,
    clientId: target.clientId,
    clientSecret: target.clientSecret,
    connectTimeoutMs: 5_000,
    network,
  });
  clients.push(created);
  return created;
}

let sequence = 0;
function accountCreation(name: string) {
  sequence += 1;
  return {
    method: 'POST' as const,
    path: '/customer-sync',
    body: { account: { name } },
    headers: {
      transactionId: `network-${sequence}`,
      transactionDateTime: '2024-06-01T10:00:00.000+10:00',
      traceId: `trace-${sequence}`,
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<GentrackCallError> {
  const error = await promise.then(
    () => assert.fail('expected the call to fail'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof GentrackCallError, `expected a GentrackCallError, got ${String(error)}`);
  return error;
}

/** The network as the relay builds it from its configuration and secrets. */
function configured(options: { proxy?: boolean; password?: string; caFile?: boolean; clientKey?: string }) {
  return gentrackNetworkFrom(
    {
      ...(options.proxy ? { proxy: { url: proxyUrl, username: PROXY_USER } } : {}),
      tls: {
        ...(options.caFile ? { caFile: ca.ca.file } : {}),
        ...(options.clientKey ? { certFile: ca.client.cert.file, keyFile: options.clientKey } : {}),
      },
    },
    {
      gentrackProxyPassword: new Secret(options.password ?? PROXY_PASSWORD),
      gentrackTlsKeyPassphrase: new Secret(ca.client.passphrase),
    },
  );
}

describe('an https tenant with a private CA, through an HTTP CONNECT proxy', () => {
  test('trusting the CA, the token request and the call go through the proxy to the tenant', async () => {
    const response = await client(tenant, configured({ proxy: true, caFile: true })).send(accountCreation('Proxied'));
    assert.equal(response.status, 201);
    assert.match(tenant.baseUrl, /^https:\/\/127\.0\.0\.1:\d+\/v1$/);
    const target = new URL(tenant.baseUrl).host;
    // The token URL and the API are reached through tunnels of their own (two dispatchers), both to the tenant.
    assert.deepEqual(tunnels, [target, target]);
    assert.equal(tenant.calls.byOperation('token').length, 1);
    assert.equal(tenant.calls.byOperation('customer-sync')[0]?.status, 201);
  });

  test('without the CA the call is refused, saying the certificate is not trusted and which setting fixes it', async () => {
    const error = await failure(client(tenant, configured({ proxy: true })).send(accountCreation('Untrusted')));
    assert.equal(error.errorType, 'CONNECTIVITY');
    assert.equal(error.stage, 'token');
    assert.match(error.message, /certificate is not trusted/);
    assert.match(error.message, /set gentrack\.tls\.caFile to that CA's certificate/);
    assert.equal(tenant.calls.byOperation('customer-sync').length, 0);
  });

  test('directly, without the CA, the same clear refusal', async () => {
    const error = await failure(client(tenant, {}).send(accountCreation('Direct')));
    assert.match(error.message, /certificate is not trusted: .*gentrack\.tls\.caFile/);
  });

  test('the proxy refusing the credentials (407) names the proxy settings', async () => {
    const network = configured({ proxy: true, caFile: true, password: 'wrong' });
    const error = await failure(client(tenant, network).send(accountCreation('Wrong Password')));
    assert.equal(error.errorType, 'CONNECTIVITY');
    assert.equal(error.retryable, true);
    assert.match(error.message, /the proxy refused to open a tunnel: 407 Proxy Authentication Required/);
    assert.match(error.message, /gentrack\.proxy\.username and GENTRACK_PROXY_PASSWORD/);
    assert.deepEqual(tunnels, []);
  });
});

describe('a tenant that requires a client certificate', () => {
  test('refuses a relay without one, with an error that points at the client certificate settings', async () => {
    const error = await failure(client(mutualTlsTenant, configured({ caFile: true })).send(accountCreation('No Cert')));
    assert.equal(error.errorType, 'CONNECTIVITY');
    assert.match(error.message, /client certificate/);
    assert.match(error.message, /gentrack\.tls\.certFile and gentrack\.tls\.keyFile/);
    assert.equal(mutualTlsTenant.calls.byOperation('token').length, 0, 'refused during the handshake');
  });

  test('accepts the certificate its CA issued (an encrypted key, with its passphrase), also through the proxy', async () => {
    const direct = configured({ caFile: true, clientKey: ca.client.encryptedKey.file });
    assert.equal((await client(mutualTlsTenant, direct).send(accountCreation('Mutual'))).status, 201);
    const proxied = configured({ proxy: true, caFile: true, clientKey: ca.client.key.file });
    assert.equal((await client(mutualTlsTenant, proxied).send(accountCreation('Mutual Proxied'))).status, 201);
    assert.equal(tunnels.length, 2);
  });
});
