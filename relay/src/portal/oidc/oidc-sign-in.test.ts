/**
 * Single sign-on against a real OpenID Connect provider (oidc-provider, in this process on a loopback port): the
 * portal's callback with a good sign-in, a forged or foreign state, a tampered or expired code, a sign-in that took
 * too long, a user no role maps to, and role mapping re-evaluated at each sign-in. The provider's login form is
 * submitted over HTTP as a browser would (test/e2e/portal-sso-browser.test.ts does it in Chromium).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOidcTestProvider, type OidcTestProvider } from '../../../../test/oidc-test-provider.js';
import { AuditLog } from '../audit-log.js';
import { startPortalHarness, type PortalHarness } from '../portal-test-harness.js';
import { PortalTestClient } from '../portal-test-client.js';
import { startRelayPortal } from '../../relay-portal.js';
import { resolveRelayConfig } from '../../platform/config/relay-config.js';
import { createLogger } from '../../platform/ops/logger.js';
import { createRelayMetrics } from '../../platform/ops/metrics.js';

let provider: OidcTestProvider;
let harness: PortalHarness;

before(async () => {
  provider = await startOidcTestProvider();
  const { oidc, env } = provider.portalSettings();
  harness = await startPortalHarness({ portal: { oidc }, env });
  provider.registerClient(`${harness.url}/login/oidc/callback`);
  provider.accounts.set('jane', { email: 'jane@example.com', groups: ['relay-operators', 'staff'] });
});

after(async () => {
  await harness?.close();
  await provider?.close();
});

/** Starts single sign-on, signs in on the provider's form, and returns the URL the provider sends back to. */
async function signInAtProvider(client: PortalTestClient, login: string, next = '/'): Promise<URL> {
  const start = await client.get(`/login/oidc?next=${encodeURIComponent(next)}`);
  assert.equal(start.status, 303, start.body);
  let location = new URL(start.location!);
  assert.equal(location.origin, provider.issuer, 'sent to the provider');
  assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
  for (let hop = 0; hop < 10; hop++) {
    if (location.href.startsWith(`${harness.url}/login/oidc/callback`)) return location;
    let response = await client.get(location.href);
    if (response.status === 200 && /name="login"/.test(response.body)) {
      const action = /<form[^>]*action="([^"]+)"/.exec(response.body)![1]!;
      response = await client.post(new URL(action, location).href, {
        _csrf: null,
        prompt: 'login',
        login,
        password: 'any password',
      });
    }
    assert.ok(response.location, `the provider redirects (got ${response.status}: ${response.body.slice(0, 300)})`);
    location = new URL(response.location, location);
  }
  assert.fail('the provider never sent the browser back');
}

const audit = () => new AuditLog(harness.db);

async function signedInAs(client: PortalTestClient): Promise<string | undefined> {
  const overview = await client.get('/');
  return /<span class="who">([^<]+) <span class="role">\((\w+)\)/.exec(overview.body)?.slice(1).join(' ');
}

test('the sign-in page offers the provider by name, beside the local form', async () => {
  const page = await new PortalTestClient(harness.url).get('/login');
  assert.match(page.body, /href="\/login\/oidc\?next=%2F">Sign in with Acme SSO<\/a>/);
  assert.match(page.body, /name="password"/);
});

test('a good sign-in starts a session with the mapped role, lands on the page asked for, and is audited', async () => {
  const client = new PortalTestClient(harness.url);
  const callback = await signInAtProvider(client, 'jane', '/dead-letters');
  assert.ok(callback.searchParams.get('code'));
  const landed = await client.get(callback.pathname + callback.search);
  assert.equal(landed.status, 303);
  assert.equal(landed.location, '/dead-letters');
  assert.equal(await signedInAs(client), 'oidc:jane@example.com operator');
  assert.equal((await client.get('/audit')).status, 200, 'an operator may read the audit log');
  const [entry] = audit().list({ actor: 'oidc:jane@example.com', action: 'sign-in' });
  assert.equal(entry?.outcome, 'succeeded');
  assert.match(entry!.detail!, /as operator through Acme SSO/);

  await client.post('/logout');
  assert.equal((await client.get('/')).location, '/login?next=%2F', 'signing out ends the local session');
  assert.equal(audit().list({ actor: 'oidc:jane@example.com', action: 'sign-out' }).length, 1);
});

test('a callback whose state was changed is refused and starts no session', async () => {
  const client = new PortalTestClient(harness.url);
  const callback = await signInAtProvider(client, 'jane');
  callback.searchParams.set('state', 'forged-state');
  const answer = await client.get(callback.pathname + callback.search);
  assert.equal(answer.status, 400);
  assert.match(answer.body, /Single sign-on failed/);
  assert.equal(await signedInAs(client), undefined);
  assert.match(audit().list({ action: 'sign-in', outcome: 'failed' })[0]!.detail!, /state/);
});

test('a callback for a sign-in this browser did not start is refused (login CSRF)', async () => {
  const callback = await signInAtProvider(new PortalTestClient(harness.url), 'jane');
  const victim = new PortalTestClient(harness.url);
  const answer = await victim.get(callback.pathname + callback.search);
  assert.equal(answer.status, 400);
  assert.match(answer.body, /not started here or took too long/);
  assert.equal(await signedInAs(victim), undefined);
  assert.match(audit().list({ action: 'sign-in', outcome: 'failed' })[0]!.detail!, /no sign-in was started/);
});

