/**
 * The relay against an org (test/org/org-target.ts): the sandbox org in `npm test`, a real org with its real Pub/Sub
 * endpoint in `npm run test:org`. A person's changes publish through the deployed triggers; the relay calls the
 * Gentrack stand-in and writes Gentrack's numbers back. Every record the suite makes carries this run's id in its
 * name and is deleted at the end, so it can run against a shared org.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { connectorModel } from '../../relay/src/platform/connector-model.generated.js';
import { resolveRelayConfig } from '../../relay/src/platform/config/relay-config.js';
import { loadRelaySecrets } from '../../relay/src/platform/config/relay-secrets.js';
import { Relay } from '../../relay/src/relay.js';
import { eventually } from '../eventually.js';
import { startOrgTarget, TEST_ORG_ALIAS, type OrgTarget } from './org-target.js';

/** A real org delivers events in seconds, not milliseconds. */
const WAIT_MS = TEST_ORG_ALIAS ? 120_000 : 15_000;
const RUN = randomUUID().slice(0, 8);

let target: OrgTarget;
let relay: Relay | undefined;
let storeDir: string;
const made: { objectType: string; id: string }[] = [];

before(async () => {
  target = await startOrgTarget();
  storeDir = mkdtempSync(path.join(os.tmpdir(), 'gentrack-org-suite-'));
  const config = resolveRelayConfig({
    text: JSON.stringify(target.relayConfigInput(path.join(storeDir, 'relay.db'))),
    env: {},
  });
  relay = new Relay({
    config,
    secrets: loadRelaySecrets({ config, env: target.relaySecretsEnv() }),
    logger: pino({ level: process.env.E2E_LOG ?? 'silent' }),
  });
  await relay.start();
  // A first subscription starts at the latest event: changes made before it is live would not reach the relay.
  await eventually('the relay subscription', () => relay!.health().subscription === 'connected', WAIT_MS);
});

after(async () => {
  // Children first: an account with contacts cannot go before them in every org.
  for (const { objectType, id } of made.reverse()) {
    await target.admin
      .sobject(objectType)
      .destroy(id)
      .catch(() => undefined);
  }
  await relay?.stop().catch(() => undefined);
  await target?.close();
  rmSync(storeDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

async function create(objectType: string, values: Record<string, unknown>): Promise<string> {
  const result = (await target.admin.sobject(objectType).create(values)) as { id?: string; success?: boolean };
  assert.ok(result.id, `${objectType} created in ${target.name}`);
  made.push({ objectType, id: result.id });
  return result.id;
}

function gentrackCall(operation: string, match: (call: { body: unknown; path: string }) => boolean) {
  return eventually(
    `${operation} on the Gentrack stand-in`,
    () => target.gentrack.calls.list().find((call) => call.operation === operation && call.status < 300 && match(call)),
    WAIT_MS,
  );
}

/** The Gentrack number the relay wrote back onto the record. */
function writtenBack(objectType: string, id: string): Promise<Record<string, unknown>> {
  return eventually(
    `the write-back onto ${objectType} ${id}`,
    async () => {
      await relay!.flushWriteBacks();
      const values = (await target.admin.sobject(objectType).retrieve(id)) as unknown as Record<string, unknown>;
      return values.Gentrack_External_Id__c ? values : undefined;
    },
    WAIT_MS,
  );
}

const ofRecord = (id: string) => (call: { body: unknown }) =>
  (call.body as { salesforceId?: string }).salesforceId === id;

/** The Gentrack operation the connector model maps an object's delete onto. */
function deleteOperationOf(objectName: string): string {
  const object = connectorModel.objects.find((candidate) => candidate.name === objectName);
  const operation = object?.operations.delete?.[0]?.operation;
  assert.ok(operation, `the model maps ${objectName} deletes onto a Gentrack operation`);
  return operation;
}

test(`an account made in the org reaches Gentrack as its user, and Gentrack's number comes back (${TEST_ORG_ALIAS ?? 'sandbox'})`, async () => {
  const accountId = await create('Account', { Name: `Org suite ${RUN} account`, BillingCity: 'Wellington' });
  const call = await gentrackCall('customer-sync', ofRecord(accountId));
  assert.equal(call.headers['x-on-behalf-of'], target.adminUsername, 'the person who made the change');
  const account = await writtenBack('Account', accountId);
  assert.equal(account.Gentrack_External_Id__c, (call.response as { accountNumber: string }).accountNumber);
  assert.equal(account.Gentrack_Sync_Status__c, 'Synced');

  await target.admin.sobject('Account').update({ Id: accountId, Name: `Org suite ${RUN} account renamed` });
  const update = await gentrackCall(
    'update-account',
    (c) => (c.body as { account?: { name?: string } }).account?.name === `Org suite ${RUN} account renamed`,
  );
  assert.equal(update.path, `/v1/accounts/${String(account.Gentrack_External_Id__c)}`);
});

test('a contact made under that account is created in Gentrack under it, and its deletion reaches Gentrack', async () => {
  const accountId = await create('Account', { Name: `Org suite ${RUN} contact's account` });
  const accountNumber = String((await writtenBack('Account', accountId)).Gentrack_External_Id__c);
  const contactId = await create('Contact', { FirstName: 'Org', LastName: `Suite ${RUN}`, AccountId: accountId });
  const createContact = await gentrackCall('create-contact', ofRecord(contactId));
  assert.equal((createContact.body as { accountNumber?: string }).accountNumber, accountNumber);
  const customerNumber = String((await writtenBack('Contact', contactId)).Gentrack_External_Id__c);

  await target.admin.sobject('Contact').destroy(contactId);
  made.splice(
    made.findIndex((record) => record.id === contactId),
    1,
  );
  await gentrackCall(deleteOperationOf('Contact'), (c) => c.path.includes(`/contacts/${customerNumber}`));
});
