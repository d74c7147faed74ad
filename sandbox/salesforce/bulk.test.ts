/** Bulk API 2.0 ingest through jsforce's bulk2 client, as the initial synchronisation uses it. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import jsforce from 'jsforce';
import { parseCsv, toCsv } from './bulk/csv.js';
import { startSalesforceSandbox, type RunningSalesforceSandbox } from './index.js';
import { eventually } from '../../test/eventually.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/force-app', import.meta.url));
/** Result rows as plain CSV cells (jsforce types them against its schema generics). */
const rowsOf = (results: unknown) => results as Record<string, string>[];

let sb: RunningSalesforceSandbox;
let conn: jsforce.Connection;

before(async () => {
  sb = await startSalesforceSandbox({ port: 0, host: '127.0.0.1', forceAppDir: FIXTURE });
  conn = new jsforce.Connection({ loginUrl: sb.loginUrl, version: '62.0' });
  const { username, password, securityToken } = sb.org.credentials.integration;
  await conn.login(username, password + securityToken);
});

after(() => sb.close());

test('CSV round-trips quotes, commas and line breaks', () => {
  const text = toCsv(['Name', 'Description'], [['Smith, "Jo"', 'line 1\nline 2']]);
  assert.deepEqual(parseCsv(text), [
    ['Name', 'Description'],
    ['Smith, "Jo"', 'line 1\nline 2'],
  ]);
  assert.deepEqual(parseCsv('A,B\r\n1,\r\n\r\n'), [
    ['A', 'B'],
    ['1', ''],
  ]);
});

test('an upsert job loads parents, then children referencing them by External ID, with per-record results', async () => {
  const chunks: number[] = [];
  sb.org.onAfterDml((event) => void chunks.push(event.records.length));
  const accounts = [
    'Gentrack_External_Id__c,Name',
    ...Array.from({ length: 450 }, (_, index) => `B-${index},Bulk Account ${index}`),
  ].join('\n');
  const accountResults = await conn.bulk2.loadAndWaitForResults({
    object: 'Account',
    operation: 'upsert',
    externalIdFieldName: 'Gentrack_External_Id__c',
    input: accounts,
    pollInterval: 20,
    pollTimeout: 10_000,
  });
  assert.equal(accountResults.successfulResults.length, 450);
  assert.equal(accountResults.failedResults.length, 0);
  assert.deepEqual(chunks, [200, 200, 50], 'triggers fire in chunks of 200');
  const first = rowsOf(accountResults.successfulResults)[0]!;
  assert.equal(first['sf__Created'], 'true');
  assert.notEqual(first['Gentrack_External_Id__c'], 'B-0', 'results are not in input order');

  const contacts =
    'Gentrack_External_Id__c,LastName,Account.Gentrack_External_Id__c\nC-1,Smith,b-1\nC-2,,B-2\nC-3,Ng,NOPE\n';
  const contactResults = await conn.bulk2.loadAndWaitForResults({
    object: 'Contact',
    operation: 'upsert',
    externalIdFieldName: 'Gentrack_External_Id__c',
    input: contacts,
    pollInterval: 20,
    pollTimeout: 10_000,
  });
  assert.equal(contactResults.successfulResults.length, 1);
  const errors = rowsOf(contactResults.failedResults)
    .map((row) => row['sf__Error']!.split(':')[0])
    .sort();
  assert.deepEqual(errors, ['INVALID_FIELD', 'REQUIRED_FIELD_MISSING']);
  const smith = sb.org.query(
    "SELECT Account.Gentrack_External_Id__c, CreatedById FROM Contact WHERE Gentrack_External_Id__c = 'C-1'",
  ).records[0]!;
  assert.equal((smith['Account'] as Record<string, unknown>)['Gentrack_External_Id__c'], 'B-1');
  assert.equal(smith['CreatedById'], sb.org.users.integration.id);

  const update = await conn.bulk2.loadAndWaitForResults({
    object: 'Contact',
    operation: 'upsert',
    externalIdFieldName: 'Gentrack_External_Id__c',
    input: 'Gentrack_External_Id__c,Email\nC-1,#N/A\n',
    pollInterval: 20,
    pollTimeout: 10_000,
  });
  assert.equal(rowsOf(update.successfulResults)[0]!['sf__Created'], 'false');
});