test('a tampered code is refused by the provider and starts no session', async () => {
  const client = new PortalTestClient(harness.url);
  const callback = await signInAtProvider(client, 'jane');
  callback.searchParams.set('code', `${callback.searchParams.get('code')}x`);
  const answer = await client.get(callback.pathname + callback.search);
  assert.equal(answer.status, 400);
  assert.equal(await signedInAs(client), undefined);
  assert.match(audit().list({ action: 'sign-in', outcome: 'failed' })[0]!.detail!, /invalid_grant/);
});

test('an expired code is refused by the provider', async () => {
  const client = new PortalTestClient(harness.url);
  provider.codeLifetimeSeconds = 1;
  try {
    const callback = await signInAtProvider(client, 'jane');
    await sleep(2_100); // the provider's own clock, in whole seconds
    const answer = await client.get(callback.pathname + callback.search);
    assert.equal(answer.status, 400);
    assert.equal(await signedInAs(client), undefined);
    assert.match(audit().list({ action: 'sign-in', outcome: 'failed' })[0]!.detail!, /invalid_grant/);
  } finally {
    provider.codeLifetimeSeconds = 60;
  }
});

test('a sign-in that comes back after ten minutes is refused', async () => {
  const client = new PortalTestClient(harness.url);
  const callback = await signInAtProvider(client, 'jane');
  harness.advance(11 * 60_000);
  const answer = await client.get(callback.pathname + callback.search);
  assert.equal(answer.status, 400);
  assert.match(audit().list({ action: 'sign-in', outcome: 'failed' })[0]!.detail!, /took too long/);
});

test('a user none of whose groups maps to a role is refused with a page saying why, and audited', async () => {
  provider.accounts.set('carl', { email: 'carl@example.com', groups: ['contractors'] });
  const client = new PortalTestClient(harness.url);
  const callback = await signInAtProvider(client, 'carl');
  const answer = await client.get(callback.pathname + callback.search);
  assert.equal(answer.status, 403);
  assert.match(answer.body, /No access to the portal/);
  assert.match(answer.body, /none of your groups gives a role/);
  assert.equal(await signedInAs(client), undefined);
  const [entry] = audit().list({ actor: 'oidc:carl@example.com', action: 'sign-in' });
  assert.equal(entry?.outcome, 'refused');
  assert.match(entry!.detail!, /no role maps from groups \(contractors\)/);
});

test('the highest role that matches wins, and the role is decided again at each sign-in', async () => {
  provider.accounts.set('ann', { email: 'ann@example.com', groups: ['staff', 'relay-admins'] });
  const first = new PortalTestClient(harness.url);
  const callback = await signInAtProvider(first, 'ann');
  await first.get(callback.pathname + callback.search);
  assert.equal(await signedInAs(first), 'oidc:ann@example.com admin');

  provider.accounts.set('ann', { email: 'ann@example.com', groups: ['staff'] });
  const second = new PortalTestClient(harness.url);
  const again = await signInAtProvider(second, 'ann');
  await second.get(again.pathname + again.search);
  assert.equal(await signedInAs(second), 'oidc:ann@example.com viewer');
  assert.equal((await second.get('/audit')).status, 403, 'a viewer may not read the audit log');
});

test('an e-mail address the provider has not verified does not name the user: the subject does', async () => {
  provider.accounts.set('mallory', { email: 'jane@example.com', emailVerified: false, groups: ['staff'] });
  const client = new PortalTestClient(harness.url);
  const callback = await signInAtProvider(client, 'mallory');
  await client.get(callback.pathname + callback.search);
  assert.equal(await signedInAs(client), 'oidc:mallory viewer');
});

test('a provider that cannot be reached leaves the local accounts working and says so', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const unreachable = await startPortalHarness({
    portal: { oidc: { issuer: `http://127.0.0.1:${port}`, clientId: 'c', roles: { viewer: ['v'] } } },
    env: { PORTAL_OIDC_CLIENT_SECRET: 'a-secret-value' },
  });
  try {
    const client = new PortalTestClient(unreachable.url);
    const answer = await client.get('/login/oidc');
    assert.equal(answer.status, 502);
    assert.match(answer.body, /single sign-on cannot be reached just now/);
    assert.equal((await client.signIn('vera', 'viewer-password-1')).status, 303, 'local accounts still sign in');
  } finally {
    await unreachable.close();
  }
});

test('without the client secret the portal does not start, naming the variable; from the secrets file it starts', async () => {
  const config = resolveRelayConfig({
    text: JSON.stringify({
      tenantId: 't',
      salesforce: { auth: 'client_credentials', loginUrl: 'https://acme.my.salesforce.com', clientId: 'c' },
      gentrack: { baseUrl: 'https://api.crm.pool1.gentrack.cloud/v1', clientId: 'g' },
      store: { path: ':memory:' },
      portal: { port: 0, oidc: { issuer: provider.issuer, clientId: 'c', roles: { viewer: ['v'] } } },
    }),
    env: {},
  });
  await assert.rejects(
    startRelayPortal({
      config,
      metrics: createRelayMetrics({ defaultMetrics: false }),
      logger: createLogger({ level: 'silent' }),
      env: {},
    }),
    {
      code: 'PORTAL_OIDC_NO_SECRET',
      message: /PORTAL_OIDC_CLIENT_SECRET is not set: set it in the environment or the secrets file/,
    },
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'oidc-secret-'));
  try {
    const file = path.join(dir, 'secrets.env');
    writeFileSync(file, 'PORTAL_OIDC_CLIENT_SECRET=from-the-secrets-file\n', { mode: 0o600 });
    const portal = await startRelayPortal({
      config,
      metrics: createRelayMetrics({ defaultMetrics: false }),
      logger: createLogger({ level: 'silent' }),
      env: { GENTRACK_RELAY_SECRETS_FILE: file },
    });
    assert.ok(portal?.url);
    await portal.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
