/**
 * Salesforce -> Gentrack end to end on the sandbox: records changed through the REST API (real jsforce) publish
 * events through the generated Apex triggers (run by the sandbox's Apex runtime) and the Pub/Sub API; the relay delivers them to the Gentrack stand-in and
 * writes the results back without an echo.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, relayCaughtUp, startE2E, type E2E } from './harness.js';

let e2e: E2E;

before(async () => {
  e2e = await startE2E();
  await e2e.startRelay();
});

after(async () => {
  await e2e?.close();
});

const callsTo = (operation: string) =>
  e2e.sandbox.gentrack.calls.list().filter((call) => call.operation === operation && call.status < 300);

async function record(objectType: string, id: string): Promise<Record<string, unknown>> {
  return (await e2e.admin.sobject(objectType).retrieve(id)) as unknown as Record<string, unknown>;
}

test('an account created in Salesforce becomes a Gentrack customer, and its account number comes back', async () => {
  const created = (await e2e.admin
    .sobject('Account')
    .create({ Name: 'Kauri Energy', BillingCity: 'Auckland', Trading_Name__c: 'Kauri' })) as { id: string };
  const call = await eventually('customer-sync', () =>
    callsTo('customer-sync').find((c) => (c.body as { salesforceId?: string }).salesforceId === created.id),
  );
  assert.deepEqual((call.body as { account: unknown }).account, {
    name: 'Kauri Energy',
    phone: null,
    website: null,
    billingAddress: { street: null, city: 'Auckland', state: null, postcode: null, country: null },
    tradingName: 'Kauri',
    companyNumber: null,
  });
  assert.equal(call.headers['x-on-behalf-of'], e2e.sandbox.salesforce.org.credentials.admin.username);
  // Each call is a transaction of its own: the change's transaction id and the operation; its payload whole.
  assert.match(String(call.headers['x-transaction-id']), /^[\w-]+:customer-sync$/);
  assert.deepEqual([call.headers['x-transaction-part-number'], call.headers['x-transaction-part-total']], ['1', '1']);
  assert.match(String(call.headers['x-transaction-date-time']), /^\d{4}-\d{2}-\d{2}T/);

  const account = await eventually('write-back', async () => {
    await e2e.relay.flushWriteBacks();
    const values = await record('Account', created.id);
    return values.Gentrack_External_Id__c ? values : undefined;
  });
  const accountNumber = (call.response as { accountNumber: string }).accountNumber;
  assert.equal(account.Gentrack_External_Id__c, accountNumber);
  assert.equal(account.Gentrack_Sync_Status__c, 'Synced');
  assert.ok(account.Gentrack_Last_Synced__c);

  // No echo: the integration user's write-back published nothing. Sentinel: a later change to the same account by
  // the admin. Changes of one record reach Gentrack in order, so an echo of the write-back would have come first.
  await e2e.admin.sobject('Account').update({ Id: created.id, Name: 'Kauri Energy Ltd' });
  await eventually('the sentinel update', () =>
    callsTo('update-account').find(
      (c) =>
        c.path === `/v1/accounts/${accountNumber}` &&
        (c.body as { account: { name?: string } }).account.name === 'Kauri Energy Ltd',
    ),
  );
  const forThisAccount = e2e.sandbox.gentrack.calls
    .list()
    .filter((c) => (c.body as { salesforceId?: string } | undefined)?.salesforceId === created.id);
  assert.deepEqual(
    forThisAccount.map((c) => `${c.operation} ${(c.body as { account: { name: string } }).account.name}`),
    ['customer-sync Kauri Energy', 'update-account Kauri Energy Ltd'],
    'the write-back was not sent back to Gentrack',
  );
});

test('contacts, relationships, updates and deletes reach the right Gentrack operations', async () => {
  const accountId = ((await e2e.admin.sobject('Account').create({ Name: 'Totara Power' })) as { id: string }).id;
  const accountNumber = await eventually('account number', async () => {
    await e2e.relay.flushWriteBacks();
    return (await record('Account', accountId)).Gentrack_External_Id__c as string | undefined;
  });
  const otherId = ((await e2e.admin.sobject('Account').create({ Name: 'Rimu Water' })) as { id: string }).id;
  const otherNumber = await eventually('second account number', async () => {
    await e2e.relay.flushWriteBacks();
    return (await record('Account', otherId)).Gentrack_External_Id__c as string | undefined;
  });

  const contactId = (
    (await e2e.admin
      .sobject('Contact')
      .create({ FirstName: 'Aroha', LastName: 'Ngata', Email: 'aroha@example.com', AccountId: accountId })) as {
      id: string;
    }
  ).id;
  const customerNumber = await eventually('customer number', async () => {
    await e2e.relay.flushWriteBacks();
    return (await record('Contact', contactId)).Gentrack_External_Id__c as string | undefined;
  });
  const createContact = callsTo('create-contact').find(
    (c) => (c.body as { salesforceId: string }).salesforceId === contactId,
  )!;
  assert.equal(
    (createContact.body as { accountNumber: string }).accountNumber,
    accountNumber,
    'the contact is created under its account',
  );
  assert.equal(e2e.sandbox.gentrack.state.contact(customerNumber)?.contact.email, 'aroha@example.com');
  // Salesforce made the contact's direct AccountContactRelation in the same save; create-contact already made that
  // relationship in Gentrack, so the relation's trigger sent nothing of its own.
  await relayCaughtUp(e2e);
  assert.deepEqual(
    e2e.sandbox.gentrack.state.contact(customerNumber)?.relationships.map((r) => [r.accountNumber, r.primary]),
    [[accountNumber, true]],
  );
  assert.equal(
    callsTo('update-contact-relationships').filter((c) => c.path === `/v1/contacts/${customerNumber}/relationships`)
      .length,
    0,
    'one Contact save, one Gentrack call',
  );

  const relation = (await e2e.admin
    .sobject('AccountContactRelation')
    .create({ AccountId: otherId, ContactId: contactId, Roles: 'Payer' })) as { id: string };
  await eventually('relationship', () =>
    e2e.sandbox.gentrack.state.contact(customerNumber)?.relationships.find((r) => r.accountNumber === otherNumber),
  );
  const relationshipCall = callsTo('update-contact-relationships').find(
    (c) =>
      c.path === `/v1/contacts/${customerNumber}/relationships` &&
      (c.body as { relationship: { accountNumber: string } }).relationship.accountNumber === otherNumber,
  );
  assert.ok(relationshipCall, 'PUT /contacts/{ref}/relationships with the related account');

  await e2e.admin.sobject('Account').update({ Id: accountId, Name: 'Totara Power Ltd' });
  await eventually(
    'update-account',
    () => e2e.sandbox.gentrack.state.account(accountNumber)?.account.name === 'Totara Power Ltd',
  );
  const update = callsTo('update-account').find((c) => c.path === `/v1/accounts/${accountNumber}`)!;
  assert.deepEqual(Object.keys((update.body as { account: object }).account).sort(), [
    'billingAddress',
    'companyNumber',
    'name',
    'phone',
    'tradingName',
    'website',
  ]);

  await e2e.admin.sobject('AccountContactRelation').destroy(relation.id);
  await eventually('relationship removed', () =>
    callsTo('remove-contact-relationships').some(
      (c) => c.path === `/v1/contacts/${customerNumber}/relationships/remove`,
    ),
  );

  await e2e.admin.sobject('Contact').destroy(contactId);
  await eventually('contact removed', () => e2e.sandbox.gentrack.state.contact(customerNumber)?.status === 'Removed');

  await e2e.admin.sobject('Account').destroy(otherId);
  await eventually('account review', () =>
    callsTo('create-account-review').some((c) => c.path === `/v1/accounts/${otherNumber}/review`),
  );
  // Read first, then made: Gentrack does not de-duplicate reviews by transaction id.
  assert.deepEqual(
    e2e.sandbox.gentrack.calls
      .list()
      .filter((c) => c.path === `/v1/accounts/${otherNumber}/review`)
      .map((c) => `${c.method} ${c.status}`),
    ['GET 404', 'POST 202'],
  );
  assert.match(
    String(e2e.sandbox.gentrack.state.reviews(otherNumber)[0]?.reason),
    /^Account deleted in Salesforce by \S+ \(Salesforce change [\w-]+\)$/,
  );
});

test('changes of untracked fields and the kill switch publish nothing', async () => {
  const accountId = ((await e2e.admin.sobject('Account').create({ Name: 'Kowhai Gas' })) as { id: string }).id;
  await eventually('insert delivered', () =>
    callsTo('customer-sync').some((c) => (c.body as { salesforceId: string }).salesforceId === accountId),
  );
  const callsForAccount = () =>
    e2e.sandbox.gentrack.calls
      .list()
      .filter((c) => (c.body as { salesforceId?: string } | undefined)?.salesforceId === accountId).length;
  const before = callsForAccount();

  await e2e.admin.sobject('Account').update({ Id: accountId, Description: 'not tracked' });
  const org = e2e.sandbox.salesforce.org;
  await org.insert(
    'Gentrack_Connector_Settings__c',
    { SetupOwnerId: org.id, Disable_Publishing__c: true },
    { as: org.users.admin },
  );
  await e2e.admin.sobject('Account').update({ Id: accountId, Name: 'Kowhai Gas (renamed while switched off)' });
  const settings = org.query(`SELECT Id FROM Gentrack_Connector_Settings__c`).records[0] as { Id: string };
  await org.delete('Gentrack_Connector_Settings__c', settings.Id, { as: org.users.admin });

  // Sentinel: a change to the same account once publishing is back on. Changes of one record reach Gentrack in
  // order, so anything the two changes above had sent would have come first.
  await e2e.admin.sobject('Account').update({ Id: accountId, Name: 'Kowhai Gas (switched on again)' });
  await eventually('the sentinel update', () =>
    callsTo('update-account').some(
      (c) =>
        (c.body as { salesforceId: string; account: { name?: string } }).salesforceId === accountId &&
        (c.body as { account: { name?: string } }).account.name === 'Kowhai Gas (switched on again)',
    ),
  );
  const sentSince = e2e.sandbox.gentrack.calls
    .list()
    .filter((c) => (c.body as { salesforceId?: string } | undefined)?.salesforceId === accountId)
    .slice(before);
  assert.deepEqual(
    sentSince.map((c) => `${c.operation} ${(c.body as { account: { name: string } }).account.name}`),
    ['update-account Kowhai Gas (switched on again)'],
    'nothing was sent for the untracked field or while switched off',
  );
  await relayCaughtUp(e2e);
});
