import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GentrackSandbox } from './start.js';
import { startTestTenant, type TenantClient } from './sandbox-test-client.js';

describe('account operations', () => {
  let tenant: GentrackSandbox;
  let client: TenantClient;

  before(async () => {
    ({ tenant, client } = await startTestTenant());
  });
  after(() => tenant.close());

  test('customer-sync creates a Pending account with a generated number and stores every field', async () => {
    const body = {
      account: {
        name: 'Acme Energy',
        phone: '+61 2 9999 0000',
        website: 'https://acme.example',
        tradingName: 'Acme',
        companyNumber: 'ACN 000 000 019',
        accountClass: 'Business',
        billingAddress: { street: '1 George St', city: 'Sydney', state: 'NSW', postcode: '2000', country: 'AU' },
      },
      salesforceId: '001AAAAAAAAAAAAAAA',
    };
    const response = await client.post('/customer-sync', body);
    assert.equal(response.status, 201);
    assert.match(response.body.accountNumber, /^A\d{8}$/);
    assert.deepEqual(response.body, { accountNumber: response.body.accountNumber, status: 'Pending' });

    const fetched = await client.get(`/accounts/${response.body.accountNumber}`);
    assert.equal(fetched.status, 200);
    assert.equal(fetched.body.accountNumber, response.body.accountNumber);
    assert.equal(fetched.body.status, 'Pending');
    assert.equal(fetched.body.parentAccountNumber, null);
    assert.equal(fetched.body.salesforceId, '001AAAAAAAAAAAAAAA');
    assert.deepEqual(fetched.body.account, { ...body.account, status: 'Pending' });
    assert.equal(fetched.body.createdAt, '2024-06-01T00:00:00.000Z');
    assert.equal(fetched.body.updatedAt, fetched.body.createdAt);
  });

  test('account numbers follow A + 8 digits in sequence', async () => {
    const first = await client.createAccount('Seq One');
    const second = await client.createAccount('Seq Two');
    assert.equal(Number(second.slice(1)), Number(first.slice(1)) + 1);
  });

  test('customer-sync with a parent links it; an unknown parent is 404 and creates nothing', async () => {
    const parent = await client.createAccount('Parent Group');
    const child = await client.post('/customer-sync', { account: { name: 'Child Site' }, parentAccountNumber: parent });
    assert.equal(child.status, 201);
    assert.equal(tenant.state.account(child.body.accountNumber)?.parentAccountNumber, parent);

    const before = tenant.state.counts().accounts;
    const orphan = await client.post('/customer-sync', {
      account: { name: 'Orphan' },
      parentAccountNumber: 'A99999999',
    });
    assert.equal(orphan.status, 404);
    assert.equal(orphan.body.errorType, 'NOT_FOUND');
    assert.match(orphan.body.message, /A99999999/);
    assert.equal(orphan.body.details[0].path, 'parentAccountNumber');
    assert.equal(tenant.state.counts().accounts, before);
  });

  test('POST /accounts creates an account and answers with the whole account', async () => {
    const response = await client.post('/accounts', { account: { name: 'Direct', accountClass: 'Residential' } });
    assert.equal(response.status, 201);
    assert.equal(response.body.status, 'Pending');
    assert.equal(response.body.account.name, 'Direct');
    assert.equal(response.body.account.accountClass, 'Residential');
    assert.deepEqual(tenant.state.account(response.body.accountNumber), response.body);
  });

  test('GET of an unknown account is 404 naming the reference', async () => {
    const response = await client.get('/accounts/A12345678');
    assert.equal(response.status, 404);
    assert.equal(response.body.errorType, 'NOT_FOUND');
    assert.equal(response.body.message, "Account 'A12345678' was not found");
  });

  test('PUT /accounts changes only the fields sent, merging the address; null clears', async () => {
    const accountNumber = (
      await client.post('/customer-sync', {
        account: { name: 'Merge Co', phone: '111', billingAddress: { street: '2 King St', city: 'Perth' } },
      })
    ).body.accountNumber;
    const response = await client.put(`/accounts/${accountNumber}`, {
      account: { billingAddress: { city: 'Fremantle' }, phone: null, website: 'https://merge.example' },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.account, {
      name: 'Merge Co',
      website: 'https://merge.example',
      billingAddress: { street: '2 King St', city: 'Fremantle' },
      status: 'Pending',
    });
    assert.deepEqual(tenant.state.account(accountNumber), response.body);
    const missing = await client.put('/accounts/A99999999', { account: { name: 'x' } });
    assert.equal(missing.status, 404);
  });

  test('an update carrying parentAccountNumber applies it; a refused parent changes nothing', async () => {
    const parent = await client.createAccount('Undelete Parent');
    const accountNumber = await client.createAccount('Undeleted');
    const response = await client.put(`/accounts/${accountNumber}`, {
      account: { name: 'Undeleted Again' },
      parentAccountNumber: parent,
      accountNumber: 'A00000000',
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.parentAccountNumber, parent);
    assert.equal(response.body.accountNumber, accountNumber, 'system properties in the body are not kept');

    const refused = await client.put(`/accounts/${accountNumber}`, {
      account: { name: 'Should Not Stick' },
      parentAccountNumber: 'A99999999',
    });
    assert.equal(refused.status, 404);
    assert.equal(tenant.state.account(accountNumber)?.account['name'], 'Undeleted Again');
    assert.equal(tenant.state.account(accountNumber)?.parentAccountNumber, parent);
  });

  test('status sent in the body is Gentrack-mastered and ignored', async () => {
    const accountNumber = await client.createAccount('Status Co');
    const response = await client.put(`/accounts/${accountNumber}`, { account: { status: 'Closed' } });
    assert.equal(response.status, 200);
    assert.equal(response.body.status, 'Pending');
  });

  test('PUT /accounts/{ref}/parent sets, refuses cycles and unknown parents, and clears', async () => {
    const top = await client.createAccount('Top');
    const middle = await client.createAccount('Middle');
    const set = await client.put(`/accounts/${middle}/parent`, { parentAccountNumber: top });
    assert.equal(set.status, 200);
    assert.equal(set.body.parentAccountNumber, top);

    const cycle = await client.put(`/accounts/${top}/parent`, { parentAccountNumber: middle });
    assert.equal(cycle.status, 400);
    assert.match(cycle.body.message, /cycle/);
    assert.equal(tenant.state.account(top)?.parentAccountNumber, null);

    const self = await client.put(`/accounts/${top}/parent`, { parentAccountNumber: top });
    assert.equal(self.status, 400);

    const unknown = await client.put(`/accounts/${middle}/parent`, { parentAccountNumber: 'A99999999' });
    assert.equal(unknown.status, 404);
    assert.equal(tenant.state.account(middle)?.parentAccountNumber, top);

    const cleared = await client.put(`/accounts/${middle}/parent`, { parentAccountNumber: null });
    assert.equal(cleared.status, 200);
    assert.equal(tenant.state.account(middle)?.parentAccountNumber, null);

    const noAccount = await client.put('/accounts/A99999999/parent', { parentAccountNumber: null });
    assert.equal(noAccount.status, 404);
  });

  test('review: 202 Open, the latest is readable, none yet is 404', async () => {
    const accountNumber = await client.createAccount('Review Me');
    const none = await client.get(`/accounts/${accountNumber}/review`);
    assert.equal(none.status, 404);
    assert.equal(none.body.errorType, 'NOT_FOUND');

    const first = await client.post(`/accounts/${accountNumber}/review`, { reason: 'Deleted in Salesforce' });
    assert.equal(first.status, 202);
    assert.match(first.body.reviewId, /^RV\d{8}$/);
    assert.equal(first.body.accountNumber, accountNumber);
    assert.equal(first.body.status, 'Open');
    const second = await client.post(`/accounts/${accountNumber}/review`, { salesforceId: '001BBBBBBBBBBBBBBB' });
    assert.equal(second.status, 202);

    const latest = await client.get(`/accounts/${accountNumber}/review`);
    assert.equal(latest.status, 200);
    assert.deepEqual(latest.body, second.body);
    assert.equal(tenant.state.reviews(accountNumber).length, 2);

    const unknown = await client.post('/accounts/A99999999/review', {});
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.message, /A99999999/);
  });

  test('review: the reference lists it without transaction headers, so they neither are required nor de-duplicate', async () => {
    const accountNumber = await client.createAccount('Reviewed Twice');
    const bare = await client.post(
      `/accounts/${accountNumber}/review`,
      { reason: 'no headers' },
      {
        headers: { 'x-transaction-id': undefined, 'x-transaction-date-time': undefined },
      },
    );
    assert.equal(bare.status, 202);
    const options = { transactionId: 'evt-review' };
    const first = await client.post(`/accounts/${accountNumber}/review`, { reason: 'same' }, options);
    const second = await client.post(`/accounts/${accountNumber}/review`, { reason: 'same' }, options);
    assert.equal(second.headers['x-idempotent-replay'], undefined);
    assert.notEqual(second.body.reviewId, first.body.reviewId);
    assert.equal(tenant.state.reviews(accountNumber).length, 3, 'every request opened a review');
  });

  test('balance: the account balance in AUD, as of now, nothing overdue without bills', async () => {
    const seeded = tenant.state.seedAccount({ account: { name: 'Owes Money' }, balance: 123.45, status: 'Active' });
    const response = await client.get(`/accounts/${seeded.accountNumber}/balance`);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, {
      accountNumber: seeded.accountNumber,
      balance: 123.45,
      overdueAmount: 0,
      currency: 'AUD',
      asAt: '2024-06-01T00:00:00.000Z',
    });
    const missing = await client.get('/accounts/A99999999/balance');
    assert.equal(missing.status, 404);
  });

  test('seeding: chosen numbers are kept and later numbers do not collide', async () => {
    const seeded = tenant.state.seedAccount({ accountNumber: 'A00000500', account: { name: 'Seeded' } });
    assert.equal(seeded.accountNumber, 'A00000500');
    const next = await client.createAccount('After Seed');
    assert.equal(next, 'A00000501');
    assert.throws(
      () => tenant.state.seedAccount({ accountNumber: 'A00000500', account: { name: 'Dup' } }),
      /already exists/,
    );
  });

  test('Gentrack-side changes through state are visible over the API', async () => {
    const accountNumber = await client.createAccount('Activating');
    tenant.state.updateAccount(accountNumber, { status: 'Active', account: { accountClass: 'Government' } });
    const response = await client.get(`/accounts/${accountNumber}`);
    assert.equal(response.body.status, 'Active');
    assert.equal(response.body.account.status, 'Active');
    assert.equal(response.body.account.accountClass, 'Government');
  });
});

