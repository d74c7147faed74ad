/** The sandbox org through its code API: schema, validation, DML semantics, the trigger hook, relationships. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createSandboxOrg, DmlError, type AfterDmlEvent, type SandboxOrgOptions } from './index.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/force-app', import.meta.url));
const newOrg = (options: SandboxOrgOptions = {}) => createSandboxOrg({ forceAppDir: FIXTURE, ...options });

async function rejectsWith(promise: Promise<unknown>, errorCode: string): Promise<DmlError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DmlError, `expected a DmlError, got ${String(error)}`);
    assert.equal(error.errorCode, errorCode, error.message);
    return error;
  }
  assert.fail(`expected ${errorCode}`);
}

test('the schema joins the catalogue, force-app and sandbox-only objects', () => {
  const org = newOrg();
  const externalId = org.schema.object('account')!.field('gentrack_external_id__c')!;
  assert.equal(externalId.name, 'Gentrack_External_Id__c');
  assert.deepEqual([externalId.externalId, externalId.unique, externalId.length], [true, true, 30]);
  assert.deepEqual(
    org.schema
      .object('Account')!
      .field('Account_Class__c')!
      .picklistValues.map((value) => value.value),
    ['Residential', 'Business'],
  );
  assert.equal(org.schema.object('Gentrack_Connector_Settings__c')!.customSettingsType, 'Hierarchy');
  assert.equal(org.schema.object('Gentrack_Object_Event__e')!.kind, 'platformEvent');
  assert.equal(org.schema.object('Gentrack_Sync_Error__c')!.field('Account__c')!.relationshipName, 'Sync_Errors__r');
  for (const name of ['User', 'Task', 'Organization']) assert.ok(org.schema.object(name), name);
  assert.ok(org.users.integration.hasCustomPermission('Gentrack_Bypass_Publishing'));
  assert.ok(!org.users.admin.hasCustomPermission('Gentrack_Bypass_Publishing'));
});

test('schema options drop and alter fields for drifted-org tests', () => {
  const org = newOrg({
    dropFields: ['Contact.Gentrack_External_Id__c'],
    alterFields: { 'Account.Gentrack_External_Id__c': { type: 'double', length: 0 } },
  });
  assert.equal(org.schema.object('Contact')!.field('Gentrack_External_Id__c'), undefined);
  assert.equal(org.schema.object('Account')!.field('Gentrack_External_Id__c')!.type, 'double');
  assert.throws(() => newOrg({ dropFields: ['Account.Nope__c'] }), /no field Account.Nope__c/);
});

test('inserts fill ids, audit fields, owner and defaults, and know who made them', async () => {
  const org = newOrg({ clock: () => Date.UTC(2024, 4, 1, 10, 0, 0) });
  const [result] = await org.insert('Account', { Name: 'Acme' }, { as: org.users.integration });
  const account = org.get('Account', result!.id!)!;
  assert.match(account.Id, /^001[a-zA-Z0-9]{15}$/);
  // Records are found by their exact id only: not by the same sequence number under another prefix, nor a prefix of it.
  assert.equal(org.get('Account', `003${account.Id.slice(3, 15)}`), undefined);
  assert.equal(org.get('Account', `003${account.Id.slice(3)}`), undefined);
  assert.equal(org.get('Account', 'not an id'), undefined);
  assert.equal(account['CreatedDate'], '2024-05-01T10:00:00.000+0000');
  assert.equal(account['CreatedById'], org.users.integration.id);
  assert.equal(account['OwnerId'], org.users.integration.id);
  assert.equal(account['IsDeleted'], false);
  const [change] = org.changes.all().filter((entry) => entry.objectType === 'Account');
  assert.equal(change!.username, org.users.integration.username);
  const [syncError] = await org.insert('Gentrack_Sync_Error__c', [{ Message__c: 'boom' }, { Message__c: 'again' }]);
  assert.equal(org.get('Gentrack_Sync_Error__c', syncError!.id!)!['Name'], 'SE-00001');
});

test('field validation answers with Salesforce error codes', async () => {
  const org = newOrg();
  await rejectsWith(org.insert('Account', { Name: 'A', Nope__c: 1 }), 'INVALID_FIELD');
  await rejectsWith(org.insert('Contact', { FirstName: 'No last name' }), 'REQUIRED_FIELD_MISSING');
  await rejectsWith(org.insert('Account', { Name: 'x'.repeat(256) }), 'STRING_TOO_LONG');
  await rejectsWith(
    org.insert('Account', { Name: 'A', Account_Class__c: 'Alien' }),
    'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
  );
  await rejectsWith(org.insert('Account', { Name: 'A', NumberOfEmployees: 'many' }), 'JSON_PARSER_ERROR');
  await rejectsWith(org.insert('Account', { Name: 'A', AnnualRevenue: true }), 'INVALID_TYPE_ON_FIELD_IN_RECORD');
  await rejectsWith(org.insert('Account', { Name: 'A', Credit_Limit__c: 1234567 }), 'NUMBER_OUTSIDE_VALID_RANGE');
  await rejectsWith(org.insert('Contact', { LastName: 'L', Email: 'not-an-email' }), 'INVALID_EMAIL_ADDRESS');
  await rejectsWith(
    org.insert('Contact', { LastName: 'L', AccountId: '001000000000000AAA' }),
    'INVALID_CROSS_REFERENCE_KEY',
  );
  await rejectsWith(
    org.insert('Contact', { LastName: 'L', AccountId: org.users.admin.id }),
    'FIELD_INTEGRITY_EXCEPTION',
  );
  await rejectsWith(
    org.insert('AccountContactRelation', { AccountId: null, ContactId: null }),
    'REQUIRED_FIELD_MISSING',
  );
  await rejectsWith(
    org.insert('Account', { Name: 'A', CreatedDate: '2020-01-01T00:00:00Z' }),
    'INVALID_FIELD_FOR_INSERT_UPDATE',
  );
  await rejectsWith(org.insert('Nope__c', { Name: 'A' }), 'INVALID_TYPE');
  const [deleted] = await org.insert('Account', { Name: 'Gone' });
  await org.delete('Account', deleted!.id!);
  await rejectsWith(org.insert('Contact', { LastName: 'L', AccountId: deleted!.id }), 'ENTITY_IS_DELETED');
  assert.equal(org.query('SELECT COUNT() FROM Contact').totalSize, 0, 'nothing failed half-way');
});

test('unique and External ID values are enforced case-insensitively', async () => {
  const org = newOrg();
  await org.insert('Account', { Name: 'A', Gentrack_External_Id__c: 'ACC-1' });
  const error = await rejectsWith(
    org.insert('Account', { Name: 'B', Gentrack_External_Id__c: 'acc-1' }),
    'DUPLICATE_VALUE',
  );
  assert.match(error.message, /duplicate value found: Gentrack_External_Id__c duplicates value on record with id: 001/);
  const [upserted] = await org.upsert('Account', { Gentrack_External_Id__c: 'Acc-1', Phone: '123' });
  assert.equal(upserted!.created, false);
  assert.equal(
    org.query("SELECT Phone FROM Account WHERE Gentrack_External_Id__c = 'ACC-1'").records[0]!['Phone'],
    '123',
  );
});

test('partial success keeps the valid records; all-or-none rolls everything back', async () => {
  const org = newOrg();
  const results = await org.insert('Account', [{ Name: 'Good' }, { Phone: 'no name' }, { Name: 'Also good' }], {
    allOrNone: false,
  });
  assert.deepEqual(
    results.map((result) => result.success),
    [true, false, true],
  );
  assert.equal(results[1]!.errors[0]!.errorCode, 'REQUIRED_FIELD_MISSING');
  const failed = await rejectsWith(
    org.insert('Account', [{ Name: 'Rolled back' }, { Phone: 'no name' }]),
    'REQUIRED_FIELD_MISSING',
  );
  assert.equal(failed.results[0]!.errors[0]!.errorCode, 'ALL_OR_NONE_OPERATION_ROLLED_BACK');
  assert.equal(org.query('SELECT COUNT() FROM Account').totalSize, 2);
});

test('the trigger hook fires after each operation in chunks of 200, with old and new records and the user', async () => {
  const org = newOrg();
  const events: AfterDmlEvent[] = [];
  org.onAfterDml((event) => {
    // Listeners run after the change: the records are already queryable.
    if (event.operation === 'insert') assert.ok(org.get(event.objectType, event.records[0]!.new!.Id));
    events.push(event);
  });
  const records = Array.from({ length: 450 }, (_, index) => ({ Name: `Account ${index}` }));
  const results = await org.insert('Account', records, { as: org.users.integration });
  assert.deepEqual(
    events.map((event) => event.records.length),
    [200, 200, 50],
  );
  assert.ok(
    events.every(
      (event) => event.objectType === 'Account' && event.operation === 'insert' && event.user === org.users.integration,
    ),
  );
  events.length = 0;
  await org.update('Account', { Id: results[0]!.id, Phone: '42' });
  assert.equal(events[0]!.operation, 'update');
  assert.equal(events[0]!.records[0]!.old!['Phone'], null);
  assert.equal(events[0]!.records[0]!.new!['Phone'], '42');
});

test('a listener error fails the DML call and rolls it back, like a trigger exception', async () => {
  const org = newOrg();
  org.onAfterDml((event) => {
    if (event.objectType === 'Contact') throw new Error('Gentrack is down');
  });
  const error = await rejectsWith(org.insert('Contact', { LastName: 'Smith' }), 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY');
  assert.match(error.message, /ContactTrigger: execution of AfterInsert\n\ncaused by: Gentrack is down/);
  assert.equal(org.query('SELECT COUNT() FROM Contact').totalSize, 0);
  assert.equal(
    org.changes.all().filter((entry) => entry.objectType === 'Contact').length,
    0,
    'nothing reached the change feed',
  );
});

test('DML from inside a listener joins the transaction and is rolled back with it', async () => {
  const org = newOrg();
  org.onAfterDml(async (event) => {
    if (event.objectType !== 'Account') return;
    await org.insert('Gentrack_Sync_Error__c', { Message__c: `saw ${event.records.length}` });
    if (event.records.some((change) => change.new?.['Name'] === 'Explode')) throw new Error('no');
  });
  await org.insert('Account', { Name: 'Fine' });
  assert.equal(org.query('SELECT COUNT() FROM Gentrack_Sync_Error__c').totalSize, 1);
  await rejectsWith(org.insert('Account', { Name: 'Explode' }), 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY');
  assert.equal(org.query('SELECT COUNT() FROM Gentrack_Sync_Error__c').totalSize, 1);
});

test('Contacts to Multiple Accounts: direct relations follow the contact, duplicates are refused', async () => {
  const org = newOrg();
  const seen: string[] = [];
  org.onAfterDml((event) => void seen.push(`${event.objectType}:${event.operation}:${event.records.length}`));
  const [home, other] = await org.insert('Account', [{ Name: 'Home' }, { Name: 'Other' }]);
  const [contact] = await org.insert('Contact', { LastName: 'Smith', AccountId: home!.id });
  const direct = org.query(
    `SELECT Id, AccountId, IsDirect, IsActive FROM AccountContactRelation WHERE ContactId = '${contact!.id}'`,
  ).records;
  assert.equal(direct.length, 1);
  assert.deepEqual([direct[0]!['AccountId'], direct[0]!['IsDirect'], direct[0]!['IsActive']], [home!.id, true, true]);
  // The index finds the exact id only, not another prefix on the same sequence number.
  const forged = `001${contact!.id!.slice(3)}`;
  assert.equal(org.query(`SELECT Id FROM AccountContactRelation WHERE ContactId = '${forged}'`).records.length, 0);
  assert.equal(
    org.query(`SELECT Id FROM AccountContactRelation WHERE AccountId IN ('${home!.id}', '${forged}')`).records.length,
    1,
  );
  assert.deepEqual(seen.slice(-2), ['Contact:insert:1', 'AccountContactRelation:insert:1']);

  await org.insert('AccountContactRelation', { AccountId: other!.id, ContactId: contact!.id, Roles: 'Billing' });
  await rejectsWith(
    org.insert('AccountContactRelation', { AccountId: other!.id, ContactId: contact!.id }),
    'DUPLICATE_VALUE',
  );
  await rejectsWith(
    org.insert('AccountContactRelation', { AccountId: other!.id, ContactId: '003000000000000AAA' }),
    'INVALID_CROSS_REFERENCE_KEY',
  );
  await rejectsWith(
    org.update('AccountContactRelation', { Id: direct[0]!['Id'], IsDirect: false }),
    'INVALID_FIELD_FOR_INSERT_UPDATE',
  );
  await rejectsWith(org.delete('AccountContactRelation', String(direct[0]!['Id'])), 'DELETE_FAILED');

  // Moving the contact: the old account stays related, indirectly; the existing relation to the new one turns direct.
  await org.update('Contact', { Id: contact!.id, AccountId: other!.id });
  const relations = org.query(
    `SELECT Account.Name, IsDirect FROM AccountContactRelation WHERE ContactId = '${contact!.id}' ORDER BY Account.Name`,
  ).records;
  assert.deepEqual(
    relations.map((row) => [(row['Account'] as { Name: string }).Name, row['IsDirect']]),
    [
      ['Home', false],
      ['Other', true],
    ],
  );

  seen.length = 0;
  await org.delete('Contact', contact!.id!);
  assert.equal(org.query('SELECT COUNT() FROM AccountContactRelation').totalSize, 0);
  assert.equal(
    org.query('SELECT COUNT() FROM AccountContactRelation', { includeDeleted: true }).totalSize,
    0,
    'relations are not recycled',
  );
  assert.deepEqual(seen, ['Contact:delete:1', 'AccountContactRelation:delete:2']);
});

test('the Recycle Bin: delete, queryAll, undelete', async () => {
  const org = newOrg();
  const seen: string[] = [];
  org.onAfterDml((event) => void seen.push(`${event.objectType}:${event.operation}`));
  const [account] = await org.insert('Account', { Name: 'Acme', Gentrack_External_Id__c: 'A1' });
  const [contact] = await org.insert('Contact', { LastName: 'Smith', AccountId: account!.id });
  await org.delete('Contact', contact!.id!);
  assert.equal(org.get('Contact', contact!.id!)!['IsDeleted'], true);
  assert.equal(org.query('SELECT COUNT() FROM Contact').totalSize, 0);
  assert.equal(org.query('SELECT Id FROM Contact WHERE IsDeleted = true', { includeDeleted: true }).totalSize, 1);
  await rejectsWith(org.update('Contact', { Id: contact!.id, LastName: 'X' }), 'ENTITY_IS_DELETED');
  await rejectsWith(org.delete('Contact', contact!.id!), 'ENTITY_IS_DELETED');

  seen.length = 0;
  await org.undelete([contact!.id!], org.users.integration);
  assert.equal(org.get('Contact', contact!.id!)!['IsDeleted'], false);
  assert.deepEqual(seen, ['Contact:undelete', 'AccountContactRelation:insert']);
  await rejectsWith(org.undelete('Contact', contact!.id!), 'UNDELETE_FAILED');

  // An account takes its contacts to the Recycle Bin (no contact trigger runs) and brings them back.
  seen.length = 0;
  await org.delete('Account', account!.id!);
  assert.deepEqual(seen, ['Account:delete', 'AccountContactRelation:delete']);
  assert.equal(org.get('Contact', contact!.id!)!['IsDeleted'], true);
  await org.insert('Account', { Name: 'Taken', Gentrack_External_Id__c: 'a1' });
  await rejectsWith(org.undelete('Account', account!.id!), 'DUPLICATE_VALUE');
  await org.update('Account', {
    Id: org.query("SELECT Id FROM Account WHERE Name = 'Taken'").records[0]!['Id'],
    Gentrack_External_Id__c: 'A9',
  });
  await org.undelete('Account', account!.id!);
  assert.equal(org.get('Contact', contact!.id!)!['IsDeleted'], false);
  assert.equal(org.query('SELECT COUNT() FROM AccountContactRelation WHERE IsDirect = true').totalSize, 1);
});

test('upsert by External ID inserts then updates, and resolves parents by External ID', async () => {
  const org = newOrg();
  const [created] = await org.upsert('Account', { Gentrack_External_Id__c: 'A1', Name: 'Acme' });
  const [updated] = await org.upsert('Account', { Gentrack_External_Id__c: 'A1', Name: 'Acme Ltd' });
  assert.deepEqual([created!.created, updated!.created, updated!.id], [true, false, created!.id]);
  const [contact] = await org.upsert('Contact', {
    Gentrack_External_Id__c: 'C1',
    LastName: 'Smith',
    Account: { Gentrack_External_Id__c: 'a1' },
  });
  assert.equal(org.get('Contact', contact!.id!)!['AccountId'], created!.id);
  const missing = await rejectsWith(
    org.insert('Contact', { LastName: 'X', Account: { Gentrack_External_Id__c: 'NOPE' } }),
    'INVALID_FIELD',
  );
  assert.match(
    missing.message,
    /Foreign key external ID: NOPE not found for field Gentrack_External_Id__c in entity Account/,
  );
  const results = await org.upsert(
    'Account',
    [
      { Gentrack_External_Id__c: 'B1', Name: 'x' },
      { Gentrack_External_Id__c: 'b1', Name: 'y' },
    ],
    { allOrNone: false },
  );
  assert.deepEqual(
    results.map((result) => result.errors[0]?.errorCode),
    ['DUPLICATE_EXTERNAL_ID', 'DUPLICATE_EXTERNAL_ID'],
  );
});

test('hierarchy custom settings resolve user, then org default, then field default', async () => {
  const org = newOrg();
  const setting = 'Gentrack_Connector_Settings__c';
  assert.equal(org.customSettings.getInstance(setting, org.users.admin)['Disable_Publishing__c'], false);
  await org.insert(setting, { Disable_Publishing__c: true });
  assert.equal(org.customSettings.getOrgDefaults(setting)['Disable_Publishing__c'], true);
  assert.equal(org.customSettings.getInstance(setting, org.users.integration)['Disable_Publishing__c'], true);
  await org.insert(setting, { SetupOwnerId: org.users.integration.id, Disable_Publishing__c: false });
  assert.equal(org.customSettings.getInstance(setting, org.users.integration)['Disable_Publishing__c'], false);
  assert.equal(org.customSettings.getInstance(setting, org.users.admin)['Disable_Publishing__c'], true);
  await rejectsWith(org.insert(setting, { SetupOwnerId: org.id }), 'DUPLICATE_VALUE');
});

test('platform events are validated, not stored, and delivered on commit', async () => {
  const org = newOrg();
  const delivered: string[] = [];
  org.onEventPublished((batch) =>
    delivered.push(
      ...batch.events.map((event) => `${batch.eventType}:${String(event['Record_Id__c'])}:${batch.user.username}`),
    ),
  );
  await org.insert(
    'Gentrack_Object_Event__e',
    { Record_Id__c: '001000000000001AAA', Part_Number__c: 1 },
    { as: org.users.integration },
  );
  assert.deepEqual(delivered, [`Gentrack_Object_Event__e:001000000000001AAA:${org.users.integration.username}`]);
  await rejectsWith(org.insert('Gentrack_Object_Event__e', { Part_Number__c: 1 }), 'REQUIRED_FIELD_MISSING');
  assert.throws(() => org.query('SELECT Id FROM Gentrack_Object_Event__e'), { errorCode: 'INVALID_TYPE' });
});

test('concurrent DML calls are serialised and each is atomic', async () => {
  const org = newOrg();
  org.onAfterDml(async () => {
    await new Promise((resolve) => setImmediate(resolve));
  });
  const calls = Array.from({ length: 20 }, (_, index) =>
    org.insert('Account', [{ Name: `A${index}`, Gentrack_External_Id__c: 'SAME' }], { allOrNone: false }),
  );
  const results = (await Promise.all(calls)).flat();
  assert.equal(results.filter((result) => result.success).length, 1);
  assert.equal(org.query("SELECT COUNT() FROM Account WHERE Gentrack_External_Id__c = 'same'").totalSize, 1);
});

test('work a listener schedules for later starts its own transaction', async () => {
  const org = newOrg();
  let later: Promise<unknown> | undefined;
  org.onAfterDml((event) => {
    if (event.objectType !== 'Account') return;
    // Kept: the timer is the subject (work scheduled on a later macrotask, outside the DML); the test awaits it.
    later = new Promise((resolve) => setTimeout(resolve, 5)).then(() => org.insert('Contact', { LastName: 'Later' }));
  });
  await org.insert('Account', { Name: 'Acme' });
  await later;
  assert.equal(
    org.changes.all().filter((entry) => entry.objectType === 'Contact').length,
    1,
    'the later insert committed on its own',
  );
});

test('deployed permission sets and triggers are queryable setup records; an org without force-app has none', () => {
  const org = createSandboxOrg({ forceAppDir: fileURLToPath(new URL('../../force-app', import.meta.url)) });
  const sets = org.query(
    "SELECT Name, IsCustom FROM PermissionSet WHERE Name IN ('Gentrack_Integration_User', 'Gentrack_Connector_User')",
  );
  assert.deepEqual(sets.records.map((record) => record['Name']).sort(), [
    'Gentrack_Connector_User',
    'Gentrack_Integration_User',
  ]);
  const triggers = org.query('SELECT Name, TableEnumOrId, Status, UsageAfterUndelete FROM ApexTrigger ORDER BY Name');
  assert.deepEqual(
    triggers.records.map((record) => [
      record['Name'],
      record['TableEnumOrId'],
      record['Status'],
      record['UsageAfterUndelete'],
    ]),
    [
      ['GentrackAccountContactRelationTrigger', 'AccountContactRelation', 'Active', false],
      ['GentrackAccountTrigger', 'Account', 'Active', true],
      ['GentrackContactTrigger', 'Contact', 'Active', true],
    ],
  );
  const bare = createSandboxOrg({ forceAppDir: false });
  assert.equal(bare.query('SELECT Id FROM ApexTrigger').totalSize, 0);
  assert.equal(bare.query('SELECT Id FROM PermissionSet').totalSize, 0);
});

test("a user's object and field permissions are their profile's and their permission sets' from force-app", () => {
  const org = createSandboxOrg({ forceAppDir: fileURLToPath(new URL('../../force-app', import.meta.url)) });
  const account = org.schema.object('Account')!;
  const errors = org.schema.object('Gentrack_Sync_Error__c')!;
  const field = (object: typeof account, name: string) => object.field(name)!;
  const externalId = field(account, 'Gentrack_External_Id__c');
  const tradingName = field(account, 'Trading_Name__c');

  // System Administrator: every object and standard field, but a deployed custom field only through a permission set.
  const admin = org.users.admin.access;
  assert.equal(org.users.admin.profile, 'System Administrator');
  assert.ok(admin.canAccess(errors, 'delete'));
  assert.ok(admin.canEditField(account, field(account, 'Phone')));
  assert.ok(!admin.canReadField(account, externalId));
  assert.ok(org.users.integration.access.canEditField(account, externalId));

  const connector = org.users.create({
    username: 'connector@gentrack-sandbox.example',
    lastName: 'Connector',
    profile: 'Minimum Access - Salesforce',
    permissionSets: ['Gentrack_Connector_User'],
  }).access;
  assert.ok(connector.canReadField(account, externalId) && !connector.canEditField(account, externalId));
  assert.ok(connector.canEditField(account, tradingName));
  assert.ok(connector.canRead(errors) && !connector.canAccess(errors, 'create'));
  // Minimum Access grants nothing: Account itself comes from no permission set of this user.
  assert.ok(!connector.canRead(account));
  // Fields without field-level security: the name, required fields, audit fields.
  assert.ok(connector.canEditField(account, field(account, 'Name')));
  assert.ok(connector.canReadField(account, field(account, 'CreatedDate')));

  const profiles = org.query('SELECT Id, Name FROM Profile ORDER BY Name');
  assert.deepEqual(
    profiles.records.map((record) => record['Name']),
    ['Minimum Access - Salesforce', 'System Administrator'],
  );
  assert.equal(org.users.profileWithId(String(profiles.records[1]!['Id'])), 'System Administrator');
});

test('uploading a ContentVersion creates its ContentDocument', async () => {
  const org = newOrg();
  const data = Buffer.from('a,b\n1,2\n').toString('base64');
  const [result] = await org.insert('ContentVersion', {
    Title: 'Report',
    PathOnClient: 'report.csv',
    VersionData: data,
  });
  const version = org.get('ContentVersion', result!.id!)!;
  const document = org.get('ContentDocument', String(version['ContentDocumentId']))!;
  assert.deepEqual(
    [document['Title'], document['LatestPublishedVersionId'], version['OwnerId']],
    ['Report', version.Id, org.users.admin.id],
  );
  await rejectsWith(
    org.insert('ContentVersion', { Title: 'No data', PathOnClient: 'x.csv' }),
    'REQUIRED_FIELD_MISSING',
  );
});
