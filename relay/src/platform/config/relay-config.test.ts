import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadRelayConfig, RelayConfigError, resolveRelayConfig } from './relay-config.js';
import { EXAMPLE_FILE, problemsOf, REQUIRED_ENV } from './relay-config-test-fixture.js';
import { RELAY_CONFIG_ENV_VARS } from './relay-config-env.js';

function tempFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'relay-config-')), name);
  writeFileSync(file, text);
  return file;
}

test('the documented defaults fill everything not set', () => {
  const config = loadRelayConfig({ env: REQUIRED_ENV });
  assert.deepEqual(config, {
    tenantId: 'tenant-1',
    salesforce: {
      loginUrl: 'https://acme.my.salesforce.com',
      apiVersion: '62.0',
      auth: 'client_credentials',
      clientId: 'sf-client',
      pubSubEndpoint: 'api.pubsub.salesforce.com:7443',
      topic: '/event/Gentrack_Object_Event__e',
      replayFallback: 'fail',
      keepaliveTimeoutMs: 300_000,
      batchSize: 100,
      rejectUnauthorizedTls: true,
    },
    gentrack: {
      baseUrl: 'https://api.crm.pool1.gentrack.cloud/v1',
      tokenUrl: 'https://au.id.gentrackcloud.com/v1/token',
      clientId: 'gt-client',
      responseTimeoutMs: 60_000,
      connectTimeoutMs: 30_000,
      idleTimeoutMs: 30_000,
      connections: 64,
    },
    store: { path: './var/relay.db', synchronous: 'FULL' },
    delivery: {
      concurrency: 32,
      maxAttempts: 12,
      initialBackoffMs: 500,
      maxBackoffMs: 300_000,
      partTimeoutMs: 600_000,
      breakerThreshold: 10,
      breakerHalfOpenAfterMs: 10_000,
      shutdownGraceMs: 10_000,
    },
    http: { host: '127.0.0.1', port: 8787 },
    api: {
      enabled: true,
      host: '127.0.0.1',
      port: 8788,
      tokenTtlSeconds: 900,
      rateLimit: { burst: 60, perMinute: 600 },
      gateway: {
        requestBodyLimitBytes: 65_536,
        responseLimitBytes: 6_291_456,
        rateLimit: { max: 600, windowSeconds: 60 },
        cache: { maxEntries: 5000, maxBytes: 67_108_864 },
      },
    },
    log: { level: 'info' },
  });
  assert.ok(Object.isFrozen(config.delivery), 'modules share the config, so it cannot be changed under them');
});

test('environment variables override the file, converted to numbers and booleans', () => {
  const file = tempFile(
    'relay.yaml',
    'tenantId: from-file\nsalesforce:\n  auth: password\n  username: integration@example.com\n  clientId: c\n' +
      'gentrack:\n  baseUrl: https://api.crm.pool1.gentrack.cloud/v1/\n  clientId: g\nhttp:\n  port: 9000\n',
  );
  const config = loadRelayConfig({
    file,
    env: {
      GENTRACK_RELAY_TENANT_ID: 'from-env',
      GENTRACK_RELAY_HTTP_PORT: '9100',
      GENTRACK_RELAY_SALESFORCE_REJECT_UNAUTHORIZED_TLS: 'false',
      GENTRACK_RELAY_DELIVERY_MAX_ATTEMPTS: '3',
      GENTRACK_RELAY_LOG_LEVEL: '', // empty counts as unset
    },
  });
  assert.equal(config.tenantId, 'from-env');
  assert.equal(config.http.port, 9100);
  assert.equal(config.salesforce.rejectUnauthorizedTls, false);
  assert.equal(config.delivery.maxAttempts, 3);
  assert.equal(config.log.level, 'info');
  assert.equal(config.salesforce.username, 'integration@example.com');
  assert.equal(config.gentrack.baseUrl, 'https://api.crm.pool1.gentrack.cloud/v1', 'trailing slash removed');
});

test('GENTRACK_RELAY_CONFIG_FILE names the file, and JSON is read like YAML', () => {
  const file = tempFile('relay.json', JSON.stringify({ tenantId: 'json-tenant', http: { port: 0 } }));
  const config = loadRelayConfig({
    env: { ...REQUIRED_ENV, GENTRACK_RELAY_TENANT_ID: '', GENTRACK_RELAY_CONFIG_FILE: file },
  });
  assert.equal(config.tenantId, 'json-tenant');
  assert.equal(config.http.port, 0);
});

