/**
 * The relay on a utility's network, end to end: the Gentrack stand-in is served over https with a certificate from a
 * private CA generated for this test, asks for a client certificate, and grants OAuth scopes only to token requests
 * that ask for them; the relay (as `gentrack-sf relay` runs it) reaches it only through an HTTP CONNECT proxy (the
 * `proxy` package, in process) that wants credentials. A change made in Salesforce must reach Gentrack that way, and
 * without the CA the relay must say what is wrong and which setting fixes it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox/start-sandbox.js';
import { startAuthenticatingProxy, type AuthenticatingProxy } from '../authenticating-proxy.js';
import { createPrivateCa, type PrivateCa } from '../private-ca.js';
import { eventually } from './harness.js';
import { startRelayProcess, writeRelayConfig, type RelayProcess } from './relay-process.js';

const SCOPES = ['crm.read', 'crm.write'];
const PROXY_USER = 'gentrack-relay';
const PROXY_PASSWORD = 'proxy-pass-e2e-4Rt!';

let ca: PrivateCa;
let sandbox: Sandbox;
let proxy: AuthenticatingProxy;
let running: RelayProcess | undefined;
const dirs: string[] = [];

before(async () => {
  ca = createPrivateCa();
  sandbox = await startSandbox({
    keepaliveIntervalMs: 500,
    gentrack: {
      scopes: SCOPES,
      tls: { key: ca.server.key.pem, cert: ca.server.cert.pem, ca: ca.ca.pem, requestCert: true },
    },
  });
  proxy = await startAuthenticatingProxy(PROXY_USER, PROXY_PASSWORD);
});

afterEach(async () => {
  await running?.kill('SIGKILL');
  running = undefined;
});

after(async () => {
  await proxy?.close();
  await sandbox?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  ca?.remove();
});

/** A relay config for the sandbox whose Gentrack section has these network settings. */
function relayConfig(gentrack: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gentrack-network-'));
  dirs.push(dir);
  const input = sandbox.relayConfigInput() as { gentrack: Record<string, unknown> };
  return writeRelayConfig(sandbox, dir, { gentrack: { ...input.gentrack, ...gentrack } });
}

/** The secrets the network settings need, besides the sandbox's own. */
const secrets = () => ({ GENTRACK_PROXY_PASSWORD: PROXY_PASSWORD, GENTRACK_TLS_KEY_PASSPHRASE: ca.client.passphrase });

const customerSyncOf = (recordId: string) =>
  sandbox.gentrack.calls
    .byOperation('customer-sync')
    .find((call) => (call.body as { salesforceId?: string }).salesforceId === recordId);

test('through the proxy, trusting the private CA, with a client certificate and scopes: a new account reaches Gentrack', async () => {
  const configFile = relayConfig({
    scopes: SCOPES,
    proxy: { url: proxy.url, username: PROXY_USER },
    tls: { caFile: ca.ca.file, certFile: ca.client.cert.file, keyFile: ca.client.encryptedKey.file },
  });
  running = startRelayProcess(sandbox, configFile, secrets());
  await running.healthy();
  assert.match(sandbox.gentrack.baseUrl, /^https:/);

  const org = sandbox.salesforce.org;
  const [created] = await org.insert('Account', [{ Name: 'Proxied Power' }], { as: org.users.admin });
  const call = await eventually('customer-sync through the proxy', () => customerSyncOf(created!.id!), 30_000);
  assert.equal(call.status, 201);
  const gentrackHost = new URL(sandbox.gentrack.baseUrl).host;
  assert.ok(
    proxy.tunnels.length > 0 && proxy.tunnels.every((target) => target === gentrackHost),
    JSON.stringify(proxy.tunnels),
  );
  const [token] = sandbox.gentrack.calls.byOperation('token');
  assert.equal((token!.body as { scope?: string }).scope, 'crm.read crm.write');
  assert.ok(running.output.some((line) => line.includes('Gentrack calls go through an outbound proxy')));
});

test('without the CA: nothing reaches Gentrack, and the log says the certificate is not trusted and what to set', async () => {
  const configFile = relayConfig({
    scopes: SCOPES,
    proxy: { url: proxy.url, username: PROXY_USER },
    tls: { certFile: ca.client.cert.file, keyFile: ca.client.encryptedKey.file },
  });
  running = startRelayProcess(sandbox, configFile, secrets());
  await running.healthy();
  const org = sandbox.salesforce.org;
  const [created] = await org.insert('Account', [{ Name: 'Untrusted Power' }], { as: org.users.admin });
  const refusal = await eventually(
    'the relay to log the refused certificate',
    () => running!.output.find((line) => line.includes('certificate is not trusted')),
    30_000,
  );
  assert.match(refusal, /set gentrack\.tls\.caFile to that CA's certificate/);
  assert.equal(customerSyncOf(created!.id!), undefined);
});

test('a CA file that does not exist stops the relay at start, naming the setting and the file', async () => {
  const missing = path.join(ca.dir, 'no-such-ca.pem');
  running = startRelayProcess(sandbox, relayConfig({ tls: { caFile: missing } }));
  const code = await eventually('the relay to exit', () => running!.child.exitCode ?? undefined, 30_000);
  assert.notEqual(code, 0);
  assert.ok(
    running.output.some((line) => line.includes(`gentrack.tls.caFile ${missing} does not exist`)),
    running.output.join('\n'),
  );
});
