/**
 * On-demand sync end to end on the sandbox: `gentrack-sf credentials` (the CLI, as an operator runs it) registers the
 * relay's API client and pushes its secret into the org's External Credential; "Salesforce" then calls the relay
 * the way the Named Credential Gentrack_Relay does (a token from /oauth/token with the secret the org holds, and
 * X-On-Behalf-Of); sync jobs in each direction change what they should and say so; the credential lifecycle holds.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { RELAY_CREDENTIAL_PRINCIPAL, RELAY_EXTERNAL_CREDENTIAL } from '../../model/connector-fields.js';
import { PROJECT_ROOT } from '../../model/project-root.js';
import type { ApiServer } from '../../relay/src/sync-jobs/api-server.js';
import { startRelayApi } from '../../relay/src/relay-api.js';
import { eventually, relayCaughtUp, startE2E, type E2E } from './harness.js';

const run = promisify(execFile);

let e2e: E2E;
let api: ApiServer;
let configFile: string;
let secretsFile: string;
let adminUsername: string;

/** `gentrack-sf credentials <action>` in a child process, against the running relay's store. */
async function credentials(
  action: 'create' | 'rotate' | 'revoke',
): Promise<{ stdout: string; clientId?: string; secret?: string }> {
  const { stdout } = await run(
    process.execPath,
    [path.join(PROJECT_ROOT, 'bin/gentrack-sf.js'), 'credentials', action, '--config', configFile],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', GENTRACK_RELAY_SECRETS_FILE: secretsFile },
    },
  );
  return {
    stdout,
    ...(/^Client id: +(\S+)$/m.exec(stdout) ? { clientId: /^Client id: +(\S+)$/m.exec(stdout)![1]! } : {}),
    ...(/^Client secret: +(\S+)$/m.exec(stdout) ? { secret: /^Client secret: +(\S+)$/m.exec(stdout)![1]! } : {}),
  };
}

/** What the org's External Credential principal holds: the credentials Salesforce would get tokens with. */
function orgCredentials(): { clientId: string; clientSecret: string } | undefined {
  const stored = e2e.sandbox.salesforce.org.namedCredentials.credential(
    RELAY_EXTERNAL_CREDENTIAL,
    RELAY_CREDENTIAL_PRINCIPAL,
  );
  return stored && { clientId: stored.values.clientId!.value, clientSecret: stored.values.clientSecret!.value };
}