test('every problem is listed at once, with its path and where the value came from', () => {
  const text = [
    'tenantId: t', //                    1
    'salesforce:', //                    2
    '  auth: password', //               3
    '  batchSize: 200', //               4
    '  clientSecret: do-not-put-me-here', // 5
    'gentrack:', //                      6
    '  baseUrl: ftp://example.com', //   7
    '  clientId: g', //                  8
    'delivery:', //                      9
    '  maxAtempts: 3', //                10
    '',
  ].join('\n');
  const problems = problemsOf(() =>
    resolveRelayConfig({
      text,
      file: 'relay.yaml',
      env: {
        GENTRACK_RELAY_HTTP_PORT: 'eighty',
        GENTRACK_RELAY_GENTRAK_CLIENT_ID: 'x',
        GENTRACK_RELAY_SALESFORCE_CLIENT_ID: 'c',
      },
    }),
  );
  const byPath = new Map(problems.map((problem) => [problem.path || problem.message.split(' ')[0], problem]));
  assert.deepEqual([...byPath.keys()].sort(), [
    'GENTRACK_RELAY_GENTRAK_CLIENT_ID',
    'delivery.maxAtempts',
    'gentrack.baseUrl',
    'http.port',
    'salesforce.batchSize',
    'salesforce.clientSecret',
    'salesforce.username',
  ]);
  assert.match(
    byPath.get('GENTRACK_RELAY_GENTRAK_CLIENT_ID')!.message,
    /did you mean GENTRACK_RELAY_GENTRACK_CLIENT_ID/,
  );
  assert.deepEqual(byPath.get('salesforce.batchSize'), {
    path: 'salesforce.batchSize',
    source: 'relay.yaml:4:3',
    message: 'must be at most 100',
  });
  assert.equal(byPath.get('gentrack.baseUrl')!.source, 'relay.yaml:7:3');
  assert.equal(byPath.get('gentrack.baseUrl')!.message, 'must be an http(s) URL');
  assert.equal(byPath.get('delivery.maxAtempts')!.source, 'relay.yaml:10:3');
  assert.equal(
    byPath.get('delivery.maxAtempts')!.message,
    'is not a relay setting (did you mean maxAttempts?); see config/relay.example.yaml',
  );
  assert.deepEqual(byPath.get('http.port'), {
    path: 'http.port',
    source: 'env GENTRACK_RELAY_HTTP_PORT',
    message: 'must be a number, got text "eighty"',
  });
  assert.equal(byPath.get('salesforce.username')!.message, 'is required when auth is "password"');
  assert.equal(
    byPath.get('salesforce.username')!.source,
    'not set in relay.yaml or env GENTRACK_RELAY_SALESFORCE_USERNAME',
  );
  const misplaced = byPath.get('salesforce.clientSecret')!;
  assert.equal(misplaced.source, 'relay.yaml:5:3');
  assert.match(misplaced.message, /set SALESFORCE_CLIENT_SECRET in the environment or the secrets file/);

  const error = new RelayConfigError(problems);
  assert.ok(!error.message.includes('do-not-put-me-here'), 'a misplaced secret is not echoed');
  assert.match(error.message, /^the relay configuration has 7 problems:/);
});

test('a missing required value says where it can be set', () => {
  const problems = problemsOf(() => loadRelayConfig({ env: {} }));
  assert.deepEqual(
    problems.map((problem) => `${problem.path}: ${problem.message} [${problem.source}]`),
    [
      'tenantId: is required [not set in env GENTRACK_RELAY_TENANT_ID (no config file)]',
      'salesforce.auth: is required [not set in env GENTRACK_RELAY_SALESFORCE_AUTH (no config file)]',
      'salesforce.clientId: is required [not set in env GENTRACK_RELAY_SALESFORCE_CLIENT_ID (no config file)]',
      'gentrack.baseUrl: is required [not set in env GENTRACK_RELAY_GENTRACK_BASE_URL (no config file)]',
      'gentrack.clientId: is required [not set in env GENTRACK_RELAY_GENTRACK_CLIENT_ID (no config file)]',
    ],
  );
});

