import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadRelayConfig, RelayConfigError, resolveRelayConfig } from './relay-config.js';
import { EXAMPLE_FILE, problemsOf, REQUIRED_ENV } from './relay-config-test-fixture.js';

const rsaPublicKey = (bits = 2048) =>
  generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  }).publicKey;
const currentKey = rsaPublicKey();
const nextKey = rsaPublicKey();

test('without a webhooks section the relay receives no Gentrack events', () => {
  assert.equal(loadRelayConfig({ env: REQUIRED_ENV }).webhooks, undefined);
});

test('the example documents the webhooks section with its real defaults: uncommented, it is valid', () => {
  const text = readFileSync(EXAMPLE_FILE, 'utf8');
  const start = text.indexOf('# webhooks:');
  assert.ok(start > 0, 'the example has a webhooks section');
  const section = text
    .slice(start)
    .split('\n')
    .filter((line) => /^\s*# [a-zA-Z]+:/.test(line))
    .map((line) => line.replace(/^(\s*)# /, '$1'))
    .join('\n')
    .replace('publicKeys: []', `publicKeys: [${JSON.stringify(currentKey)}]`);
  const config = resolveRelayConfig({ text: section, file: 'example', env: REQUIRED_ENV });
  assert.deepEqual(
    { ...config.webhooks, publicKeys: config.webhooks!.publicKeys.length },
    {
      host: '127.0.0.1',
      port: 8789,
      appId: 'your-gentrack-app-id',
      tenantIds: ['your-gentrack-tenant-id'],
      publicKeys: 1,
      publicKeyFiles: ['/etc/gentrack-relay/gentrack-webhook-public.pem'],
      timestampToleranceSeconds: 300,
      bodyLimitBytes: 1_048_576,
    },
  );
});

test('from the environment: comma-separated tenants, several PEM blocks in one variable (also with \\n escapes)', () => {
  const config = loadRelayConfig({
    env: {
      ...REQUIRED_ENV,
      GENTRACK_RELAY_WEBHOOKS_APP_ID: 'app-1',
      GENTRACK_RELAY_WEBHOOKS_TENANT_IDS: 'tenant-a, tenant-b',
      GENTRACK_RELAY_WEBHOOKS_PUBLIC_KEYS: currentKey + nextKey.replace(/\n/g, '\\n'),
      GENTRACK_RELAY_WEBHOOKS_PORT: '0',
    },
  });
  assert.deepEqual(config.webhooks?.tenantIds, ['tenant-a', 'tenant-b']);
  assert.deepEqual(config.webhooks?.publicKeys, [currentKey.trim(), nextKey.trim()]);
  assert.equal(config.webhooks?.port, 0);
  assert.equal(config.webhooks?.timestampToleranceSeconds, 300);
});

test('keys that cannot verify Gentrack signatures are refused, each named, and never echoed', () => {
  const ecKey = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  }).publicKey;
  const problems = problemsOf(() =>
    resolveRelayConfig({
      text: JSON.stringify({
        webhooks: { appId: 'a', tenantIds: [], publicKeys: ['not a key', rsaPublicKey(1024), ecKey, currentKey] },
      }),
      file: 'relay.json',
      env: REQUIRED_ENV,
    }),
  );
  const byPath = new Map(problems.map((problem) => [problem.path, problem.message]));
  assert.equal(byPath.get('webhooks.publicKeys.0'), 'is not a PEM public key (-----BEGIN PUBLIC KEY----- ...)');
  assert.equal(byPath.get('webhooks.publicKeys.1'), 'is a 1024-bit RSA key; at least 2048 bits are required');
  assert.match(byPath.get('webhooks.publicKeys.2')!, /must be an RSA key .* not ec/);
  assert.equal(byPath.get('webhooks.tenantIds'), 'name at least one tenant id');
  assert.ok(!byPath.has('webhooks.publicKeys.3'), 'the good key passes');
  assert.ok(!new RelayConfigError(problems).message.includes('BEGIN PUBLIC KEY-----\n'), 'no key text in the message');
});

test('a webhooks section needs an app id, tenants and at least one key', () => {
  const problems = problemsOf(() =>
    loadRelayConfig({ env: { ...REQUIRED_ENV, GENTRACK_RELAY_WEBHOOKS_PORT: '9000' } }),
  );
  assert.deepEqual(
    problems.map((problem) => `${problem.path}: ${problem.message}`),
    [
      'webhooks.appId: is required',
      'webhooks.tenantIds: is required',
      "webhooks.publicKeys: give the Gentrack application's public key in publicKeys (PEM) or publicKeyFiles, or no webhook could ever be verified",
    ],
  );
  const bounds = problemsOf(() =>
    resolveRelayConfig({
      text: JSON.stringify({
        webhooks: {
          appId: 'a',
          tenantIds: ['t'],
          publicKeyFiles: ['k.pem'],
          timestampToleranceSeconds: 0,
          bodyLimitBytes: 10,
        },
      }),
      env: REQUIRED_ENV,
    }),
  );
  assert.deepEqual(bounds.map((problem) => problem.path).sort(), [
    'webhooks.bodyLimitBytes',
    'webhooks.timestampToleranceSeconds',
  ]);
});
