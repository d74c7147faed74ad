import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuditLog } from './portal/audit-log.js';
import { MASK } from './portal/payload-mask.js';
import { PortalTestClient } from './portal/portal-test-client.js';
import {
  fileRefusedChange,
  PASSWORDS,
  signedInClient,
  startPortalHarness,
  USERNAMES,
  type PortalHarness,
} from './portal/portal-test-harness.js';
import { DeadLetters } from './platform/db/dead-letters.js';
import type { Role } from './portal/roles.js';

let harness: PortalHarness;
before(async () => {
  harness = await startPortalHarness({ portal: { loginAttempts: { max: 50 } } });
});
after(() => harness.close());

const signedIn = (role: Role) => signedInClient(harness, role);

const letters = () => new DeadLetters(harness.db);
const audit = () => new AuditLog(harness.db).list();

test('signed out, every page sends the visitor to the sign-in form, and nothing else answers', async () => {
  const client = new PortalTestClient(harness.url);
  for (const path of ['/', '/dead-letters', '/dead-letters/1', '/audit']) {
    const response = await client.get(path);
    assert.equal(response.status, 303, path);
    assert.equal(response.location, `/login?next=${encodeURIComponent(path)}`);
  }
  assert.equal((await client.get('/overview/figures')).status, 401, 'live updates get no redirect');
  const login = await client.get('/login');
  assert.equal(login.status, 200);
  assert.match(login.body, /<form class="sign-in" method="post" action="\/login">/);
});

