/**
 * The sandbox org through the real jsforce client: whatever jsforce does against a real org must work (or fail with
 * the same error code) here. Every Connection passes `version: '62.0'` (jsforce 3 defaults to v50.0).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import jsforce from 'jsforce';
import { startSalesforceSandbox, type RunningSalesforceSandbox, type StartOptions } from './index.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/force-app', import.meta.url));
const VERSION = '62.0';
const running: RunningSalesforceSandbox[] = [];

async function sandbox(options: StartOptions = {}): Promise<RunningSalesforceSandbox> {
  const started = await startSalesforceSandbox({ port: 0, host: '127.0.0.1', forceAppDir: FIXTURE, ...options });
  running.push(started);
  return started;
}

/** A connection logged in with username + password + security token (SOAP login: no client id given). */
async function loginAsAdmin(sb: RunningSalesforceSandbox): Promise<jsforce.Connection> {
  const conn = new jsforce.Connection({ loginUrl: sb.loginUrl, version: VERSION });
  const { username, password, securityToken } = sb.org.credentials.admin;
  await conn.login(username, password + securityToken);
  return conn;
}

async function errorCodeOf(promise: PromiseLike<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { errorCode?: string; name: string }).errorCode ?? (error as Error).name;
  }
  return 'no error';
}

/** Salesforce writes `statusCode` in save results (jsforce's types say `errorCode`). */
function statusOf(result: { errors: readonly unknown[] }): string | undefined {
  return (result.errors[0] as { statusCode?: string } | undefined)?.statusCode;
}

let shared: RunningSalesforceSandbox;
let conn: jsforce.Connection;

before(async () => {
  shared = await sandbox();
  conn = await loginAsAdmin(shared);
});

after(async () => {
  for (const started of running) await started.close();
});

test('SOAP login and the OAuth username-password flow both establish a session', async () => {
  assert.equal(conn.userInfo?.id, shared.org.users.admin.id);
  assert.equal(conn.userInfo?.organizationId, shared.org.id);
  assert.equal(conn.instanceUrl, shared.instanceUrl);

  const oauth = new jsforce.Connection({
    oauth2: {
      loginUrl: shared.loginUrl,
      clientId: shared.org.connectedApp.clientId,
      clientSecret: shared.org.connectedApp.clientSecret,
    },
    version: VERSION,
  });
  const { username, password, securityToken } = shared.org.credentials.integration;
  const userInfo = await oauth.login(username, password + securityToken);
  assert.equal(userInfo.id, shared.org.users.integration.id);
  const identity = await oauth.identity();
  assert.equal(identity.username, username);

  // jsforce turns the SOAP fault into a plain Error carrying the faultstring.
  await assert.rejects(
    new jsforce.Connection({ loginUrl: shared.loginUrl, version: VERSION }).login(username, password),
    /^Error: INVALID_LOGIN: Invalid username, password, security token; or user locked out\.$/,
  );
  assert.equal(await errorCodeOf(oauth.login(username, 'wrong')), 'invalid_grant');
  const wrongClient = new jsforce.Connection({
    oauth2: { loginUrl: shared.loginUrl, clientId: 'nope', clientSecret: 'x' },
    version: VERSION,
  });
  assert.equal(await errorCodeOf(wrongClient.login(username, password + securityToken)), 'invalid_client_id');
});

