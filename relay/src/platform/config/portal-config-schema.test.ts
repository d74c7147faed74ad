import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRelayConfig } from './relay-config.js';
import { problemsOf, REQUIRED_ENV } from './relay-config-test-fixture.js';

const withPortal = (portal: unknown, env: NodeJS.ProcessEnv = {}) =>
  resolveRelayConfig({ text: JSON.stringify({ portal }), file: 'relay.json', env: { ...REQUIRED_ENV, ...env } });

test('the portal is off without its section, and a section gets the documented defaults', () => {
  assert.equal(resolveRelayConfig({ env: REQUIRED_ENV }).portal, undefined);
  assert.deepEqual(withPortal({}).portal, {
    host: '127.0.0.1',
    port: 8790,
    sessionHours: 8,
    idleMinutes: 30,
    loginAttempts: { max: 5, windowSeconds: 300 },
    auth: { local: true },
  });
  assert.equal(resolveRelayConfig({ env: { ...REQUIRED_ENV, GENTRACK_RELAY_PORTAL_PORT: '9000' } }).portal?.port, 9000);
});

test('off loopback the portal needs the https address of its proxy, so sessions never travel over plain http', () => {
  const problems = problemsOf(() => withPortal({ host: '0.0.0.0' }));
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.path, 'portal.publicUrl');
  assert.match(problems[0]!.message, /is required when host is not loopback \(0\.0\.0\.0\)/);
  assert.equal(
    withPortal({ host: '0.0.0.0', publicUrl: 'https://console.example.com/' }).portal?.publicUrl,
    'https://console.example.com',
  );
  const plain = problemsOf(() => withPortal({ host: '0.0.0.0', publicUrl: 'http://console.example.com' }));
  assert.match(plain[0]!.message, /must be an https URL/);
});

test('bad portal values are named with their path and where they came from', () => {
  const problems = problemsOf(() =>
    withPortal({ port: 70000, sessionHours: 0, loginAttempts: { max: 0 }, auth: { oidc: {} }, sesionHours: 1 }),
  );
  const byPath = new Map(problems.map((problem) => [problem.path, problem.message]));
  assert.match(byPath.get('portal.port')!, /at most 65535/);
  assert.match(byPath.get('portal.sessionHours')!, /greater than 0/);
  assert.match(byPath.get('portal.loginAttempts.max')!, /at least 1/);
  assert.match(byPath.get('portal.auth.oidc')!, /is not a relay setting/);
  assert.match(byPath.get('portal.sesionHours')!, /did you mean sessionHours/);
});