test('pages carry a strict Content-Security-Policy and are never cached', async () => {
  const client = await signedIn('viewer');
  const response = await client.get('/');
  const csp = response.headers.get('content-security-policy')!;
  for (const directive of [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ])
    assert.ok(csp.includes(directive), `${directive} in ${csp}`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.doesNotMatch(csp, /upgrade-insecure-requests/, 'plain http on loopback is not upgraded');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.headers.get('x-frame-options'), 'SAMEORIGIN');
  assert.doesNotMatch(response.body, /<script>|style="/, 'nothing inline');
});

test('the session cookie is HttpOnly, SameSite=Lax and not Secure on loopback; a wrong password is refused and audited', async () => {
  const client = new PortalTestClient(harness.url);
  await client.get('/login');
  const wrong = await client.post('/login', { username: USERNAMES.operator, password: 'not-the-password' });
  assert.equal(wrong.status, 401);
  assert.match(wrong.body, /The user name or password is wrong/);
  assert.ok(
    audit().some(
      (entry) => entry.actor === USERNAMES.operator && entry.action === 'sign-in' && entry.outcome === 'failed',
    ),
  );
  const ok = await client.post('/login', {
    username: USERNAMES.operator,
    password: PASSWORDS.operator,
    next: '/dead-letters',
  });
  assert.equal(ok.status, 303);
  assert.equal(ok.location, '/dead-letters');
  assert.match(client.lastSetCookie!, /HttpOnly/);
  assert.match(client.lastSetCookie!, /SameSite=Lax/);
  assert.doesNotMatch(client.lastSetCookie!, /Secure/);
  const offSite = new PortalTestClient(harness.url);
  await offSite.get('/login');
  const redirect = await offSite.post('/login', {
    username: USERNAMES.viewer,
    password: PASSWORDS.viewer,
    next: '//evil.example.com/',
  });
  assert.equal(redirect.location, '/', 'never sent to another site after signing in');
});

test('a POST without a valid CSRF token is refused and audited, and changes nothing', async () => {
  const id = fileRefusedChange(harness.storePath, 1);
  const client = await signedIn('operator');
  const missing = await client.post(`/dead-letters/${id}/retry`, { _csrf: null });
  assert.equal(missing.status, 403);
  assert.match(missing.body, /did not come from this portal/);
  const forged = await client.post(`/dead-letters/${id}/retry`, { _csrf: 'forged-token' });
  assert.equal(forged.status, 403);
  assert.ok(letters().get(id), 'the dead letter is still there');
  const refusals = audit().filter((entry) => entry.actor === USERNAMES.operator && entry.outcome === 'refused');
  assert.ok(
    refusals.some((entry) => /CSRF/.test(entry.detail ?? '') && entry.action === 'POST /dead-letters/:id/retry'),
  );
});

test('a viewer cannot retry or discard, even with a valid token in a hand-made request', async () => {
  const id = fileRefusedChange(harness.storePath, 2);
  const client = await signedIn('viewer');
  const detail = await client.get(`/dead-letters/${id}`);
  assert.doesNotMatch(detail.body, /action="\/dead-letters\/\d+\/retry"/, 'no retry button for a viewer');
  for (const [path, fields] of [
    [`/dead-letters/${id}/retry`, {}],
    [`/dead-letters/${id}/discard`, { confirm: 'yes' }],
    ['/dead-letters/retry-all', { confirm: 'yes' }],
  ] as const) {
    const response = await client.post(path, fields);
    assert.equal(response.status, 403, path);
    assert.match(response.body, /Your role \(viewer\) does not allow this/);
  }
  assert.ok(letters().get(id), 'untouched');
  assert.equal((await client.get('/audit')).status, 403, 'the audit log is for operators and admins');
  assert.ok(
    audit().some(
      (entry) =>
        entry.actor === USERNAMES.viewer &&
        entry.outcome === 'refused' &&
        /may not act-on-dead-letters/.test(entry.detail ?? ''),
    ),
  );
});

test('an operator retries one letter into the outbox, discards another after confirming, and both are audited', async () => {
  const retried = fileRefusedChange(harness.storePath, 3);
  const discarded = fileRefusedChange(harness.storePath, 4);
  const client = await signedIn('operator');
  await client.get(`/dead-letters/${retried}`);
  const retry = await client.post(`/dead-letters/${retried}/retry`);
  assert.equal(retry.status, 303);
  assert.equal(letters().get(retried), undefined);
  const list = await client.get('/dead-letters');
  assert.match(list.body, new RegExp(`Dead letter ${retried} is back in the outbox as transaction portal-test-3-\\d+`));

  const unconfirmed = await client.post(`/dead-letters/${discarded}/discard`);
  assert.equal(unconfirmed.location, `/dead-letters/${discarded}/discard`, 'no confirmation, no discard');
  assert.ok(letters().get(discarded));
  const confirmPage = await client.get(`/dead-letters/${discarded}/discard`);
  assert.match(confirmPage.body, /deleted for good/);
  await client.post(`/dead-letters/${discarded}/discard`, { confirm: 'yes' });
  assert.equal(letters().get(discarded), undefined);
  const actions = audit().filter((entry) => entry.actor === USERNAMES.operator && entry.outcome === 'succeeded');
  assert.ok(
    actions.some(
      (entry) => entry.action === 'dead-letter.retry' && entry.target?.startsWith(`dead letter ${retried} `),
    ),
  );
  assert.ok(
    actions.some(
      (entry) => entry.action === 'dead-letter.discard' && entry.target?.startsWith(`dead letter ${discarded} `),
    ),
  );
});

test('the list filters by reason code and record, and a bulk retry takes exactly the filtered set', async () => {
  const conflicts = [
    fileRefusedChange(harness.storePath, 11, 'CONFLICT'),
    fileRefusedChange(harness.storePath, 12, 'CONFLICT'),
  ];
  const other = fileRefusedChange(harness.storePath, 13, 'NOT_FOUND');
  const client = await signedIn('operator');
  const filtered = await client.get('/dead-letters?reason=CONFLICT');
  assert.match(filtered.body, /2 dead letters match/);
  assert.match((await client.get('/dead-letters?q=001000000000013')).body, /1 dead letter matches/);
  assert.match((await client.get('/dead-letters?q=%25')).body, /0 dead letters match/, 'a % in the search is literal');
  const confirm = await client.get('/dead-letters/retry-all?reason=CONFLICT');
  assert.match(confirm.body, /Retry 2 dead letters\?/);
  await client.post('/dead-letters/retry-all', { confirm: 'yes', reason: 'CONFLICT' });
  for (const id of conflicts) assert.equal(letters().get(id), undefined);
  assert.ok(letters().get(other), 'outside the filter: untouched');
  assert.ok(audit().some((entry) => entry.action === 'dead-letter.retry-all' && entry.detail === '2 retried'));
});

test('personal data is masked unless the role is admin, and an admin look is audited', async () => {
  const id = fileRefusedChange(harness.storePath, 21);
  for (const role of ['viewer', 'operator'] as const) {
    const page = (await (await signedIn(role)).get(`/dead-letters/${id}`)).body;
    assert.doesNotMatch(page, /Jane Customer|555 0100|jane\.admin/, `${role} sees no personal data`);
    assert.ok(page.includes(`&quot;Name&quot;: &quot;${MASK}&quot;`), `${role} sees which fields were there`);
    assert.match(page, /001000000000021AAA/, 'the record id stays visible');
  }
  const admin = (await (await signedIn('admin')).get(`/dead-letters/${id}`)).body;
  assert.match(admin, /Jane Customer 21/);
  assert.ok(
    audit().some(
      (entry) =>
        entry.actor === USERNAMES.admin &&
        entry.action === 'dead-letter.view-payload' &&
        entry.target === `dead letter ${id}`,
    ),
  );
});

test('sessions end after the idle time, after their lifetime, and when the account changes', async () => {
  const idle = await signedIn('viewer');
  harness.advance(29 * 60_000);
  assert.equal((await idle.get('/')).status, 200, 'activity within 30 minutes keeps it');
  harness.advance(29 * 60_000);
  assert.equal((await idle.get('/overview/figures')).status, 200);
  harness.advance(2 * 60_000);
  assert.equal((await idle.get('/overview/figures')).status, 401, 'live updates do not count as activity');
  const ended = await idle.get('/');
  assert.equal(ended.status, 303);
  assert.match((await idle.get(ended.location!)).body, /after a time without activity/);

  const long = await signedIn('viewer');
  for (let hour = 0; hour < 8; hour++) {
    harness.advance(20 * 60_000);
    assert.equal((await long.get('/')).status, 200);
    harness.advance(20 * 60_000);
    await long.get('/');
    harness.advance(20 * 60_000);
    await long.get('/');
  }
  harness.advance(1);
  assert.equal((await long.get('/')).status, 303, 'no session outlives sessionHours');

  const demoted = await signedIn('operator');
  harness.advance(1);
  harness.users.setRole(USERNAMES.operator, 'operator');
  assert.equal((await demoted.get('/')).status, 303, 'a role change signs the user out');
});

test('sign-in attempts per address are limited', async () => {
  const limited = await startPortalHarness({ portal: { loginAttempts: { max: 3, windowSeconds: 60 } } });
  try {
    const client = new PortalTestClient(limited.url);
    await client.get('/login');
    for (let attempt = 1; attempt <= 3; attempt++) {
      assert.equal((await client.post('/login', { username: 'vera', password: `guess-${attempt}` })).status, 401);
    }
    const refused = await client.post('/login', { username: 'vera', password: PASSWORDS.viewer });
    assert.equal(refused.status, 429, 'even the right password waits');
    assert.match(refused.body, /Too many sign-in attempts/);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    for (let attempt = 1; attempt <= 20; attempt++) {
      assert.equal((await client.post('/login', { username: 'vera', password: `flood-${attempt}` })).status, 429);
    }
    const limitedEntries = new AuditLog(limited.db)
      .list()
      .filter((entry) => entry.action === 'sign-in' && entry.detail?.includes('too many attempts'));
    assert.equal(limitedEntries.length, 1, 'one entry for the address and window, not one per refused request');
    assert.match(
      limitedEntries[0]!.detail!,
      /refused until \d{4}-\d\d-\d\dT[^ ]*Z \(further refusals until then are not recorded\)/,
    );
  } finally {
    await limited.close();
  }
});

test('the overview shows the figures /metrics gives, from the same registry', async () => {
  harness.metrics.deliveries.inc('update-account', 'delivered', 7);
  harness.metrics.deliveries.inc('customer-sync', 'dead_lettered', 2);
  harness.metrics.circuitBreaker.set('gentrack', 'open');
  harness.metrics.subscription.set('reconnecting');
  harness.metrics.gentrackEvents.inc('quote-created', 'accepted');
  const client = await signedIn('viewer');
  const page = (await client.get('/overview/figures')).body;
  const scrape = await harness.metrics.render();
  const series = (pattern: RegExp) => [...scrape.matchAll(pattern)].reduce((sum, match) => sum + Number(match[1]), 0);
  assert.match(
    page,
    new RegExp(`id="total-delivered">\\s*${series(/deliveries_total\{[^}]*outcome="delivered"[^}]*\} (\d+)/g)}<`),
  );
  assert.match(
    page,
    new RegExp(`id="webhooks-accepted">\\s*${series(/gentrack_events_total\{[^}]*outcome="accepted"[^}]*\} (\d+)/g)}<`),
  );
  assert.match(page, /<dt>Gentrack circuit breaker<\/dt>\s*<dd>open<\/dd>/);
  assert.match(page, /<dt>Salesforce subscription<\/dt>\s*<dd>reconnecting<\/dd>/);
  assert.match(
    page,
    new RegExp(`<dt>Dead letters</dt>\\s*<dd>${letters().count()}</dd>`),
    'the store count, refreshed as a scrape does',
  );
  assert.match(page, /<svg class="chart"[^>]*role="img"/);
});