describe('body validation', () => {
  let tenant: GentrackSandbox;
  let client: TenantClient;
  let accountNumber: string;
  let customerNumber: string;

  before(async () => {
    ({ tenant, client } = await startTestTenant());
    accountNumber = await client.createAccount('Validation Pty');
    customerNumber = await client.createContact('Valid', accountNumber);
  });
  after(() => tenant.close());

  function pathsOf(body: any): string[] {
    return body.details.map((detail: any) => detail.path);
  }

  test('customer-sync lists every problem with its path', async () => {
    const before = tenant.state.counts().accounts;
    const response = await client.post('/customer-sync', {
      account: {
        phone: 12345,
        accountClass: 'Industrial',
        website: 'w'.repeat(300),
        billingAddress: { city: 7, postcode: 'p'.repeat(30) },
      },
      parentAccountNumber: 42,
    });
    assert.equal(response.status, 400);
    assert.equal(response.body.errorType, 'BAD_REQUEST');
    assert.deepEqual(pathsOf(response.body).sort(), [
      'account.accountClass',
      'account.billingAddress.city',
      'account.billingAddress.postcode',
      'account.name',
      'account.phone',
      'account.website',
      'parentAccountNumber',
    ]);
    const byPath = Object.fromEntries(response.body.details.map((d: any) => [d.path, d.message]));
    assert.equal(byPath['account.name'], 'is required');
    assert.match(byPath['account.accountClass'], /Residential, Business, Government/);
    assert.match(byPath['account.website'], /at most 255/);
    assert.match(response.body.message, /account\.name is required/);
    assert.equal(tenant.state.counts().accounts, before, 'an invalid request has no effect');
  });

  test('a body that is not an object, or lacks the entity object, is reported at its root', async () => {
    const array = await client.post('/customer-sync', [1, 2]);
    assert.equal(array.status, 400);
    assert.deepEqual(pathsOf(array.body), ['']);
    const empty = await client.post('/customer-sync', {});
    assert.deepEqual(pathsOf(empty.body), ['account']);
    assert.equal(empty.body.details[0].message, 'is required');
  });

  test('an empty or blank name is refused; null clears optional fields on create', async () => {
    const blank = await client.post('/customer-sync', { account: { name: '   ' } });
    assert.deepEqual(pathsOf(blank.body), ['account.name']);
    const created = await client.post('/customer-sync', { account: { name: 'Nulls', phone: null, website: null } });
    assert.equal(created.status, 201);
    const stored = tenant.state.account(created.body.accountNumber);
    assert.deepEqual(stored?.account, { name: 'Nulls', status: 'Pending' });
  });

  test('unknown properties are accepted and stored, at every level', async () => {
    const response = await client.post('/customer-sync', {
      account: { name: 'Extras', customField: 'kept', billingAddress: { city: 'Perth', unit: '4B' } },
      salesforceId: '001000000000001AAA',
      relayVersion: 3,
    });
    assert.equal(response.status, 201);
    const stored = tenant.state.account(response.body.accountNumber)!;
    assert.equal(stored.account['customField'], 'kept');
    assert.deepEqual(stored.account['billingAddress'], { city: 'Perth', unit: '4B' });
    assert.equal(stored.salesforceId, '001000000000001AAA');
    assert.equal(stored['relayVersion'], 3);
  });

  test('contact fields: email format, dateOfBirth format, real date and not in the future', async () => {
    const response = await client.post('/contacts', {
      contact: { firstName: 'No', email: 'not-an-email', dateOfBirth: '1990-02-30', mobile: ['0400'] },
    });
    assert.equal(response.status, 400);
    const byPath = Object.fromEntries(response.body.details.map((d: any) => [d.path, d.message]));
    assert.deepEqual(Object.keys(byPath).sort(), [
      'contact.dateOfBirth',
      'contact.email',
      'contact.lastName',
      'contact.mobile',
    ]);
    assert.equal(byPath['contact.email'], 'must be a valid email address');
    assert.equal(byPath['contact.dateOfBirth'], 'is not a valid calendar date');

    // The test clock says 2024-06-01.
    const future = await client.post('/contacts', { contact: { lastName: 'Later', dateOfBirth: '2024-06-02' } });
    assert.equal(future.body.details[0].message, 'must not be in the future');
    const wrongFormat = await client.post('/contacts', { contact: { lastName: 'Later', dateOfBirth: '01/02/1990' } });
    assert.equal(wrongFormat.body.details[0].message, 'must be a date in the form YYYY-MM-DD');
    const today = await client.post('/contacts', { contact: { lastName: 'Today', dateOfBirth: '2024-06-01' } });
    assert.equal(today.status, 201);
  });

  test('a contact update cannot clear the last name, and checks its fields like a create', async () => {
    const response = await client.put(`/contacts/${customerNumber}`, { contact: { lastName: null, email: 'x@' } });
    assert.equal(response.status, 400);
    assert.deepEqual(pathsOf(response.body).sort(), ['contact.email', 'contact.lastName']);
  });

  test('relationship fields: account number required, roles text or list, booleans, dates', async () => {
    const response = await client.put(`/contacts/${customerNumber}/relationships`, {
      relationship: { roles: 5, active: 'yes', startDate: '2024-1-1', endDate: 'never' },
    });
    assert.equal(response.status, 400);
    assert.deepEqual(pathsOf(response.body).sort(), [
      'relationship.accountNumber',
      'relationship.active',
      'relationship.endDate',
      'relationship.roles',
      'relationship.startDate',
    ]);
    const byPath = Object.fromEntries(response.body.details.map((d: any) => [d.path, d.message]));
    assert.match(byPath['relationship.roles'], /"A;B"/);
  });

  test('parent change requires the property (null to clear)', async () => {
    const response = await client.put(`/accounts/${accountNumber}/parent`, {});
    assert.equal(response.status, 400);
    assert.deepEqual(response.body.details, [{ path: 'parentAccountNumber', message: 'is required' }]);
  });

  test('organisation and customer bodies are checked too', async () => {
    const organisation = await client.post('/organisations', { organisation: { companyNumber: 1 } });
    assert.deepEqual(pathsOf(organisation.body).sort(), ['organisation.companyNumber', 'organisation.name']);
    const customer = await client.post('/customers', { customer: { email: 'bad' } });
    assert.deepEqual(pathsOf(customer.body).sort(), ['customer.email', 'customer.lastName']);
  });
});