test('the token endpoint answers in Salesforce shape, and the client-credentials flow runs as the integration user', async () => {
  const { clientId, clientSecret } = shared.org.connectedApp;
  const response = await fetch(`${shared.loginUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  const token = (await response.json()) as Record<string, string>;
  for (const key of ['access_token', 'instance_url', 'id', 'token_type', 'issued_at', 'signature'])
    assert.ok(token[key], key);
  assert.equal(token['token_type'], 'Bearer');

  const integration = new jsforce.Connection({
    oauth2: { loginUrl: shared.loginUrl, clientId, clientSecret },
    version: VERSION,
  });
  const userInfo = await integration.authorize({ grant_type: 'client_credentials' });
  assert.equal(userInfo.id, shared.org.users.integration.id);
  const created = await integration.sobject('Account').create({ Name: 'Written by the relay' });
  assert.equal(shared.org.get('Account', created.id!)!['CreatedById'], shared.org.users.integration.id);
});

test('create, retrieve, update and destroy', async () => {
  const created = await conn.sobject('Account').create({ Name: 'Acme', Phone: '+64 9 000' });
  assert.equal(created.success, true);
  const record = await conn.sobject('Account').retrieve(created.id!);
  assert.equal(record['Name'], 'Acme');
  assert.equal(record.attributes?.type, 'Account');
  const some = await conn.sobject('Account').retrieve(created.id!, { fields: ['Phone'] });
  assert.deepEqual(Object.keys(some), ['attributes', 'Phone']);
  const updated = await conn.sobject('Account').update({ Id: created.id!, Phone: '+64 9 111' });
  assert.deepEqual(updated, { id: created.id, success: true, errors: [] });
  assert.equal((await conn.sobject('Account').retrieve(created.id!))['Phone'], '+64 9 111');
  await conn.sobject('Account').destroy(created.id!);
  assert.equal(await errorCodeOf(conn.sobject('Account').retrieve(created.id!)), 'ENTITY_IS_DELETED');
  assert.equal(await errorCodeOf(conn.sobject('Account').retrieve('001000000000000AAA')), 'NOT_FOUND');
  assert.equal(await errorCodeOf(conn.sobject('Account').update({ Id: created.id!, Phone: 'x' })), 'ENTITY_IS_DELETED');
});

test('upsert by External ID: created, then updated; parents resolved by External ID', async () => {
  const first = await conn
    .sobject('Account')
    .upsert({ Gentrack_External_Id__c: 'UPS-1', Name: 'Upserted' }, 'Gentrack_External_Id__c');
  assert.deepEqual([first.success, first.created], [true, true]);
  const second = await conn
    .sobject('Account')
    .upsert({ Gentrack_External_Id__c: 'UPS-1', Name: 'Upserted again' }, 'Gentrack_External_Id__c');
  assert.deepEqual([second.created, second.id], [false, first.id]);

  const contact = await conn
    .sobject('Contact')
    .create({ LastName: 'Smith', Account: { Gentrack_External_Id__c: 'ups-1' } });
  const stored = await conn.sobject('Contact').retrieve(contact.id!);
  assert.equal(stored['AccountId'], first.id);
  assert.equal(
    await errorCodeOf(conn.sobject('Contact').create({ LastName: 'X', Account: { Gentrack_External_Id__c: 'NOPE' } })),
    'INVALID_FIELD',
  );
  assert.equal(await errorCodeOf(conn.sobject('Account').upsert({ Name: 'by name', Phone: '1' }, 'Name')), 'NOT_FOUND');

  const results = await conn
    .sobject('Account')
    .upsert(
      [
        { Gentrack_External_Id__c: 'UPS-1', Phone: '1' },
        { Gentrack_External_Id__c: 'UPS-2', Name: 'Two' },
        { Gentrack_External_Id__c: 'UPS-3' },
      ],
      'Gentrack_External_Id__c',
    );
  assert.deepEqual(
    results.map((result) => [result.success, result.success ? result.created : statusOf(result)]),
    [
      [true, false],
      [true, true],
      [false, 'REQUIRED_FIELD_MISSING'],
    ],
  );
});

test('a single-record upsert matching several records answers 300 Multiple Choices', async () => {
  const sb = await sandbox({
    fields: { Account: [{ name: 'Legacy_Ref__c', type: 'string', length: 20, externalId: true }] },
  });
  await sb.org.insert('Account', [
    { Name: 'One', Legacy_Ref__c: 'L1' },
    { Name: 'Two', Legacy_Ref__c: 'L1' },
  ]);
  const admin = await loginAsAdmin(sb);
  assert.equal(
    await errorCodeOf(admin.sobject('Account').upsert({ Legacy_Ref__c: 'L1', Phone: '1' }, 'Legacy_Ref__c')),
    'MULTIPLE_CHOICES',
  );
});

test('sObject Collections: allOrNone false keeps the good records, true rolls back, results in input order', async () => {
  const partial = await conn
    .sobject('Contact')
    .create([{ LastName: 'A' }, { FirstName: 'no last name' }, { LastName: 'C', Email: 'bad' }, { LastName: 'D' }], {
      allOrNone: false,
    });
  assert.deepEqual(
    partial.map((result) => (result.success ? 'ok' : statusOf(result))),
    ['ok', 'REQUIRED_FIELD_MISSING', 'INVALID_EMAIL_ADDRESS', 'ok'],
  );

  const before = (await conn.query('SELECT COUNT() FROM Contact')).totalSize;
  const atomic = await conn
    .sobject('Contact')
    .create([{ LastName: 'E' }, { FirstName: 'no last name' }], { allOrNone: true });
  assert.deepEqual(
    atomic.map((result) => statusOf(result)),
    ['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'REQUIRED_FIELD_MISSING'],
  );
  assert.equal((await conn.query('SELECT COUNT() FROM Contact')).totalSize, before);

  const ids = partial.filter((result) => result.success).map((result) => result.id!);
  const updated = await conn.sobject('Contact').update(
    [
      { Id: ids[0]!, Title: 'CFO' },
      { Id: '003000000000000AAA', Title: 'x' },
      { Id: ids[1]!, LastName: '' },
    ],
    {
      allOrNone: false,
    },
  );
  assert.deepEqual(
    updated.map((result) => (result.success ? 'ok' : statusOf(result))),
    ['ok', 'INVALID_CROSS_REFERENCE_KEY', 'REQUIRED_FIELD_MISSING'],
  );

  const retrieved = await conn.sobject('Contact').retrieve([ids[0]!, '003000000000000AAA']);
  assert.equal(retrieved[0]!['Title'], 'CFO');
  assert.equal(retrieved[1], null);

  const deleted = await conn.sobject('Contact').destroy([ids[0]!, ids[0]!]);
  assert.deepEqual(
    deleted.map((result) => (result.success ? 'ok' : statusOf(result))),
    ['ok', 'ENTITY_IS_DELETED'],
  );

  const tooMany = Array.from({ length: 201 }, (_, index) => ({ LastName: `L${index}` }));
  assert.equal(await errorCodeOf(conn.sobject('Contact').create(tooMany)), 'EXCEEDED_ID_LIMIT');
  const recursive = await conn.sobject('Contact').create(tooMany, { allowRecursive: true });
  assert.equal(recursive.filter((result) => result.success).length, 201);
});

test('query and queryMore page through more than 2000 records', async () => {
  const sb = await sandbox();
  await sb.org.insert(
    'Account',
    Array.from({ length: 2500 }, (_, index) => ({ Name: `Bulk ${String(index).padStart(4, '0')}` })),
  );
  const admin = await loginAsAdmin(sb);
  const first = await admin.query<{ Name: string }>(
    "SELECT Id, Name FROM Account WHERE Name LIKE 'Bulk%' ORDER BY Name DESC",
  );
  assert.deepEqual([first.totalSize, first.done, first.records.length], [2500, false, 2000]);
  assert.equal(first.records[0]!.Name, 'Bulk 2499');
  // jsforce keeps the locator and rebuilds the URL on its base URL.
  assert.match(first.nextRecordsUrl!, /\/services\/data\/v62\.0\/query\/01g[0-9a-zA-Z]+-2000$/);
  const raw = await fetch(
    `${sb.instanceUrl}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Account')}`,
    {
      headers: { authorization: `Bearer ${admin.accessToken}`, 'sforce-query-options': 'batchSize=500' },
    },
  );
  const page = (await raw.json()) as { nextRecordsUrl: string; records: unknown[] };
  assert.match(
    page.nextRecordsUrl,
    /^\/services\/data\/v62\.0\/query\/01g[0-9a-zA-Z]+-500$/,
    'Salesforce sends a relative URL',
  );
  assert.equal(page.records.length, 500);
  const rest = await admin.queryMore<{ Name: string }>(first.nextRecordsUrl!);
  assert.deepEqual([rest.done, rest.records.length, rest.records.at(-1)!.Name], [true, 500, 'Bulk 0000']);
  const all = await admin
    .query("SELECT Id FROM Account WHERE Name LIKE 'Bulk%'")
    .run({ autoFetch: true, maxFetch: 10000 });
  assert.equal(all.records.length, 2500);
  assert.equal(await errorCodeOf(admin.queryMore(first.nextRecordsUrl!)), 'INVALID_QUERY_LOCATOR');
});

