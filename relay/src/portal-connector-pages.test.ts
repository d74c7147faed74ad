/**
 * The connector's portal pages over HTTP, without a browser or a relay in the process: who may do what (checked on
 * the server, whatever the page shows), CSRF, the Named Credentials lifecycle with the secret shown once and kept
 * nowhere, the history's filters and keyset pages over 10,000 runs, and what the pages say when no relay runs here.
 * With the relay and Salesforce, in real Chromium: test/e2e/portal-connector-pages.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { ApiClientStore } from './platform/api-auth/api-client-store.js';
import { verifyClientSecret } from './platform/api-auth/client-secrets.js';
import { SyncHistory } from './platform/db/sync-history.js';
import { AuditLog } from './portal/audit-log.js';
import { PortalTestClient } from './portal/portal-test-client.js';
import { signedInClient, startPortalHarness, USERNAMES, type PortalHarness } from './portal/portal-test-harness.js';
import type { Role } from './portal/roles.js';

let harness: PortalHarness;
before(async () => {
  harness = await startPortalHarness({ portal: { loginAttempts: { max: 50 } } });
});
after(() => harness.close());

const signedIn = (role: Role) => signedInClient(harness, role);

const audit = () => new AuditLog(harness.db).list({}, 1000);
const clients = () => new ApiClientStore(harness.db);

test('signed out, the connector pages send the visitor to sign in, and a job status poll gets no page', async () => {
  const client = new PortalTestClient(harness.url);
  for (const path of [
    '/validate-data-model',
    '/credentials',
    '/history',
    '/history/run-1',
    '/on-demand',
    '/on-demand/jobs/x',
  ]) {
    const response = await client.get(path);
    assert.equal(response.status, 303, path);
    assert.equal(response.location, `/login?next=${encodeURIComponent(path)}`);
  }
  assert.equal((await client.get('/on-demand/jobs/x/status')).status, 401);
  assert.equal((await client.post('/credentials/rotate', { _csrf: null })).status, 401, 'signed out: nothing is done');
});

test('each action is refused on the server to a role that may not take it, even with a valid CSRF token, and audited', async () => {
  const viewer = await signedIn('viewer');
  await viewer.get('/history');
  for (const path of ['/validate-data-model', '/on-demand', '/credentials/create', '/credentials/rotate']) {
    const refused = await viewer.post(path, { entityType: 'Account', entityId: '001000000000001AAA', confirm: 'yes' });
    assert.equal(refused.status, 403, `viewer POST ${path}`);
    assert.match(refused.body, /Your role \(viewer\) does not allow this/);
  }
  assert.equal((await viewer.get('/on-demand')).status, 403, 'the form too');
  const operator = await signedIn('operator');
  await operator.get('/history');
  for (const path of ['/credentials', '/credentials/revoke'])
    assert.equal((await operator.get(path)).status, 403, path);
  assert.equal((await operator.post('/credentials/create')).status, 403);
  assert.equal(clients().current(), undefined, 'no client was made');
  const refusals = audit().filter((entry) => entry.outcome === 'refused');
  assert.ok(
    refusals.some((entry) => entry.actor === USERNAMES.viewer && /may not validate-data-model/.test(entry.detail!)),
  );
  assert.ok(refusals.some((entry) => entry.actor === USERNAMES.viewer && /may not sync-on-demand/.test(entry.detail!)));
  assert.ok(
    refusals.some((entry) => entry.actor === USERNAMES.operator && /may not manage-credentials/.test(entry.detail!)),
  );

  // What each role's navigation offers.
  const nav = (body: string) =>
    [...body.matchAll(/<a href="(\/[a-z-]*)"\s*(?:aria-current="page")?\s*>/g)].map((m) => m[1]);
  const viewerNav = nav((await viewer.get('/')).body);
  assert.ok(viewerNav.includes('/validate-data-model') && viewerNav.includes('/history'));
  assert.ok(!viewerNav.includes('/on-demand') && !viewerNav.includes('/credentials'));
  const admin = await signedIn('admin');
  assert.ok(nav((await admin.get('/')).body).includes('/credentials'));
});

test('every POST of these pages needs the CSRF token, for every role', async () => {
  const admin = await signedIn('admin');
  await admin.get('/credentials');
  for (const path of ['/validate-data-model', '/on-demand', '/credentials/create', '/credentials/revoke']) {
    const refused = await admin.post(path, { _csrf: null, confirm: 'yes' });
    assert.equal(refused.status, 403, path);
    assert.match(refused.body, /Request refused/);
  }
  assert.equal(clients().current(), undefined);
});

test('Named Credentials: create and rotate show the secret once, keep only its hash, say how to enter it by hand; revoke asks first', async () => {
  const admin = await signedIn('admin');
  const page = await admin.get('/credentials');
  assert.match(page.body, /No API client yet/);
  const created = await admin.post('/credentials/create');
  assert.equal(created.status, 200);
  const secret = /<code id="client-secret"[^>]*>([^<]+)<\/code\s*>/.exec(created.body)![1]!;
  const clientId = /<code id="client-id">([^<]+)<\/code\s*>/.exec(created.body)![1]!;
  assert.equal(clients().current()!.clientId, clientId);
  assert.ok(await verifyClientSecret(secret, clients().current()!.secretHash!), 'the hash of the secret shown');
  assert.equal(created.headers.get('cache-control'), 'no-store');
  assert.match(
    created.body.replace(/\s+/g, ' '),
    /This portal has no Salesforce session, so nothing was pushed: enter the client id and secret above in <strong>Setup &gt; Named Credentials &gt; External Credentials &gt; Gentrack_Relay &gt; Principals &gt; Gentrack_Relay_Client &gt; Edit<\/strong>/,
  );
  assert.match(created.body, /data-copy-target="client-secret" hidden/, 'the copy button waits for its script');
  assert.match(created.body, /<script type="module" src="\/assets\/copy-secret\.[0-9a-f]{12}\.js"><\/script>/);

  const again = await admin.get('/credentials');
  assert.ok(!again.body.includes(secret), 'shown once: not on the next page');
  assert.match(again.body, /Rotate the secret/);
  assert.match(
    (await admin.post('/credentials/create')).location ?? '',
    /\/credentials$/,
    'a second client is refused',
  );

  const rotated = await admin.post('/credentials/rotate');
  assert.equal(rotated.status, 200, rotated.body.slice(0, 3000));
  const newSecret = /<code id="client-secret"[^>]*>([^<]+)<\/code\s*>/.exec(rotated.body)![1]!;
  assert.notEqual(newSecret, secret);
  assert.equal(await verifyClientSecret(secret, clients().current()!.secretHash!), false, 'the old secret is dead');

  assert.equal((await admin.post('/credentials/revoke', {})).location, '/credentials/revoke', 'not without confirming');
  assert.equal(clients().current()!.status, 'active');
  const confirm = await admin.get('/credentials/revoke');
  assert.match(confirm.body, new RegExp(`Revoke API client ${clientId}\\?`));
  const revoked = await admin.post('/credentials/revoke', { confirm: 'yes' });
  assert.equal(revoked.location, '/credentials');
  assert.equal(clients().current()!.status, 'revoked');
  assert.match((await admin.get('/credentials')).body, /Revoked API client .* remove the client secret in Setup/);

  const entries = audit().filter((entry) => entry.action.startsWith('credentials.'));
  assert.deepEqual(entries.map((entry) => [entry.action, entry.outcome]).reverse(), [
    ['credentials.create', 'succeeded'],
    ['credentials.create', 'failed'],
    ['credentials.rotate', 'succeeded'],
    ['credentials.revoke', 'succeeded'],
  ]);
  for (const file of [harness.storePath, `${harness.storePath}-wal`].filter(existsSync)) {
    const bytes = readFileSync(file);
    for (const value of [secret, newSecret]) assert.ok(!bytes.includes(value), 'the store holds no secret');
  }
});

test('history: filters and keyset pages over 10,000 runs, each run in detail; a bad date is named, not an error', async () => {
  const history = new SyncHistory(harness.db);
  const base = Date.parse('2026-03-01T00:00:00Z');
  harness.db.transaction(() => {
    for (let index = 0; index < 10_000; index++) {
      const id = history.recordSyncStart({
        id: `run-${index}`,
        kind: index % 100 === 0 ? 'initial' : 'on-demand',
        subject: index % 100 === 0 ? `extract /data/extract-${index}` : `Account 001 Salesforce -> Gentrack #${index}`,
        initiatedBy: index % 2 ? 'jane@example.com (API client grc_1)' : 'otto (portal)',
        startedAt: base + index * 60_000,
      });
      history.recordSyncEnd(id, {
        outcome: index % 100 === 0 ? 'completed with errors' : index % 9 === 0 ? 'failed' : 'completed',
        counts: { records: 3, failed: index % 100 === 0 ? 1 : 0 },
        endedAt: base + index * 60_000 + 1500,
        ...(index % 100 === 0
          ? {
              stages: [
                { name: 'preflight', startedAt: base, endedAt: base + 10, outcome: 'completed' as const },
                {
                  name: 'accounts',
                  startedAt: base + 10,
                  endedAt: base + 900,
                  outcome: 'completed with errors' as const,
                  counts: { created: 2, failed: 1 },
                },
              ],
              reportLocation: '/var/reports/failed.csv\nhttps://acme.my.salesforce.com/069000000000001',
            }
          : {}),
      });
    }
  })();
  const viewer = await signedIn('viewer');
  const first = await viewer.get('/history');
  assert.match(first.body, /10000 runs match/);
  const rows = (body: string) => [...body.matchAll(/<a href="\/history\/(run-\d+)">/g)].map((match) => match[1]);
  assert.deepEqual(rows(first.body).slice(0, 2), ['run-9999', 'run-9998'], 'newest first');
  assert.equal(rows(first.body).length, 50);
  const older = /<a href="(\/history\?before=[^"]+)" rel="next">Older<\/a>/.exec(first.body)![1]!;
  const second = await viewer.get(older.replaceAll('&amp;', '&'));
  assert.deepEqual(rows(second.body).slice(0, 1), ['run-9949']);
  const newer = /<a href="(\/history\?after=[^"]+)" rel="prev">Newer<\/a>/.exec(second.body)![1]!;
  assert.deepEqual(rows((await viewer.get(newer.replaceAll('&amp;', '&'))).body), rows(first.body));

  const filtered = await viewer.get(
    '/history?kind=initial&outcome=completed+with+errors&who=OTTO&from=2026-03-02&to=2026-03-03',
  );
  const ids = rows(filtered.body);
  // Runs 1440..4319 start on 2 and 3 March; every 100th is initial, all of those by otto.
  assert.deepEqual(ids, [
    'run-4300',
    'run-4200',
    'run-4100',
    'run-4000',
    'run-3900',
    'run-3800',
    'run-3700',
    'run-3600',
    'run-3500',
    'run-3400',
    'run-3300',
    'run-3200',
    'run-3100',
    'run-3000',
    'run-2900',
    'run-2800',
    'run-2700',
    'run-2600',
    'run-2500',
    'run-2400',
    'run-2300',
    'run-2200',
    'run-2100',
    'run-2000',
    'run-1900',
    'run-1800',
    'run-1700',
    'run-1600',
    'run-1500',
  ]);
  assert.match(filtered.body, /<option value="initial"\s+selected>/, 'the form keeps the filter');

  const bad = await viewer.get('/history?from=yesterday&kind=initial');
  assert.equal(bad.status, 200);
  assert.match(bad.body, /From &quot;yesterday&quot; is not a date \(yyyy-mm-dd\): it was left out\./);
  assert.match(bad.body, /100 runs match/);

  const detail = await viewer.get('/history/run-4300');
  assert.match(detail.body, /Initial synchronisation/);
  assert.match(detail.body, /<td>accounts<\/td>/);
  assert.match(detail.body, /created 2, failed 1/);
  assert.match(detail.body, /completed with errors/);
  assert.match(detail.body, /otto \(portal\)/);
  assert.match(
    detail.body,
    /<a href="https:\/\/acme\.my\.salesforce\.com\/069000000000001">/,
    'the report in Salesforce',
  );
  assert.equal((await viewer.get('/history/no-such-run')).status, 404);
});

test('without a relay in the process, Validate Data Model and On-demand sync say what they cannot do', async () => {
  const operator = await signedIn('operator');
  const validate = await operator.get('/validate-data-model');
  assert.match(validate.body, /This portal has no Salesforce session/);
  assert.doesNotMatch(validate.body, /Validate the data model<\/button>/);
  const onDemand = await operator.get('/on-demand');
  assert.match(onDemand.body, /runs without the relay's sync-jobs runner/);
  const posted = await operator.post('/on-demand', {
    source: 'Salesforce',
    entityType: 'Account',
    entityId: '001000000000001AAA',
  });
  assert.equal(posted.status, 303);
  assert.ok(audit().some((entry) => entry.action === 'on-demand.start' && entry.outcome === 'failed'));
});
