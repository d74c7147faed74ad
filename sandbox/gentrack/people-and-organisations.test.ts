import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GentrackSandbox } from './start.js';
import { startTestTenant, type TenantClient } from './sandbox-test-client.js';

describe('contacts', () => {
  let tenant: GentrackSandbox;
  let client: TenantClient;
  let home: string;
  let office: string;

  before(async () => {
    ({ tenant, client } = await startTestTenant());
    home = await client.createAccount('Home Account');
    office = await client.createAccount('Office Account');
  });
  after(() => tenant.close());

  test('create with an account: a C number, the fields, and a primary relationship', async () => {
    const response = await client.post('/contacts', {
      accountNumber: home,
      contact: {
        lastName: 'Citizen',
        firstName: 'Jane',
        title: 'Ms',
        email: 'jane@example.com',
        mobile: '0400 000 000',
        dateOfBirth: '1985-04-12',
        preferredName: 'JC',
      },
      salesforceId: '003AAAAAAAAAAAAAAA',
    });
    assert.equal(response.status, 201);
    assert.match(response.body.customerNumber, /^C\d{8}$/);
    assert.deepEqual(Object.keys(response.body), ['customerNumber']);

    const fetched = await client.get(`/contacts/${response.body.customerNumber}`);
    assert.equal(fetched.status, 200);
    assert.equal(fetched.body.status, 'Active');
    assert.equal(fetched.body.accountNumber, home);
    assert.equal(fetched.body.salesforceId, '003AAAAAAAAAAAAAAA');
    assert.equal(fetched.body.contact.lastName, 'Citizen');
    assert.equal(fetched.body.contact.email, 'jane@example.com');
    assert.equal(fetched.body.contact.segment, 'Standard');
    assert.equal(fetched.body.relationships.length, 1);
    assert.deepEqual(
      {
        ...fetched.body.relationships[0],
        createdAt: undefined,
        updatedAt: undefined,
      },
      {
        relationshipId: `${response.body.customerNumber}-${home}`,
        customerNumber: response.body.customerNumber,
        accountNumber: home,
        roles: [],
        active: true,
        primary: true,
        startDate: null,
        endDate: null,
        createdAt: undefined,
        updatedAt: undefined,
      },
    );
  });

  test('create without an account has no relationships; with an unknown account is 404 and creates nothing', async () => {
    const alone = await client.createContact('Alone');
    assert.deepEqual(tenant.state.contact(alone)?.relationships, []);
    assert.equal(tenant.state.contact(alone)?.accountNumber, null);

    const before = tenant.state.counts().contacts;
    const response = await client.post('/contacts', { accountNumber: 'A99999999', contact: { lastName: 'Lost' } });
    assert.equal(response.status, 404);
    assert.equal(response.body.details[0].path, 'accountNumber');
    assert.equal(tenant.state.counts().contacts, before);
  });

  test('GET/PUT of an unknown contact is 404 naming it', async () => {
    const get = await client.get('/contacts/C99999999');
    assert.equal(get.status, 404);
    assert.equal(get.body.message, "Contact 'C99999999' was not found");
    const put = await client.put('/contacts/C99999999', { contact: { firstName: 'x' } });
    assert.equal(put.status, 404);
    const remove = await client.put('/contacts/C99999999/remove', {});
    assert.equal(remove.status, 404);
  });

  test('PUT changes only the fields sent, and accountNumber moves the primary relationship', async () => {
    const customerNumber = await client.createContact('Mover', home);
    const response = await client.put(`/contacts/${customerNumber}`, {
      contact: { firstName: 'Max', email: 'max@example.com' },
      accountNumber: office,
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.contact.lastName, 'Mover');
    assert.equal(response.body.contact.firstName, 'Max');
    assert.equal(response.body.accountNumber, office);
    const primaries = response.body.relationships.filter((r: any) => r.primary).map((r: any) => r.accountNumber);
    assert.deepEqual(primaries, [office]);
    assert.deepEqual(
      response.body.relationships.map((r: any) => r.accountNumber),
      [home, office],
    );

    const unknownAccount = await client.put(`/contacts/${customerNumber}`, { accountNumber: 'A99999999' });
    assert.equal(unknownAccount.status, 404);
    assert.equal(tenant.state.contact(customerNumber)?.accountNumber, office);
  });

  test('remove makes the contact Removed; a later update makes it Active again', async () => {
    const customerNumber = await client.createContact('Leaving', home);
    const removed = await client.put(`/contacts/${customerNumber}/remove`, { reason: 'Deleted in Salesforce' });
    assert.equal(removed.status, 200);
    assert.equal(removed.body.status, 'Removed');
    assert.equal(removed.body.removal.reason, 'Deleted in Salesforce');
    assert.equal(tenant.state.contact(customerNumber)?.status, 'Removed');

    const restored = await client.put(`/contacts/${customerNumber}`, { contact: { firstName: 'Back' } });
    assert.equal(restored.status, 200);
    assert.equal(restored.body.status, 'Active');
    assert.equal(restored.body.removal, null);
    assert.equal(restored.body.contact.firstName, 'Back');
  });

  test('relationships: upsert by account number, roles from "A;B", partial changes keep the rest', async () => {
    const customerNumber = await client.createContact('Related', home);
    const created = await client.put(`/contacts/${customerNumber}/relationships`, {
      relationship: { accountNumber: office, roles: 'Decision Maker;Billing Contact', startDate: '2024-01-01' },
    });
    assert.equal(created.status, 200);
    assert.equal(created.body.customerNumber, customerNumber);
    const officeLink = created.body.relationships.find((r: any) => r.accountNumber === office);
    assert.deepEqual(officeLink.roles, ['Decision Maker', 'Billing Contact']);
    assert.equal(officeLink.active, true);
    assert.equal(officeLink.primary, false);
    assert.equal(officeLink.startDate, '2024-01-01');

    const changed = await client.put(`/contacts/${customerNumber}/relationships`, {
      relationship: { accountNumber: office, active: false, roles: ['Technical'], endDate: '2024-12-31' },
    });
    const changedLink = changed.body.relationships.find((r: any) => r.accountNumber === office);
    assert.deepEqual(changedLink.roles, ['Technical']);
    assert.equal(changedLink.active, false);
    assert.equal(changedLink.startDate, '2024-01-01');
    assert.equal(changedLink.endDate, '2024-12-31');
    assert.equal(changed.body.relationships.length, 2);
    assert.deepEqual(tenant.state.contact(customerNumber)?.relationships, changed.body.relationships);
  });

  test('relationships: the body as the relay sends it (salesforceId, customerNumber, nulls) is accepted', async () => {
    const customerNumber = await client.createContact('Relay Shaped');
    const response = await client.put(`/contacts/${customerNumber}/relationships`, {
      salesforceId: '07kAAAAAAAAAAAAAAA',
      relationship: {
        accountNumber: office,
        customerNumber,
        roles: null,
        active: true,
        startDate: null,
        endDate: null,
      },
    });
    assert.equal(response.status, 200);
    const [link] = response.body.relationships;
    assert.equal(link.salesforceId, '07kAAAAAAAAAAAAAAA');
    assert.equal(link.customerNumber, customerNumber);
    assert.deepEqual(link.roles, []);
  });

  test('relationships: endDate before startDate (also against the stored startDate) is 400', async () => {
    const customerNumber = await client.createContact('Dated');
    const direct = await client.put(`/contacts/${customerNumber}/relationships`, {
      relationship: { accountNumber: home, startDate: '2024-05-01', endDate: '2024-04-30' },
    });
    assert.equal(direct.status, 400);
    assert.equal(direct.body.details[0].path, 'relationship.endDate');
    assert.equal(tenant.state.contact(customerNumber)?.relationships.length, 0);

    await client.put(`/contacts/${customerNumber}/relationships`, {
      relationship: { accountNumber: home, startDate: '2024-05-01' },
    });
    const later = await client.put(`/contacts/${customerNumber}/relationships`, {
      relationship: { accountNumber: home, endDate: '2024-01-01' },
    });
    assert.equal(later.status, 400);
    assert.equal(tenant.state.contact(customerNumber)?.relationships[0]?.endDate, null);
  });

  test('relationships: unknown account or contact is 404', async () => {
    const customerNumber = await client.createContact('Nowhere');
    const account = await client.put(`/contacts/${customerNumber}/relationships`, {
      relationship: { accountNumber: 'A99999999' },
    });
    assert.equal(account.status, 404);
    assert.equal(account.body.details[0].path, 'relationship.accountNumber');
    const contact = await client.put('/contacts/C99999999/relationships', { relationship: { accountNumber: home } });
    assert.equal(contact.status, 404);
    assert.match(contact.body.message, /C99999999/);
  });

  test('relationships/remove deletes the link (and the primary account with it); a missing link is 404', async () => {
    const customerNumber = await client.createContact('Unlinked', home);
    await client.put(`/contacts/${customerNumber}/relationships`, { relationship: { accountNumber: office } });

    const removed = await client.put(`/contacts/${customerNumber}/relationships/remove`, {
      relationship: { accountNumber: home },
    });
    assert.equal(removed.status, 200);
    assert.deepEqual(
      removed.body.relationships.map((r: any) => r.accountNumber),
      [office],
    );
    assert.equal(tenant.state.contact(customerNumber)?.accountNumber, null);

    const again = await client.put(`/contacts/${customerNumber}/relationships/remove`, {
      relationship: { accountNumber: home },
    });
    assert.equal(again.status, 404);
    assert.equal(again.body.errorType, 'NOT_FOUND');
    assert.match(again.body.message, new RegExp(home));
  });
});

describe('customers and organisations', () => {
  let tenant: GentrackSandbox;
  let client: TenantClient;
  let accountNumber: string;

  before(async () => {
    ({ tenant, client } = await startTestTenant());
    accountNumber = await client.createAccount('Shared Account');
  });
  after(() => tenant.close());

  test('customers: create, read, partial update, 404', async () => {
    const created = await client.post('/customers', {
      customer: { lastName: 'Nguyen', firstName: 'An', email: 'an@example.com' },
      salesforceId: '003CCCCCCCCCCCCCCC',
    });
    assert.equal(created.status, 201);
    const { customerNumber } = created.body;
    assert.match(customerNumber, /^C\d{8}$/);

    const fetched = await client.get(`/customers/${customerNumber}`);
    assert.equal(fetched.status, 200);
    assert.equal(fetched.body.status, 'Active');
    assert.deepEqual(fetched.body.customer, { lastName: 'Nguyen', firstName: 'An', email: 'an@example.com' });
    assert.equal(fetched.body.salesforceId, '003CCCCCCCCCCCCCCC');

    const updated = await client.put(`/customers/${customerNumber}`, { customer: { phone: '02 0000 0000' } });
    assert.equal(updated.status, 200);
    assert.deepEqual(updated.body.customer, {
      lastName: 'Nguyen',
      firstName: 'An',
      email: 'an@example.com',
      phone: '02 0000 0000',
    });
    assert.deepEqual(tenant.state.customer(customerNumber), updated.body);

    assert.equal((await client.get('/customers/C99999999')).status, 404);
    const missing = await client.put('/customers/C99999999', { customer: { phone: '1' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, "Customer 'C99999999' was not found");
  });

  test('customers and contacts share the customer number range without colliding', async () => {
    const contact = await client.createContact('Range');
    const customer = (await client.post('/customers', { customer: { lastName: 'Range' } })).body.customerNumber;
    assert.notEqual(contact, customer);
    assert.equal(tenant.state.contact(customer), undefined);
  });

  test('organisations: create, read, update, 404', async () => {
    const created = await client.post('/organisations', {
      organisation: { name: 'Widgets Pty Ltd', companyNumber: 'ABN 11 000 000 000' },
    });
    assert.equal(created.status, 201);
    const { organisationNumber } = created.body;
    assert.match(organisationNumber, /^O\d{8}$/);

    const fetched = await client.get(`/organisations/${organisationNumber}`);
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body.organisation, { name: 'Widgets Pty Ltd', companyNumber: 'ABN 11 000 000 000' });
    assert.deepEqual(fetched.body.relationships, []);

    const updated = await client.put(`/organisations/${organisationNumber}`, {
      organisation: { name: 'Widgets Group' },
    });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.organisation.name, 'Widgets Group');
    assert.equal(updated.body.organisation.companyNumber, 'ABN 11 000 000 000');

    const missing = await client.get('/organisations/O99999999');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, "Organisation 'O99999999' was not found");
  });

  test('organisation relationships: upsert, remove, 404s', async () => {
    const { organisationNumber } = (await client.post('/organisations', { organisation: { name: 'Linked Org' } })).body;
    const linked = await client.put(`/organisations/${organisationNumber}/relationships`, {
      relationship: { accountNumber, roles: 'Owner;Payer' },
    });
    assert.equal(linked.status, 200);
    assert.equal(linked.body.organisationNumber, organisationNumber);
    assert.equal(linked.body.relationships.length, 1);
    assert.equal(linked.body.relationships[0].organisationNumber, organisationNumber);
    assert.deepEqual(linked.body.relationships[0].roles, ['Owner', 'Payer']);
    assert.equal(tenant.state.organisation(organisationNumber)?.relationships.length, 1);

    const unknownAccount = await client.put(`/organisations/${organisationNumber}/relationships`, {
      relationship: { accountNumber: 'A99999999' },
    });
    assert.equal(unknownAccount.status, 404);

    const removed = await client.put(`/organisations/${organisationNumber}/relationships/remove`, {
      relationship: { accountNumber },
    });
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body.relationships, []);

    const again = await client.put(`/organisations/${organisationNumber}/relationships/remove`, {
      relationship: { accountNumber },
    });
    assert.equal(again.status, 404);
    const noOrganisation = await client.put('/organisations/O99999999/relationships', {
      relationship: { accountNumber },
    });
    assert.equal(noOrganisation.status, 404);
  });
});