test('SOQL: relationship fields, filters, ordering, paging, COUNT() and queryAll', async () => {
  const sb = await sandbox({ clock: () => Date.now() });
  const [acme, globex] = await sb.org.insert('Account', [
    { Name: 'Acme', Gentrack_External_Id__c: 'A-1', Account_Class__c: 'Business' },
    { Name: 'Globex', Gentrack_External_Id__c: 'A-2' },
  ]);
  await sb.org.insert('Contact', [
    { FirstName: 'Ann', LastName: 'Lee', AccountId: acme!.id, Birthdate: '1980-02-01' },
    { FirstName: 'Bob', LastName: 'Ng', AccountId: globex!.id },
    { LastName: "O'Hara" },
  ]);
  const admin = await loginAsAdmin(sb);
  const rows = (
    await admin.query<Record<string, any>>(
      "SELECT Name, Account.Name, Account.Gentrack_External_Id__c FROM Contact WHERE Account.Gentrack_External_Id__c IN ('a-1', 'A-2') ORDER BY Account.Name DESC NULLS LAST",
    )
  ).records;
  assert.deepEqual(
    rows.map((row) => [row['Name'], row['Account']['Name'], row['Account']['Gentrack_External_Id__c']]),
    [
      ['Bob Ng', 'Globex', 'A-2'],
      ['Ann Lee', 'Acme', 'A-1'],
    ],
  );
  assert.equal(rows[0]!['Account'].attributes.type, 'Account');
  const orphan = (
    await admin.query<Record<string, any>>("SELECT Name, Account.Name FROM Contact WHERE LastName = 'O\\'Hara'")
  ).records;
  assert.deepEqual([orphan[0]!['Name'], orphan[0]!['Account']], ["O'Hara", null]);

  const names = async (soql: string) => (await admin.query<{ Name: string }>(soql)).records.map((row) => row.Name);
  assert.deepEqual(
    await names("SELECT Name FROM Contact WHERE AccountId != null AND (NOT FirstName LIKE 'b%') ORDER BY Name"),
    ['Ann Lee'],
  );
  assert.deepEqual(
    await names("SELECT Name FROM Contact WHERE Birthdate < 1990-01-01 OR FirstName = 'bob' ORDER BY Name ASC"),
    ['Ann Lee', 'Bob Ng'],
  );
  assert.deepEqual(await names('SELECT Name FROM Contact ORDER BY Name LIMIT 1 OFFSET 1'), ['Bob Ng']);
  assert.deepEqual(
    await names(
      "SELECT Name FROM Account WHERE CreatedDate = TODAY AND Account_Class__c NOT IN ('Residential') ORDER BY Name",
    ),
    ['Acme', 'Globex'],
  );
  assert.deepEqual(
    await names(`SELECT Name FROM Account WHERE CreatedDate > ${new Date(Date.now() - 60_000).toISOString()}`),
    ['Acme', 'Globex'],
  );
  assert.equal(await admin.sobject('Contact').count({ LastName: 'Lee' }), 1);
  const found = await admin
    .sobject('Contact')
    .find({ FirstName: { $in: ['Ann', 'Bob'] } }, ['Id', 'Name'])
    .sort('-Name')
    .limit(5);
  assert.deepEqual(
    found.map((row: Record<string, unknown>) => row['Name']),
    ['Bob Ng', 'Ann Lee'],
  );

  await sb.org.delete('Contact', String(rows[0]!.attributes.url).split('/').pop()!);
  assert.equal((await admin.query('SELECT COUNT() FROM Contact')).totalSize, 2);
  assert.equal((await admin.query('SELECT Id FROM Contact', { scanAll: true })).totalSize, 3);
});