test('cross-key rules: client credentials need a My Domain URL; backoff bounds are ordered; keepalive beats 270 s', () => {
  const problems = problemsOf(() =>
    loadRelayConfig({
      env: {
        ...REQUIRED_ENV,
        GENTRACK_RELAY_SALESFORCE_LOGIN_URL: 'https://login.salesforce.com',
        GENTRACK_RELAY_DELIVERY_INITIAL_BACKOFF_MS: '600000',
        GENTRACK_RELAY_SALESFORCE_KEEPALIVE_TIMEOUT_MS: '60000',
      },
    }),
  );
  const messages = new Map(problems.map((problem) => [problem.path, problem.message]));
  assert.deepEqual([...messages.keys()].sort(), [
    'delivery.initialBackoffMs',
    'salesforce.keepaliveTimeoutMs',
    'salesforce.loginUrl',
  ]);
  assert.match(messages.get('salesforce.loginUrl')!, /My Domain/);
  assert.match(messages.get('salesforce.keepaliveTimeoutMs')!, /270000 ms keepalive/);
  assert.equal(messages.get('delivery.initialBackoffMs'), 'must not exceed maxBackoffMs');
});

test('plain http is refused for Salesforce and Gentrack URLs, except to this machine', () => {
  const problems = problemsOf(() =>
    loadRelayConfig({
      env: {
        ...REQUIRED_ENV,
        GENTRACK_RELAY_SALESFORCE_LOGIN_URL: 'http://acme.my.salesforce.com',
        GENTRACK_RELAY_GENTRACK_BASE_URL: 'http://api.crm.pool1.gentrack.cloud/v1',
        GENTRACK_RELAY_GENTRACK_TOKEN_URL: 'http://10.0.0.5/v1/token',
      },
    }),
  );
  assert.deepEqual(problems.map((problem) => problem.path).sort(), [
    'gentrack.baseUrl',
    'gentrack.tokenUrl',
    'salesforce.loginUrl',
  ]);
  for (const problem of problems)
    assert.match(problem.message, /must be an https URL \(plain http is accepted only for this machine/);
  for (const local of ['http://127.0.0.1:8787', 'http://localhost:8787', 'http://[::1]:8787']) {
    const config = loadRelayConfig({
      env: {
        ...REQUIRED_ENV,
        GENTRACK_RELAY_GENTRACK_BASE_URL: local,
        GENTRACK_RELAY_GENTRACK_TOKEN_URL: `${local}/token`,
      },
    });
    assert.equal(config.gentrack.baseUrl, local);
  }
});

test('a relative store.path in the config file is next to that file, not the working directory', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-config-'));
  try {
    const file = path.join(dir, 'relay.yaml');
    writeFileSync(file, 'store:\n  path: ./data/relay.db\n');
    assert.equal(loadRelayConfig({ file, env: REQUIRED_ENV }).store.path, path.join(dir, 'data', 'relay.db'));
    const fromEnv = loadRelayConfig({ file, env: { ...REQUIRED_ENV, GENTRACK_RELAY_STORE_PATH: './elsewhere.db' } });
    assert.equal(
      fromEnv.store.path,
      './elsewhere.db',
      "an environment value is the operator's own, from where they start it",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Gentrack scopes, proxy and TLS files: lists from the file or the environment, files next to the config file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'relay-config-'));
  try {
    const file = path.join(dir, 'relay.yaml');
    writeFileSync(
      file,
      [
        'gentrack:',
        '  scopes: [crm.read, crm.write]',
        '  proxy: { url: "http://proxy.internal:3128", username: relay }',
        '  tls: { caFile: ./tls/ca.pem, certFile: /etc/relay/client.pem, keyFile: client-key.pem }',
      ].join('\n'),
    );
    const { gentrack } = loadRelayConfig({ file, env: REQUIRED_ENV });
    assert.deepEqual(gentrack.scopes, ['crm.read', 'crm.write']);
    assert.deepEqual(gentrack.proxy, { url: 'http://proxy.internal:3128', username: 'relay' });
    assert.deepEqual(gentrack.tls, {
      caFile: path.join(dir, 'tls', 'ca.pem'),
      certFile: '/etc/relay/client.pem',
      keyFile: path.join(dir, 'client-key.pem'),
    });
    const fromEnv = loadRelayConfig({
      env: {
        ...REQUIRED_ENV,
        GENTRACK_RELAY_GENTRACK_SCOPES: 'crm.read crm.write,billing',
        GENTRACK_RELAY_GENTRACK_PROXY_URL: 'https://proxy.internal',
        GENTRACK_RELAY_GENTRACK_TLS_CA_FILE: 'ca.pem',
      },
    });
    assert.deepEqual(fromEnv.gentrack.scopes, ['crm.read', 'crm.write', 'billing']);
    assert.deepEqual(fromEnv.gentrack.proxy, { url: 'https://proxy.internal' });
    assert.deepEqual(fromEnv.gentrack.tls, { caFile: 'ca.pem' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Gentrack scopes, proxy and TLS settings that cannot work are refused, each naming its key', () => {
  const text = [
    'gentrack:',
    '  scopes: ["crm read", "a\\\\b"]',
    '  proxy:',
    '    url: http://relay:s3cret@proxy.internal:3128',
    '    password: s3cret',
    '  tls: { certFile: client.pem }',
  ].join('\n');
  const problems = problemsOf(() => resolveRelayConfig({ text, file: 'relay.yaml', env: REQUIRED_ENV }));
  const byPath = Object.fromEntries(problems.map((problem) => [problem.path, problem.message]));
  assert.match(byPath['gentrack.scopes.0']!, /must be an OAuth scope: printable ASCII without spaces/);
  assert.match(byPath['gentrack.scopes.1']!, /backslashes/);
  assert.match(
    byPath['gentrack.proxy.url']!,
    /must not hold credentials: set gentrack.proxy.username, and GENTRACK_PROXY_PASSWORD/,
  );
  assert.match(
    byPath['gentrack.proxy.password']!,
    /secrets do not belong in the config file: set GENTRACK_PROXY_PASSWORD/,
  );
  assert.equal(byPath['gentrack.tls.keyFile'], 'is required with certFile (its private key)');
  assert.ok(!problems.some((problem) => problem.message.includes('s3cret')), 'the password is never echoed');

  const pathProxy = problemsOf(() =>
    resolveRelayConfig({ text: 'gentrack:\n  proxy: { url: "http://proxy:3128/pac" }', env: REQUIRED_ENV }),
  );
  assert.match(pathProxy[0]!.message, /must be the proxy's origin only/);
  const noScopes = problemsOf(() =>
    loadRelayConfig({ env: { ...REQUIRED_ENV, GENTRACK_RELAY_GENTRACK_SCOPES: ' , ' } }),
  );
  assert.deepEqual(
    noScopes.map((problem) => [problem.path, problem.source]),
    [['gentrack.scopes', 'env GENTRACK_RELAY_GENTRACK_SCOPES']],
  );
});

test('YAML syntax errors and unreadable files are reported with their location', () => {
  const syntax = problemsOf(() => resolveRelayConfig({ text: 'tenantId: [unclosed\n', file: 'bad.yaml', env: {} }));
  assert.equal(syntax.length, 1);
  assert.match(syntax[0]!.source, /^bad\.yaml:\d+:\d+$/);
  const missing = problemsOf(() => loadRelayConfig({ file: '/nonexistent/relay.yaml', env: {} }));
  assert.deepEqual(missing, [
    { path: '', source: '/nonexistent/relay.yaml', message: 'cannot read the config file: file not found' },
  ]);
  const list = problemsOf(() => resolveRelayConfig({ text: '- a\n- b\n', file: 'list.yaml', env: REQUIRED_ENV }));
  assert.match(list[0]!.message, /must be a mapping/);
});

test('config/relay.example.yaml is valid, documents every key and states the real defaults', () => {
  const text = readFileSync(EXAMPLE_FILE, 'utf8');
  const example = resolveRelayConfig({ text, file: 'relay.example.yaml', env: {} });
  const defaults = loadRelayConfig({ env: REQUIRED_ENV });
  for (const variable of RELAY_CONFIG_ENV_VARS) {
    const key = variable.path[variable.path.length - 1]!;
    assert.match(text, new RegExp(`^\\s*(# )?${key}:`, 'm'), `${variable.path.join('.')} is documented`);
    const exampleValue = variable.path.reduce<any>((node, segment) => node?.[segment], example);
    const defaultValue = variable.path.reduce<any>((node, segment) => node?.[segment], defaults);
    const placeholder = ['tenantId', 'clientId', 'baseUrl', 'loginUrl'].includes(key);
    if (!placeholder && exampleValue !== undefined) {
      // store.path in a file is resolved next to the file (here: the working directory, the example's folder as given).
      const comparable = (value: unknown) =>
        variable.path.join('.') === 'store.path' ? path.resolve(String(value)) : value;
      assert.equal(
        comparable(exampleValue),
        comparable(defaultValue),
        `${variable.path.join('.')} in the example is its default`,
      );
    }
  }
});
