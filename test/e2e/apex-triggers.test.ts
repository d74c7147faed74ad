/**
 * Salesforce -> Gentrack end to end, looking at the Apex side: the interpreted AccountTrigger's publish calls, the
 * calling user in the audit header, and the integration user's write-back publishing nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startE2E, type E2E } from './harness.js';

let e2e: E2E;

before(async () => {
  e2e = await startE2E();
  await e2e.startRelay();
});

after(async () => {
  await e2e?.close();
});

test('an account created through REST reaches Gentrack through the interpreted AccountTrigger, without an echo', async () => {
  const created = (await e2e.admin.sobject('Account').create({ Name: 'Pohutukawa Gas', BillingCity: 'Napier' })) as {
    id: string;
  };
  const call = await eventually('customer-sync', () =>
    e2e.sandbox.gentrack.calls
      .list()
      .find(
        (c) =>
          c.operation === 'customer-sync' &&
          c.status < 300 &&
          (c.body as { salesforceId?: string }).salesforceId === created.id,
      ),
  );
  assert.equal((call.body as { account: { name: string } }).account.name, 'Pohutukawa Gas');
  assert.equal(
    call.headers['x-on-behalf-of'],
    e2e.sandbox.salesforce.org.credentials.admin.username,
    'UserInfo.getUserName() of the REST caller',
  );
  assert.equal(e2e.sandbox.triggers?.publishCalls, 1, 'one EventBus.publish for the one-record insert');

  const accountNumber = (call.response as { accountNumber: string }).accountNumber;
  await eventually('write-back', async () => {
    await e2e.relay.flushWriteBacks();
    const values = (await e2e.admin.sobject('Account').retrieve(created.id)) as unknown as Record<string, unknown>;
    return values['Gentrack_External_Id__c'] === accountNumber ? values : undefined;
  });
  // The integration user's write-back ran the trigger too, which found the bypass permission and published nothing.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(e2e.sandbox.triggers?.publishCalls, 1, 'the write-back published nothing');
  const forThisAccount = e2e.sandbox.gentrack.calls
    .list()
    .filter((c) => (c.body as { salesforceId?: string } | undefined)?.salesforceId === created.id);
  assert.equal(forThisAccount.length, 1, 'the write-back was not sent back to Gentrack');
});