test('describeGlobal and describe report the schema, including custom objects and fields', async () => {
  const global = await conn.describeGlobal();
  const names = global.sobjects.map((sobject) => sobject.name);
  for (const name of [
    'Account',
    'Contact',
    'AccountContactRelation',
    'Gentrack_Connector_Settings__c',
    'Gentrack_Sync_Error__c',
    'Gentrack_Object_Event__e',
  ]) {
    assert.ok(names.includes(name), name);
  }
  const account = await conn.sobject('Account').describe();
  assert.deepEqual([account.keyPrefix, account.custom], ['001', false]);
  const externalId = account.fields.find((field) => field.name === 'Gentrack_External_Id__c')!;
  assert.deepEqual(
    [
      externalId.type,
      externalId.length,
      externalId.externalId,
      externalId.unique,
      externalId.custom,
      externalId.caseSensitive,
    ],
    ['string', 30, true, true, true, false],
  );
  const accountClass = account.fields.find((field) => field.name === 'Account_Class__c')!;
  assert.deepEqual(
    [accountClass.type, accountClass.restrictedPicklist, accountClass.picklistValues!.map((value) => value.value)],
    ['picklist', true, ['Residential', 'Business']],
  );
  const parent = account.fields.find((field) => field.name === 'ParentId')!;
  assert.deepEqual(
    [parent.type, parent.referenceTo, parent.relationshipName, parent.nillable],
    ['reference', ['Account'], 'Parent', true],
  );
  const name = account.fields.find((field) => field.name === 'Name')!;
  assert.deepEqual([name.nillable, name.createable, name.updateable], [false, true, true]);
  const relation = await conn.sobject('AccountContactRelation').describe();
  const isDirect = relation.fields.find((field) => field.name === 'IsDirect')!;
  assert.deepEqual([isDirect.createable, isDirect.updateable], [false, false]);
  const credit = account.fields.find((field) => field.name === 'Credit_Limit__c')!;
  assert.deepEqual([credit.type, credit.precision, credit.scale], ['currency', 8, 2]);
  assert.equal(await errorCodeOf(conn.sobject('Nope__c').describe()), 'NOT_FOUND');
});