test('header names are read in any case, results echo them as sent, and an unknown column fails its rows', async () => {
  await conn.bulk2.loadAndWaitForResults({
    object: 'Account',
    operation: 'upsert',
    externalIdFieldName: 'Gentrack_External_Id__c',
    input: 'Gentrack_External_Id__c,Name\nH-1,Header Case Account\n',
    pollInterval: 20,
    pollTimeout: 10_000,
  });
  const results = await conn.bulk2.loadAndWaitForResults({
    object: 'Contact',
    operation: 'upsert',
    externalIdFieldName: 'Gentrack_External_Id__c',
    input: 'GENTRACK_EXTERNAL_ID__C,lastname,account.gentrack_external_id__c\nHC-1,Case,h-1\n',
    pollInterval: 20,
    pollTimeout: 10_000,
  });
  assert.deepEqual(rowsOf(results.failedResults), []);
  assert.equal(rowsOf(results.successfulResults)[0]!['account.gentrack_external_id__c'], 'h-1');
  const contact = sb.org.query("SELECT LastName, Account.Name FROM Contact WHERE Gentrack_External_Id__c = 'HC-1'")
    .records[0]!;
  assert.equal(contact['LastName'], 'Case');
  assert.equal((contact['Account'] as Record<string, unknown>)['Name'], 'Header Case Account');

  const unknown = await conn.bulk2.loadAndWaitForResults({
    object: 'Contact',
    operation: 'upsert',
    externalIdFieldName: 'Gentrack_External_Id__c',
    input: 'Gentrack_External_Id__c,LastName,Acount.Gentrack_External_Id__c\nHC-2,Typo,h-1\n',
    pollInterval: 20,
    pollTimeout: 10_000,
  });
  assert.match(
    rowsOf(unknown.failedResults)[0]!['sf__Error']!,
    /^INVALID_FIELD:No such column 'Acount' on sobject of type Contact/,
  );
});

test('result rows quote every cell as sent, whether or not the upload quoted any', async () => {
  const load = async (csv: string) => {
    const info = sb.org.bulkIngest.create({ object: 'Account', operation: 'insert' }, sb.org.users.integration, '62.0');
    const id = info['id'] as string;
    sb.org.bulkIngest.upload(id, csv);
    sb.org.bulkIngest.changeState(id, 'UploadComplete');
    await eventually(`bulk job ${id} to complete`, () => sb.org.bulkIngest.info(id)['state'] === 'JobComplete', 5_000);
    // Without the record ids, which differ.
    return sb.org.bulkIngest.successfulResults(id).replace(/"\w{18}"/g, '"ID"');
  };
  const plain = await load('Name,Description,Site\nQuote Free 1,,x\r\nQuote Free 2,d,\n');
  assert.equal(
    plain,
    '"sf__Id","sf__Created","Name","Description","Site"\n"ID","true","Quote Free 1","","x"\n"ID","true","Quote Free 2","d",""\n',
  );
  const quoted = await load('Name,Description,Site\n"Quote Free 1",,x\r\nQuote Free 2,"d",\n');
  assert.equal(quoted, plain);
});

test('job errors come back with Salesforce codes', async () => {
  const job = conn.bulk2.createJob({ object: 'Nope__c', operation: 'insert' });
  await assert.rejects(job.open(), { errorCode: 'INVALIDJOB' });
  const upsert = conn.bulk2.createJob({ object: 'Account', operation: 'upsert', externalIdFieldName: 'Name' });
  await assert.rejects(upsert.open(), { errorCode: 'INVALIDJOB' });
});

test('an upload over the job limit is refused with 413, and an injected job failure leaves the rows unprocessed', async () => {
  const small = await startSalesforceSandbox({
    port: 0,
    host: '127.0.0.1',
    forceAppDir: FIXTURE,
    bulkUploadLimitBytes: 1024,
  });
  try {
    const client = new jsforce.Connection({ loginUrl: small.loginUrl, version: '62.0' });
    const { username, password, securityToken } = small.org.credentials.integration;
    await client.login(username, password + securityToken);
    const oversized = client.bulk2.createJob({ object: 'Account', operation: 'insert' });
    await oversized.open();
    const rows = ['Name', ...Array.from({ length: 100 }, (_, index) => `Account number ${index}`)].join('\n');
    await assert.rejects(oversized.uploadData(rows), (error: Error & { errorCode?: string }) => {
      assert.equal(error.errorCode, 'REQUEST_ENTITY_TOO_LARGE');
      assert.match(error.message, /1024 bytes/);
      return true;
    });

    small.org.bulkIngest.failNextJobs('Account', 'InvalidBatch : the org is under maintenance');
    const failing = client.bulk2.createJob({ object: 'Account', operation: 'insert' });
    await failing.open();
    await failing.uploadData('Name\nOne\nTwo\n');
    await failing.close();
    await assert.rejects(failing.poll(20, 10_000), /under maintenance/);
    assert.equal(rowsOf(await failing.getUnprocessedRecords()).length, 2);
    assert.equal(small.org.query('SELECT Id FROM Account').totalSize, 0);
    const next = await client.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'insert',
      input: 'Name\nThree\n',
      pollInterval: 20,
      pollTimeout: 10_000,
    });
    assert.equal(next.successfulResults.length, 1, 'only the next job fails');
  } finally {
    await small.close();
  }
});