async function mintToken(clientId: string, clientSecret: string): Promise<Response> {
  return fetch(`${api.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
}

/** A callout through the Named Credential: the org's client credentials, the instance URL, X-On-Behalf-Of. */
async function callout(
  method: 'GET' | 'POST',
  pathBelowInstance: string,
  body?: unknown,
  token?: string,
): Promise<Response> {
  let bearer = token;
  if (!bearer) {
    const credentials = orgCredentials();
    assert.ok(credentials, 'the External Credential holds credentials');
    const minted = await mintToken(credentials.clientId, credentials.clientSecret);
    assert.equal(minted.status, 200, await minted.clone().text());
    bearer = ((await minted.json()) as { access_token: string }).access_token;
  }
  return fetch(`${api.url}/v1/salesforce/instances/${e2e.config.tenantId}${pathBelowInstance}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      'x-on-behalf-of': adminUsername,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

interface JobView {
  id: string;
  state: string;
  requestedBy: string;
  error: { code: string; message: string } | null;
  result: { system: string; action: string; id: string | null; fields: Record<string, unknown> } | null;
}

async function syncJob(source: 'Salesforce' | 'Gentrack', entityType: string, entityId: string): Promise<JobView> {
  const destination = source === 'Salesforce' ? 'Gentrack' : 'Salesforce';
  const created = await callout('POST', '/sync-jobs', { direction: { source, destination }, entityType, entityId });
  assert.equal(created.status, 202, await created.clone().text());
  const { id } = (await created.json()) as JobView;
  assert.equal(created.headers.get('location'), `/v1/salesforce/instances/${e2e.config.tenantId}/sync-jobs/${id}`);
  return eventually(
    `sync job ${id}`,
    async () => {
      const job = (await (await callout('GET', `/sync-jobs/${id}`)).json()) as JobView;
      return job.state === 'succeeded' || job.state === 'failed' ? job : undefined;
    },
    20_000,
  );
}

async function record(objectType: string, id: string): Promise<Record<string, unknown>> {
  return (await e2e.admin.sobject(objectType).retrieve(id)) as unknown as Record<string, unknown>;
}

const gentrackCallsFor = (salesforceId: string) =>
  e2e.sandbox.gentrack.calls
    .list()
    .filter((call) => (call.body as { salesforceId?: string } | undefined)?.salesforceId === salesforceId);

/** Record changes that publish nothing: the triggers' kill switch, as during an initial load. */
async function withPublishingOff<T>(change: () => Promise<T>): Promise<T> {
  const org = e2e.sandbox.salesforce.org;
  const [setting] = await org.insert(
    'Gentrack_Connector_Settings__c',
    { SetupOwnerId: org.id, Disable_Publishing__c: true },
    { as: org.users.admin },
  );
  try {
    return await change();
  } finally {
    await org.delete('Gentrack_Connector_Settings__c', setting!.id!, { as: org.users.admin });
  }
}

/** The Gentrack stand-in signs webhook events as this app, for this tenant. */
const WEBHOOK_APP_ID = 'gentrack-sandbox-app';
const WEBHOOK_TENANT_ID = 'gentrack-sandbox-tenant';

before(async () => {
  e2e = await startE2E();
  // Webhooks too: on-demand syncs keep newer-wins with Gentrack's events.
  const relay = await e2e.startRelay({
    webhooks: {
      host: '127.0.0.1',
      port: 0,
      appId: WEBHOOK_APP_ID,
      tenantIds: [WEBHOOK_TENANT_ID],
      publicKeys: [e2e.sandbox.gentrack.publicKeyPem],
    },
  });
  api = (await startRelayApi({
    relay,
    config: e2e.config,
    secrets: { apiSigningKey: undefined },
    logger: pino({ level: 'silent' }),
  }))!;
  adminUsername = e2e.sandbox.salesforce.org.credentials.admin.username;
  configFile = path.join(e2e.storeDir, 'relay.json');
  writeFileSync(configFile, JSON.stringify(e2e.sandbox.relayConfigInput({ storePath: e2e.config.store.path })));
  secretsFile = path.join(e2e.storeDir, 'relay.secrets');
  const secrets = e2e.sandbox.relaySecretsEnv();
  writeFileSync(
    secretsFile,
    Object.entries(secrets)
      .map(([name, value]) => `${name}=${value}`)
      .join('\n'),
    { mode: 0o600 },
  );
});

after(async () => {
  await api?.close();
  await e2e?.close();
});

test('credentials create registers the client, shows the secret once and puts it into the External Credential', async () => {
  const created = await credentials('create');
  assert.match(created.stdout, /^Created API client grc_[0-9a-f]{16} for tenant sandbox\.$/m);
  assert.match(
    created.stdout,
    /Salesforce: created the credentials of External Credential Gentrack_Relay, principal Gentrack_Relay_Client\./,
  );
  assert.deepEqual(orgCredentials(), { clientId: created.clientId, clientSecret: created.secret });
  const stored = e2e.sandbox.salesforce.org.namedCredentials.credential(
    RELAY_EXTERNAL_CREDENTIAL,
    RELAY_CREDENTIAL_PRINCIPAL,
  )!;
  assert.equal(stored.values.clientSecret!.encrypted, true, 'pushed as an encrypted credential');
  assert.equal(
    stored.setBy,
    e2e.sandbox.salesforce.org.credentials.integration.username,
    "by the relay's integration user",
  );

  for (const file of [e2e.config.store.path, `${e2e.config.store.path}-wal`].filter(existsSync)) {
    assert.ok(!readFileSync(file).includes(created.secret!), `${path.basename(file)} holds no plain-text secret`);
  }
  const second = await run(
    process.execPath,
    [path.join(PROJECT_ROOT, 'bin/gentrack-sf.js'), 'credentials', 'create', '--config', configFile],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', GENTRACK_RELAY_SECRETS_FILE: secretsFile },
    },
  ).catch((error: { code: number; stderr: string }) => error);
  assert.equal((second as { code: number }).code, 1, 'a second client is refused');
  assert.match((second as { stderr: string }).stderr, /already active: rotate its secret/);
});

test('Salesforce -> Gentrack: a record Gentrack never got is created there by a sync job, then updated by another', async () => {
  const publishes = e2e.sandbox.triggers!.publishCalls;
  const accountId = await withPublishingOff(async () => {
    const created = (await e2e.admin.sobject('Account').create({ Name: 'Matai Energy', BillingCity: 'Nelson' })) as {
      id: string;
    };
    return created.id;
  });
  // The triggers count publishes at DML time; the barrier makes sure anything published had reached Gentrack.
  assert.equal(e2e.sandbox.triggers!.publishCalls, publishes, 'the triggers published nothing');
  await relayCaughtUp(e2e);
  assert.equal(gentrackCallsFor(accountId).length, 0, 'nothing reached Gentrack');

  const job = await syncJob('Salesforce', 'Account', accountId);
  assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
  assert.equal(job.requestedBy, adminUsername);
  assert.equal(job.result?.system, 'Gentrack');
  assert.equal(job.result?.action, 'created');
  const accountNumber = job.result!.id!;
  assert.match(accountNumber, /^A\d+$/);
  assert.equal(e2e.sandbox.gentrack.state.account(accountNumber)?.account.name, 'Matai Energy');
  const [call] = gentrackCallsFor(accountId);
  assert.equal(call?.operation, 'customer-sync', "through the model's insert mapping");
  assert.equal(call?.headers['x-transaction-id'], `sync-job-${job.id}:customer-sync`);
  assert.equal(call?.headers['x-on-behalf-of'], adminUsername, "for Gentrack's audit");

  const written = await eventually('the write-back', async () => {
    await e2e.relay.flushWriteBacks();
    const values = await record('Account', accountId);
    return values.Gentrack_External_Id__c ? values : undefined;
  });
  assert.equal(written.Gentrack_External_Id__c, accountNumber);
  assert.equal(written.Gentrack_Sync_Status__c, 'Synced');

  await withPublishingOff(() => e2e.admin.sobject('Account').update({ Id: accountId, Name: 'Matai Energy Ltd' }));
  const update = await syncJob('Salesforce', 'Account', accountId);
  assert.equal(update.state, 'succeeded', JSON.stringify(update.error));
  assert.equal(update.result?.action, 'updated');
  assert.equal(update.result?.id, accountNumber);
  assert.equal(e2e.sandbox.gentrack.state.account(accountNumber)?.account.name, 'Matai Energy Ltd');
  assert.deepEqual(
    gentrackCallsFor(accountId).map((c) => c.operation),
    ['customer-sync', 'update-account', 'update-account-parent'],
    'the same calls an update event would make, nothing else',
  );
});

test('Gentrack -> Salesforce: Gentrack-mastered fields reach the record, Salesforce-mastered ones do not, and nothing echoes back', async () => {
  const accountId = ((await e2e.admin.sobject('Account').create({ Name: 'Harakeke Water' })) as { id: string }).id;
  const accountNumber = await eventually('account number', async () => {
    await e2e.relay.flushWriteBacks();
    return (await record('Account', accountId)).Gentrack_External_Id__c as string | undefined;
  });
  e2e.sandbox.gentrack.state.updateAccount(accountNumber, {
    account: { accountClass: 'Business', name: 'Renamed inside Gentrack' },
    status: 'Suspended',
  });
  const callsBefore = e2e.sandbox.gentrack.calls.list().length;

  const job = await syncJob('Gentrack', 'Account', accountNumber);
  assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
  assert.deepEqual(job.result, {
    system: 'Salesforce',
    action: 'updated',
    entityType: 'Account',
    id: accountId,
    fields: { Account_Class__c: 'Business', Gentrack_Account_Status__c: 'Suspended' },
  });
  const values = await record('Account', accountId);
  assert.equal(values.Account_Class__c, 'Business');
  assert.equal(values.Gentrack_Account_Status__c, 'Suspended');
  assert.equal(values.Name, 'Harakeke Water', 'Salesforce masters the name');
  assert.equal(values.Gentrack_Sync_Status__c, 'Synced');
  assert.ok(values.Gentrack_Last_Synced__c, 'the record shows when it was synced');

  // Barrier: the relay has delivered everything the bus held, so an echo of the upsert would have been sent.
  await relayCaughtUp(e2e);
  const since = e2e.sandbox.gentrack.calls.list().slice(callsBefore);
  assert.deepEqual(
    since.map((c) => `${c.method} ${c.path}`),
    [`GET /v1/accounts/${accountNumber}`],
    'one read, no echo of the upsert',
  );

  const contactId = (
    (await e2e.admin.sobject('Contact').create({ LastName: 'Pohutukawa', AccountId: accountId })) as { id: string }
  ).id;
  const customerNumber = await eventually('customer number', async () => {
    await e2e.relay.flushWriteBacks();
    return (await record('Contact', contactId)).Gentrack_External_Id__c as string | undefined;
  });
  e2e.sandbox.gentrack.state.updateContact(customerNumber, { contact: { segment: 'Medical' } });
  const contactJob = await syncJob('Gentrack', 'Contact', customerNumber);
  assert.equal(contactJob.state, 'succeeded', JSON.stringify(contactJob.error));
  assert.equal((await record('Contact', contactId)).Customer_Segment__c, 'Medical');
});

/** An account in both systems (Salesforce's made as the integration user: nothing is published), with a quote. */
async function accountWithQuote(number: string, quoteStatus: string): Promise<string> {
  const { org } = e2e.sandbox.salesforce;
  e2e.sandbox.gentrack.state.seedAccount({
    accountNumber: number,
    account: { name: `Quote ${number}`, accountClass: 'Residential' },
    status: 'Active',
  });
  e2e.sandbox.gentrack.state.updateAccount(number, {
    extra: { quote: { quoteId: `Q-${number}`, status: quoteStatus } },
  });
  const [created] = await org.insert(
    'Account',
    { Name: `Quote ${number}`, Gentrack_External_Id__c: number },
    { as: org.users.integration },
  );
  return created!.id!;
}

/** Sends a quote-ready webhook event created at `createdAt` and waits until the relay applied it. */
async function quoteReady(number: string, createdAt: Date): Promise<void> {
  const delivery = await e2e.sandbox.gentrack.webhooks.send(e2e.relay.gentrackEvents!.url!, {
    eventType: 'quote-ready',
    data: { accountNumber: number, quoteId: `Q-${number}` },
    createdAt: createdAt.toISOString(),
  });
  assert.ok(
    delivery.status === 200 || delivery.status === 202,
    `quote-ready accepted (${delivery.status} ${delivery.responseBody})`,
  );
  const settled = await eventually('quote-ready applied', () => {
    const record = e2e.relay.gentrackEvents!.inbox.record(delivery.envelope.eventId);
    return record && record.state !== 'pending' ? record : undefined;
  });
  assert.equal(settled.state, 'applied', JSON.stringify(settled));
}

test("Gentrack -> Salesforce: newer wins against webhook events, by the event's createdAt and the moment the sync read Gentrack", async () => {
  // The event was created after the sync reads (T1 < T2): the sync's value for the quote is older and is not written.
  const olderRead = 'A88000001';
  const olderId = await accountWithQuote(olderRead, 'Created');
  // Two minutes ahead: the relay refuses events dated later than their signature plus its 5-minute tolerance.
  await quoteReady(olderRead, new Date(Date.now() + 2 * 60 * 1000));
  assert.equal((await record('Account', olderId)).Quote_Status__c, 'Ready');
  const kept = await syncJob('Gentrack', 'Account', olderRead);
  assert.equal(kept.state, 'succeeded', JSON.stringify(kept.error));
  assert.deepEqual(kept.result, {
    system: 'Salesforce',
    action: 'updated',
    entityType: 'Account',
    id: olderId,
    fields: { Account_Class__c: 'Residential', Gentrack_Account_Status__c: 'Active' },
    superseded: { Quote_Reference__c: `Q-${olderRead}`, Quote_Status__c: 'Created' },
  });
  const values = await record('Account', olderId);
  assert.equal(values.Quote_Status__c, 'Ready', "the newer event's value stays");
  assert.equal(values.Account_Class__c, 'Residential', 'the fields no newer event set are synced');
  assert.equal(values.Gentrack_Sync_Status__c, 'Synced');

  // The event was created before the sync reads (T2 < T1): Gentrack's answer is newer and overwrites the event's value.
  const newerRead = 'A88000002';
  const newerId = await accountWithQuote(newerRead, 'Accepted');
  await quoteReady(newerRead, new Date(Date.now() - 60 * 1000));
  assert.equal((await record('Account', newerId)).Quote_Status__c, 'Ready');
  const overwritten = await syncJob('Gentrack', 'Account', newerRead);
  assert.equal(overwritten.state, 'succeeded', JSON.stringify(overwritten.error));
  assert.equal(overwritten.result?.fields.Quote_Status__c, 'Accepted');
  assert.equal((overwritten.result as { superseded?: unknown }).superseded, undefined);
  assert.equal((await record('Account', newerId)).Quote_Status__c, 'Accepted');
});

test('a job for a record that does not exist fails with a clear error, in either direction', async () => {
  const missing = await syncJob('Salesforce', 'Account', '001000000000999AAA');
  assert.equal(missing.state, 'failed');
  assert.deepEqual(missing.error, {
    code: 'NOT_FOUND',
    message:
      'Salesforce has no Account with id 001000000000999AAA (deleted, never existed, or not visible to the integration user)',
  });
  const unknown = await syncJob('Gentrack', 'Account', 'A99999999');
  assert.equal(unknown.state, 'failed');
  assert.deepEqual(unknown.error, { code: 'NOT_FOUND', message: 'Gentrack has no Account with reference A99999999' });
});

test("a change Gentrack rejects fails the job with Gentrack's reason, and is in the dead-letter store", async () => {
  const accountId = await withPublishingOff(
    async () => ((await e2e.admin.sobject('Account').create({ Name: 'Kahikatea Power' })) as { id: string }).id,
  );
  e2e.sandbox.gentrack.faults.injectNext([
    {
      status: 400,
      errorType: 'BAD_REQUEST',
      message: 'account.companyNumber is not registered',
      match: { operation: 'customer-sync' },
    },
  ]);
  const job = await syncJob('Salesforce', 'Account', accountId);
  assert.equal(job.state, 'failed');
  assert.equal(job.error?.code, 'BAD_REQUEST');
  assert.match(job.error!.message, /account.companyNumber is not registered/);
  assert.ok(
    e2e.relay.store.deadLetters().some((letter) => letter.transactionId === `sync-job-${job.id}`),
    'dead-lettered like any change',
  );
});

test('the API refuses calls without a token, with a forged one, and for another tenant', async () => {
  const path = `/v1/salesforce/instances/${e2e.config.tenantId}/sync-jobs`;
  assert.equal((await fetch(`${api.url}${path}`, { method: 'POST' })).status, 401, 'no token');
  assert.equal(
    (
      await fetch(`${api.url}${path}/x`, {
        headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2lnbmF0dXJl' },
      })
    ).status,
    401,
    'forged',
  );
  assert.equal(((await (await mintToken('grc_nobody', 'x')).json()) as { error: string }).error, 'invalid_client');
  const credentials = orgCredentials()!;
  const token = (
    (await (await mintToken(credentials.clientId, credentials.clientSecret)).json()) as { access_token: string }
  ).access_token;
  const other = await fetch(`${api.url}/v1/salesforce/instances/another-tenant/sync-jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'x-on-behalf-of': adminUsername, 'content-type': 'application/json' },
    body: JSON.stringify({
      direction: { source: 'Salesforce', destination: 'Gentrack' },
      entityType: 'Account',
      entityId: '001000000000001AAA',
    }),
  });
  assert.equal(other.status, 404);
  assert.match(((await other.json()) as { message: string }).message, /serves no instance "another-tenant"/);
});

test('rotation: the old secret mints nothing, tokens it minted work until expiry, the org holds the new one; revocation ends minting and every issued token', async () => {
  const before = orgCredentials()!;
  const oldToken = ((await (await mintToken(before.clientId, before.clientSecret)).json()) as { access_token: string })
    .access_token;

  const rotated = await credentials('rotate');
  assert.match(rotated.stdout, /Salesforce: replaced the credentials/);
  assert.equal(rotated.clientId, before.clientId, 'same client');
  assert.notEqual(rotated.secret, before.clientSecret);
  assert.deepEqual(orgCredentials(), { clientId: before.clientId, clientSecret: rotated.secret });

  const refused = await mintToken(before.clientId, before.clientSecret);
  assert.equal(refused.status, 401);
  assert.deepEqual(await refused.json(), {
    error: 'invalid_client',
    error_description: 'client authentication failed',
  });
  assert.equal(
    (await callout('GET', '/sync-jobs/00000000-0000-0000-0000-000000000000', undefined, oldToken)).status,
    404,
    'the old token still authenticates',
  );
  assert.equal(
    (await callout('GET', '/sync-jobs/00000000-0000-0000-0000-000000000000')).status,
    404,
    'the org mints with the new secret',
  );

  const revoked = await credentials('revoke');
  assert.match(revoked.stdout, /Revoked API client/);
  assert.match(revoked.stdout, /Salesforce: removed the credentials/);
  assert.equal(orgCredentials(), undefined, 'the org holds no secret any more');
  assert.equal((await mintToken(before.clientId, rotated.secret!)).status, 401, 'no secret mints');
  const afterRevoke = await callout('GET', '/sync-jobs/00000000-0000-0000-0000-000000000000', undefined, oldToken);
  assert.equal(afterRevoke.status, 401, 'a revoked credential is a compromised one: its issued tokens end at once');
});