test('errors reach jsforce with Salesforce error codes', async () => {
  const account = conn.sobject('Account');
  const contact = conn.sobject('Contact');
  assert.equal(await errorCodeOf(account.create({ Name: 'A', Nope__c: 'x' })), 'INVALID_FIELD');
  assert.equal(
    await errorCodeOf(account.create({ Name: 'A', AnnualRevenue: true })),
    'INVALID_TYPE_ON_FIELD_IN_RECORD',
  );
  assert.equal(await errorCodeOf(account.create({ Name: 'A', NumberOfEmployees: 'lots' })), 'JSON_PARSER_ERROR');
  assert.equal(await errorCodeOf(account.create({ Name: 'x'.repeat(300) })), 'STRING_TOO_LONG');
  assert.equal(await errorCodeOf(contact.create({ FirstName: 'No last name' })), 'REQUIRED_FIELD_MISSING');
  assert.equal(
    await errorCodeOf(account.create({ Name: 'A', Account_Class__c: 'Alien' })),
    'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
  );
  assert.equal(
    await errorCodeOf(contact.create({ LastName: 'L', AccountId: '001000000000000AAA' })),
    'INVALID_CROSS_REFERENCE_KEY',
  );
  const gone = await account.create({ Name: 'Gone' });
  await account.destroy(gone.id!);
  assert.equal(await errorCodeOf(contact.create({ LastName: 'L', AccountId: gone.id! })), 'ENTITY_IS_DELETED');
  await account.create({ Name: 'Unique', Gentrack_External_Id__c: 'DUP-1' });
  assert.equal(
    await errorCodeOf(account.create({ Name: 'Again', Gentrack_External_Id__c: 'dup-1' })),
    'DUPLICATE_VALUE',
  );
  assert.equal(await errorCodeOf(conn.query('SELECT Id FORM Account')), 'MALFORMED_QUERY');
  assert.equal(await errorCodeOf(conn.query('SELECT Nope__c FROM Account')), 'INVALID_FIELD');
  assert.equal(await errorCodeOf(conn.query('SELECT Id FROM Nope__c')), 'INVALID_TYPE');
  assert.equal(await errorCodeOf(conn.query("SELECT Id FROM Account WHERE NumberOfEmployees = '3'")), 'INVALID_FIELD');
  assert.equal(await errorCodeOf(conn.sobject('Nope__c').create({ Name: 'x' })), 'NOT_FOUND');
  await assert.rejects(
    Promise.resolve(conn.query('SELECT Id FORM Account')),
    /ERROR at Row:1:Column:11\nunexpected token: FORM/,
  );
});

