/**
 * A relay that cannot start ends: it closes what it started and exits non-zero within seconds, naming the problem,
 * instead of staying up with a 503 /healthz. Run as an operator runs it (`gentrack-sf relay`), no sandbox needed: the
 * API port is taken before anything talks to Salesforce.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../../model/project-root.js';
import { START_FAILED_EXIT_CODE } from '../../relay/src/run-relay.js';

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

function runRelay(
  config: object,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string; ms: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'relay-start-'));
  const file = path.join(dir, 'relay.json');
  writeFileSync(file, JSON.stringify({ ...config, store: { path: path.join(dir, 'relay.db') } }));
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/gentrack-sf.js'), 'relay', '--config', file], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, output, ms: performance.now() - started });
    }),
  );
}

const SECRETS = { SALESFORCE_CLIENT_SECRET: 'sf-secret', GENTRACK_CLIENT_SECRET: 'gt-secret' };

function configWith(apiPort: number) {
  return {
    tenantId: 'tenant-1',
    salesforce: { auth: 'client_credentials', loginUrl: 'http://127.0.0.1:9', clientId: 'sf-client' },
    gentrack: { baseUrl: 'http://127.0.0.1:9/v1', tokenUrl: 'http://127.0.0.1:9/token', clientId: 'gt-client' },
    http: { host: '127.0.0.1', port: 0 },
    api: { enabled: true, host: '127.0.0.1', port: apiPort },
  };
}

test('the API port in use: the relay exits with its start-failure code within seconds, naming the setting', async () => {
  const occupier = createServer();
  const port = await listen(occupier);
  try {
    const { code, output, ms } = await runRelay(configWith(port), SECRETS);
    assert.equal(code, START_FAILED_EXIT_CODE, output);
    assert.match(output, /the relay could not start/);
    assert.match(output, /the port is in use; set api\.port to a free one/);
    assert.ok(ms < 20_000, `exited after ${Math.round(ms)} ms`);
  } finally {
    occupier.close();
  }
});

test('an API signing key that is too short: the relay exits with its start-failure code', async () => {
  const { code, output } = await runRelay(configWith(0), { ...SECRETS, RELAY_API_SIGNING_KEY: 'short' });
  assert.equal(code, START_FAILED_EXIT_CODE, output);
  assert.match(output, /at least 32 bytes/);
});

test("Salesforce refuses the relay's credentials: the relay exits with its start-failure code instead of retrying for ever", async () => {
  const refusing = createHttpServer((_request, response) => {
    response.writeHead(400, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'invalid_client', error_description: 'invalid client credentials' }));
  });
  const port = await listen(refusing as unknown as Server);
  try {
    const config = configWith(0);
    const { code, output } = await runRelay(
      { ...config, salesforce: { ...config.salesforce, loginUrl: `http://127.0.0.1:${port}` } },
      {
        ...SECRETS,
        RELAY_API_SIGNING_KEY: 'k'.repeat(32),
      },
    );
    assert.equal(code, START_FAILED_EXIT_CODE, output);
    assert.match(output, /Salesforce refused the client_credentials token request for client sf-client/);
    assert.doesNotMatch(output, /relay started/);
  } finally {
    refusing.close();
  }
});
