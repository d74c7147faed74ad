import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRelayConfig } from './relay-config.js';
import { problemsOf, REQUIRED_ENV } from './relay-config-test-fixture.js';

const withOidc = (oidc: unknown, env: NodeJS.ProcessEnv = {}) =>
  resolveRelayConfig({
    text: JSON.stringify({ portal: { oidc } }),
    file: 'relay.json',
    env: { ...REQUIRED_ENV, ...env },
  });

const MINIMAL = { issuer: 'https://login.example.com/realms/acme', clientId: 'portal', roles: { viewer: ['staff'] } };

test('single sign-on is off without portal.oidc; a section gets the documented defaults', () => {
  assert.equal(withOidc(undefined).portal?.oidc, undefined);
  assert.deepEqual(withOidc(MINIMAL).portal?.oidc, {
    issuer: 'https://login.example.com/realms/acme',
    name: 'single sign-on',
    clientId: 'portal',
    clientSecretEnv: 'PORTAL_OIDC_CLIENT_SECRET',
    tokenAuthMethod: 'client_secret_basic',
    scopes: ['openid', 'profile', 'email'],
    usernameClaim: 'email',
    roleClaim: 'groups',
    roles: { admin: [], operator: [], viewer: ['staff'] },
  });
});

test('role lists and scopes can come from the environment as comma- or space-separated text', () => {
  const oidc = withOidc(MINIMAL, {
    GENTRACK_RELAY_PORTAL_OIDC_ROLES_ADMIN: 'relay-admins, platform-team',
    GENTRACK_RELAY_PORTAL_OIDC_SCOPES: 'openid email groups',
  }).portal?.oidc;
  assert.deepEqual(oidc?.roles.admin, ['relay-admins', 'platform-team']);
  assert.deepEqual(oidc?.scopes, ['openid', 'email', 'groups']);
});

test('bad single sign-on settings are each named with their key', () => {
  const problems = problemsOf(() =>
    withOidc({
      issuer: 'http://login.example.com',
      clientSecretEnv: 'not a name',
      clientSecret: 'hunter2-hunter2',
      scopes: ['profile'],
      tokenAuthMethod: 'private_key_jwt',
      roles: { admin: [], superuser: ['x'] },
    }),
  );
  const byPath = new Map(problems.map((problem) => [problem.path, problem.message]));
  assert.match(byPath.get('portal.oidc.issuer')!, /must be an https URL/);
  assert.equal(byPath.get('portal.oidc.clientId'), 'is required');
  assert.match(byPath.get('portal.oidc.clientSecretEnv')!, /must be an environment variable name/);
  assert.match(byPath.get('portal.oidc.clientSecret')!, /is not a relay setting \(did you mean clientSecretEnv\?\)/);
  assert.match(byPath.get('portal.oidc.scopes')!, /must include openid/);
  assert.match(
    byPath.get('portal.oidc.tokenAuthMethod')!,
    /must be one of "client_secret_basic", "client_secret_post"/,
  );
  assert.match(byPath.get('portal.oidc.roles.superuser')!, /is not a relay setting/);
  for (const problem of problems) assert.doesNotMatch(problem.message, /hunter2/, 'a secret is never echoed');
});

test('a section that maps no value to any role is refused: nobody could sign in', () => {
  const problems = problemsOf(() => withOidc({ ...MINIMAL, roles: {} }));
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.path, 'portal.oidc.roles');
  assert.match(problems[0]!.message, /name at least one `roleClaim` value under admin, operator or viewer/);
});

test('plain http is accepted only for a provider on this machine', () => {
  assert.equal(withOidc({ ...MINIMAL, issuer: 'http://127.0.0.1:4000' }).portal?.oidc?.issuer, 'http://127.0.0.1:4000');
});