test('an expired session is refreshed by jsforce logging in again', async () => {
  const soap = await loginAsAdmin(shared);
  const oauth = new jsforce.Connection({
    oauth2: {
      loginUrl: shared.loginUrl,
      clientId: shared.org.connectedApp.clientId,
      clientSecret: shared.org.connectedApp.clientSecret,
    },
    version: VERSION,
  });
  const { username, password, securityToken } = shared.org.credentials.admin;
  await oauth.login(username, password + securityToken);
  const tokens = [soap.accessToken, oauth.accessToken];
  shared.org.expireSessions();

  const raw = await fetch(`${shared.instanceUrl}/services/data/v62.0/limits`, {
    headers: { authorization: `Bearer ${tokens[0]}` },
  });
  assert.equal(raw.status, 401);
  assert.deepEqual(await raw.json(), [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);

  for (const connection of [soap, oauth]) {
    const result = await connection.query('SELECT COUNT() FROM Account');
    assert.ok(result.totalSize >= 0);
  }
  assert.notEqual(soap.accessToken, tokens[0]);
  assert.notEqual(oauth.accessToken, tokens[1]);
});

test('the daily API request limit: limits reports it, and past it requests fail with REQUEST_LIMIT_EXCEEDED', async () => {
  const sb = await sandbox({ dailyApiRequestLimit: 3 });
  const admin = await loginAsAdmin(sb);
  const limits = (await admin.limits()) as unknown as { DailyApiRequests: { Max: number; Remaining: number } };
  assert.deepEqual(limits.DailyApiRequests, { Max: 3, Remaining: 2 });
  await admin.query('SELECT Id FROM Account');
  await admin.query('SELECT Id FROM Account');
  assert.equal(await errorCodeOf(admin.query('SELECT Id FROM Account')), 'REQUEST_LIMIT_EXCEEDED');
  sb.org.apiRequests.reset();
  await admin.query('SELECT Id FROM Account');
});

test('a failing trigger listener fails the REST call and leaves nothing behind', async () => {
  const sb = await sandbox();
  const calls: number[] = [];
  sb.org.onAfterDml((event) => {
    calls.push(event.records.length);
    if (event.records.some((change) => change.new?.['Name'] === 'Fail')) throw new Error('callout refused');
  });
  const admin = await loginAsAdmin(sb);
  await assert.rejects(admin.sobject('Account').create({ Name: 'Fail' }), {
    errorCode: 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
    message: /AccountTrigger: execution of AfterInsert\n\ncaused by: callout refused/,
  });
  const collection = await admin.sobject('Account').create([{ Name: 'Fine' }, { Name: 'Fail' }], { allOrNone: false });
  assert.deepEqual(
    collection.map((result) => statusOf(result)),
    ['CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY'],
  );
  assert.equal((await admin.query('SELECT COUNT() FROM Account')).totalSize, 0);
  assert.deepEqual(calls, [1, 2]);
});

test('platform events can be published over REST', async () => {
  const sb = await sandbox();
  const published: unknown[] = [];
  sb.org.onEventPublished((batch) => published.push(...batch.events));
  const admin = await loginAsAdmin(sb);
  const result = await admin.sobject('Gentrack_Object_Event__e').create({ Record_Id__c: '001000000000001AAA' });
  assert.equal(result.success, true);
  assert.equal(published.length, 1);
});

test('raw HTTP answers have Salesforce shapes: versions, unknown resources, empty 204s, usage header', async () => {
  const versions = (await (await fetch(`${shared.instanceUrl}/services/data/`)).json()) as {
    version: string;
    url: string;
  }[];
  assert.ok(versions.some((entry) => entry.version === '62.0' && entry.url === '/services/data/v62.0'));
  const fresh = await loginAsAdmin(shared);
  const headers = { authorization: `Bearer ${fresh.accessToken}`, 'content-type': 'application/json' };
  const unknown = await fetch(`${shared.instanceUrl}/services/data/v62.0/nothing/here`, { headers });
  assert.equal(unknown.status, 404);
  assert.deepEqual(await unknown.json(), [
    { message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' },
  ]);
  const badVersion = await fetch(`${shared.instanceUrl}/services/data/v99.0/sobjects`, { headers });
  assert.equal(badVersion.status, 404);
  const created = await fetch(`${shared.instanceUrl}/services/data/v62.0/sobjects/Account`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ Name: 'Raw' }),
  });
  assert.equal(created.status, 201);
  assert.match(created.headers.get('sforce-limit-info') ?? '', /^api-usage=\d+\/\d+$/);
  const { id } = (await created.json()) as { id: string };
  const patched = await fetch(`${shared.instanceUrl}/services/data/v62.0/sobjects/Account/${id}`, {
    method: 'PATCH',
    headers,
    body: JSON.stringify({ Phone: '1' }),
  });
  assert.deepEqual([patched.status, await patched.text()], [204, '']);
  const invalid = await fetch(`${shared.instanceUrl}/services/data/v62.0/sobjects/Account`, {
    method: 'POST',
    headers,
    body: '{"Name": ',
  });
  assert.equal(invalid.status, 400);
  assert.equal(((await invalid.json()) as { errorCode: string }[])[0]!.errorCode, 'JSON_PARSER_ERROR');
});
