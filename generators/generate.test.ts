import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { loadConnectorModel, parseConnectorModel } from '../model/load-model.js';
import { DEFAULT_MODEL } from '../model/model-test-fixture.js';
import { generatedApexClassNames } from '../model/apex-names.js';
import { generateFiles } from './generate.js';
import { compareWithDisk, writeGeneratedFiles } from './write-output.js';
import type { GeneratedFile } from './generated-file.js';
import { PROJECT_ROOT } from '../model/project-root.js';

const run = promisify(execFile);
const xml = new XMLParser({
  ignoreAttributes: true,
  isArray: (name) => ['fieldPermissions', 'value', 'types', 'members'].includes(name),
});
const DEFAULT_MODEL_TEXT = readFileSync(path.join(PROJECT_ROOT, 'config/connector.yaml'), 'utf8');
const defaultFiles = loadConnectorModel('config/connector.yaml', PROJECT_ROOT).then(generateFiles);

function fileAt(files: readonly GeneratedFile[], suffix: string): GeneratedFile {
  const file = files.find((candidate) => candidate.path.endsWith(suffix));
  assert.ok(file, `no generated file ends with ${suffix}`);
  return file;
}

function parsed(files: readonly GeneratedFile[], suffix: string) {
  return xml.parse(fileAt(files, suffix).content);
}

test('the platform event has exactly the setup guide fields, plus what reassembly and audit need', async () => {
  const files = await defaultFiles;
  const event = parsed(files, 'objects/Gentrack_Object_Event__e/Gentrack_Object_Event__e.object-meta.xml').CustomObject;
  assert.equal(event.label, 'Gentrack Object Event');
  assert.equal(event.pluralLabel, 'Gentrack Object Events');
  assert.equal(event.publishBehavior, 'PublishAfterCommit', 'only saved changes reach Gentrack');
  assert.equal(event.eventType, 'HighVolume', 'publish callbacks need a high-volume event');
  const field = (name: string) => parsed(files, `Gentrack_Object_Event__e/fields/${name}.field-meta.xml`).CustomField;
  assert.deepEqual([field('Operation_Type__c').type, field('Operation_Type__c').length], ['Text', 64]);
  assert.deepEqual([field('Object_Type__c').type, field('Object_Type__c').length], ['Text', 64]);
  assert.deepEqual([field('Old_Payload__c').type, field('Old_Payload__c').length], ['LongTextArea', 32768]);
  assert.deepEqual([field('New_Payload__c').type, field('New_Payload__c').length], ['LongTextArea', 32768]);
  for (const extra of [
    'Record_Id__c',
    'Transaction_Id__c',
    'Part_Number__c',
    'Part_Total__c',
    'Changed_Fields__c',
    'Changed_By__c',
    'Changed_At__c',
  ]) {
    assert.ok(field(extra).type, `${extra} exists`);
  }
  assert.equal(field('Old_Payload__c').trackTrending, undefined, 'event fields have no history trending');
});

test('each synced object gets a unique, case-insensitive External ID and the sync status fields', async () => {
  const files = await defaultFiles;
  for (const object of ['Account', 'Contact', 'AccountContactRelation']) {
    const externalId = parsed(files, `objects/${object}/fields/Gentrack_External_Id__c.field-meta.xml`).CustomField;
    assert.equal(externalId.externalId, true, `${object} External ID`);
    assert.equal(externalId.unique, true, `${object} External ID is unique`);
    assert.equal(externalId.caseSensitive, false, `${object} External ID ignores case`);
    for (const name of ['Gentrack_Sync_Status__c', 'Gentrack_Last_Synced__c', 'Gentrack_Last_Error__c']) {
      fileAt(files, `objects/${object}/fields/${name}.field-meta.xml`);
    }
  }
  const status = parsed(files, 'objects/Account/fields/Gentrack_Sync_Status__c.field-meta.xml').CustomField;
  assert.deepEqual(
    status.valueSet.valueSetDefinition.value.map((value: { fullName: string }) => value.fullName),
    ['Pending', 'Synced', 'Failed'],
  );
});

test('triggers listen to the DML operations the model maps, and every Apex file has its meta file', async () => {
  const files = await defaultFiles;
  assert.match(
    fileAt(files, 'triggers/GentrackAccountTrigger.trigger').content,
    /on Account\(after insert, after update, after delete, after undelete\)/,
  );
  assert.match(
    fileAt(files, 'triggers/GentrackAccountContactRelationTrigger.trigger').content,
    /on AccountContactRelation\(after insert, after update, after delete\)/,
  );
  const sources = files.filter((file) => /\.(cls|trigger)$/.test(file.path));
  assert.ok(sources.length >= 17);
  for (const source of sources) {
    const meta = xml.parse(fileAt(files, `${source.path}-meta.xml`).content);
    const root = meta.ApexClass ?? meta.ApexTrigger;
    assert.equal(root.apiVersion, 62, `${source.path} meta`);
    assert.equal(root.status, 'Active');
  }
  for (const name of [
    'GentrackTriggerHandler',
    'GentrackCallout',
    'GentrackSyncErrorLog',
    'GentrackPublishFailureCallback',
    'GentrackConnectorModel',
  ]) {
    assert.match(fileAt(files, `classes/${name}Test.cls`).content, /@IsTest/, `${name} has a test class`);
  }
});

test('generated Apex carries the model: tracked fields, references and published operations', async () => {
  const files = await defaultFiles;
  const model = fileAt(files, 'classes/GentrackConnectorModel.cls').content;
  assert.match(
    model,
    /'AccountContactRelation' => new SyncedObject\([\s\S]*?new Set<String>\{ 'INSERT', 'UPDATE', 'DELETE' \}/,
  );
  assert.match(model, /new Map<String, String>\{ 'ParentId' => 'Account' \}/);
  assert.match(model, /FROM Contact\s+WHERE Id IN :contactIds\s+ALL ROWS/);
  assert.doesNotMatch(model, /'Account_Class__c'/, 'Gentrack-mastered fields are not published');
  for (const file of files.filter((f) => /\.(cls|trigger)$/.test(f.path))) {
    assert.match(
      file.content,
      /^\/\/ Generated by gentrack-sf generate from config\/connector\.yaml/,
      `${file.path} header`,
    );
    assert.doesNotMatch(file.content, /\{\{|\}\}/, `${file.path} has no template leftovers`);
  }
  const classes = files.filter(
    (f) => f.path.endsWith('.cls') && !f.path.endsWith('Test.cls') && !f.path.endsWith('TestData.cls'),
  );
  // REST resources must be global (GentrackEventEndpoint); everything else is public.
  for (const file of classes)
    assert.match(file.content, /(public|global) (with|without) sharing class/, `${file.path} declares sharing`);
});

test('permission sets enforce data masters: connector users cannot edit Gentrack-mastered fields', async () => {
  const files = await defaultFiles;
  const user = parsed(files, 'permissionsets/Gentrack_Connector_User.permissionset-meta.xml').PermissionSet;
  const editable = (field: string) => user.fieldPermissions.find((p: { field: string }) => p.field === field)?.editable;
  assert.equal(editable('Account.Account_Class__c'), false);
  assert.equal(editable('Account.Gentrack_External_Id__c'), false);
  assert.equal(editable('Account.Trading_Name__c'), true);
  assert.equal(user.customPermissions, undefined, 'users never get the bypass');

  const integration = parsed(files, 'permissionsets/Gentrack_Integration_User.permissionset-meta.xml').PermissionSet;
  assert.equal(integration.customPermissions.name, 'Gentrack_Bypass_Publishing');
  assert.ok(integration.fieldPermissions.every((p: { editable: boolean }) => p.editable === true));
});

test('the manifest lists every generated component', async () => {
  const files = await defaultFiles;
  const manifest = parsed(files, 'manifest/package.xml').Package;
  const listed = new Set<string>(
    manifest.types.flatMap((type: { name: string; members: string[] }) =>
      type.members.map((member) => `${type.name}:${member}`),
    ),
  );
  const components = files.flatMap((file) => (file.component ? [`${file.component.type}:${file.component.name}`] : []));
  assert.equal(listed.size, components.length);
  for (const component of components) assert.ok(listed.has(component), `${component} is in package.xml`);
});

test('a model can add another standard object without code changes', async () => {
  const withOrders = `${DEFAULT_MODEL_TEXT}
  Order:
    externalId: { label: Gentrack Order Reference, length: 40 }
    fields:
      Name: { master: Salesforce, gentrack: order.name }
      EffectiveDate: { master: Salesforce, gentrack: order.startDate }
      AccountId:
        master: Salesforce
        gentrack: accountNumber
        references: { object: Account, field: Gentrack_External_Id__c }
      Contract_Status__c: { master: Gentrack, gentrack: order.contractStatus, type: Picklist, label: Contract Status, values: [Draft, Active, Completed] }
    operations:
      insert: { operation: customer-sync }
      update: { operation: update-account, ref: AccountId }
`;
  const files = await generateFiles(parseConnectorModel(withOrders, 'config/connector.yaml'));
  assert.match(
    fileAt(files, 'triggers/GentrackOrderTrigger.trigger').content,
    /on Order\(after insert, after update\)/,
  );
  assert.match(
    fileAt(files, 'classes/GentrackOrderTriggerTest.cls').content,
    /deletePublishesNothingWhenTheModelMapsNoDelete/,
  );
  fileAt(files, 'objects/Order/fields/Contract_Status__c.field-meta.xml');
  assert.match(fileAt(files, 'classes/GentrackTestData.cls').content, /new Order\(/);
  assert.match(fileAt(files, 'classes/GentrackConnectorModel.cls').content, /'Order' => new SyncedObject/);
});

test('publish behaviour comes from the model, including the limit the publisher guards', async () => {
  const model = parseConnectorModel(
    DEFAULT_MODEL_TEXT.replace('publishBehavior: PublishAfterCommit', 'publishBehavior: PublishImmediately'),
    'config/connector.yaml',
  );
  const files = await generateFiles(model);
  assert.equal(
    parsed(files, 'Gentrack_Object_Event__e.object-meta.xml').CustomObject.publishBehavior,
    'PublishImmediately',
  );
  assert.match(fileAt(files, 'classes/GentrackCallout.cls').content, /Limits\.getLimitPublishImmediateDML\(\)/);
  assert.match(fileAt(await defaultFiles, 'classes/GentrackCallout.cls').content, /Limits\.getLimitDmlStatements\(\)/);
});

test('generation is deterministic', async () => {
  const again = await generateFiles(await loadConnectorModel('config/connector.yaml', PROJECT_ROOT));
  assert.deepEqual(again, await defaultFiles);
});

test('--check lists missing, changed and stray files; writing replaces the whole output', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'gentrack-generate-'));
  try {
    const files = await defaultFiles;
    await mkdir(path.join(root, 'force-app/main/default/classes'), { recursive: true });
    await writeFile(path.join(root, 'force-app/main/default/classes/HandWritten.cls'), 'public class HandWritten {}');
    await writeGeneratedFiles(files, root);
    assert.deepEqual(await compareWithDisk(files, root), [], 'freshly written output is current');
    await assert.rejects(
      readFile(path.join(root, 'force-app/main/default/classes/HandWritten.cls')),
      'stray files are removed',
    );

    const trigger = 'force-app/main/default/triggers/GentrackContactTrigger.trigger';
    await writeFile(path.join(root, trigger), 'trigger GentrackContactTrigger on Contact(after insert) {}');
    await rm(path.join(root, 'manifest/package.xml'));
    await writeFile(path.join(root, 'force-app/main/default/classes/Extra.cls'), '');
    assert.deepEqual(await compareWithDisk(files, root), [
      { path: 'force-app/main/default/classes/Extra.cls', kind: 'not generated' },
      { path: trigger, kind: 'changed' },
      { path: 'manifest/package.xml', kind: 'missing' },
    ]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('an invalid model writes nothing and exits non-zero with every problem', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gentrack-model-'));
  const before = await readFile(
    path.join(PROJECT_ROOT, 'force-app/main/default/classes/GentrackTriggerHandler.cls'),
    'utf8',
  );
  try {
    const invalid = path.join(dir, 'connector.yaml');
    await writeFile(
      invalid,
      DEFAULT_MODEL_TEXT.replace('operation: customer-sync', 'operation: nope').replace(
        'label: Trading Name',
        `label: ${'x'.repeat(50)}`,
      ),
    );
    const result = await run(
      process.execPath,
      [path.join(PROJECT_ROOT, 'bin/gentrack-sf.js'), 'generate', '--model', invalid],
      { cwd: PROJECT_ROOT },
    ).then(
      () => assert.fail('generate accepted an invalid model'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /2 problems/);
    assert.match(result.stderr, /unknown Gentrack operation "nope"/);
    assert.match(result.stderr, /a label is at most 40 characters/);
    assert.equal(
      await readFile(path.join(PROJECT_ROOT, 'force-app/main/default/classes/GentrackTriggerHandler.cls'), 'utf8'),
      before,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the trigger handler and the triggers carry the model's apex.namePrefix, so an org's own names are never taken", async () => {
  const acme = DEFAULT_MODEL.replace('apiVersion: "62.0"', 'apiVersion: "62.0"\napex:\n  namePrefix: Acme');
  const files = await generateFiles(parseConnectorModel(acme, 'config/connector.yaml'));
  assert.match(
    fileAt(files, 'classes/AcmeTriggerHandler.cls').content,
    /public with sharing class AcmeTriggerHandler \{/,
  );
  assert.match(fileAt(files, 'classes/AcmeTriggerHandlerTest.cls').content, /private class AcmeTriggerHandlerTest \{/);
  assert.match(
    fileAt(files, 'triggers/AcmeAccountTrigger.trigger').content,
    /trigger AcmeAccountTrigger on Account[\s\S]*new AcmeTriggerHandler\('Account'\)\.run\(\);/,
  );
  const names = files.map((file) => path.basename(file.path));
  for (const taken of [
    'TriggerHandler.cls',
    'AccountTrigger.trigger',
    'ContactTrigger.trigger',
    'AccountContactRelationTrigger.trigger',
  ]) {
    assert.ok(!names.includes(taken), `${taken} is an org's name, not ours`);
  }
  assert.throws(
    () =>
      parseConnectorModel(
        DEFAULT_MODEL.replace('apiVersion: "62.0"', 'apiVersion: "62.0"\napex:\n  namePrefix: acme_'),
        'config/connector.yaml',
      ),
    /namePrefix is 2 to 20 letters/,
  );
});

test('generatedApexClassNames lists exactly the classes a deploy creates, with and without inbound and relay', async () => {
  const classNames = (files: readonly GeneratedFile[]) =>
    files
      .filter((file) => file.path.endsWith('.cls'))
      .map((file) => path.basename(file.path, '.cls'))
      .sort();
  const full = parseConnectorModel(DEFAULT_MODEL, 'config/connector.yaml');
  assert.deepEqual(generatedApexClassNames(full), classNames(await defaultFiles));
  const { inbound: _inbound, relay: _relay, ...rest } = full;
  const bare = rest as typeof full;
  assert.deepEqual(generatedApexClassNames(bare), classNames(await generateFiles(bare)));
  assert.ok(!generatedApexClassNames(bare).includes('GentrackEventEndpoint'));
});

test('a Lightning app shows the synced records, the sync errors and the sync button, without touching org pages', async () => {
  const files = await defaultFiles;
  const app = parsed(files, 'applications/Gentrack_Connector.app-meta.xml').CustomApplication;
  assert.equal(app.uiType, 'Lightning');
  assert.deepEqual(app.tabs, ['standard-Account', 'standard-Contact', 'Gentrack_Sync_Error__c']);
  const overrides = [app.actionOverrides].flat();
  assert.deepEqual(
    overrides.map((override: { pageOrSobjectType: string; content: string; type: string }) => [
      override.pageOrSobjectType,
      override.content,
      override.type,
    ]),
    [
      ['Account', 'Gentrack_Account_Record_Page', 'Flexipage'],
      ['Contact', 'Gentrack_Contact_Record_Page', 'Flexipage'],
    ],
    'app-level record pages: the org default and its layouts stay',
  );
  assert.ok(!files.some((file) => /\/layouts\//.test(file.path)), 'no page layout is generated');
  const lwcObjects = [
    parsed(files, 'lwc/gentrackSyncButton/gentrackSyncButton.js-meta.xml').LightningComponentBundle.targetConfigs
      .targetConfig,
  ]
    .flat()
    .find((config: { objects?: unknown }) => config.objects).objects.object;
  for (const object of ['Account', 'Contact']) {
    const page = parsed(files, `flexipages/Gentrack_${object}_Record_Page.flexipage-meta.xml`).FlexiPage;
    assert.equal(page.sobjectType, object);
    assert.equal(page.type, 'RecordPage');
    assert.ok(JSON.stringify(page.flexiPageRegions).includes('"componentName":"gentrackSyncButton"'));
    assert.ok([lwcObjects].flat().includes(object), `the button is exposed on ${object} record pages`);
  }
  const userSet = parsed(files, 'Gentrack_Connector_User.permissionset-meta.xml').PermissionSet;
  assert.deepEqual(userSet.applicationVisibilities, { application: 'Gentrack_Connector', visible: true });
  const manifest = parsed(files, 'manifest/package.xml').Package.types;
  const members = (name: string) => manifest.find((type: { name: string }) => type.name === name)?.members;
  assert.deepEqual(members('CustomApplication'), ['Gentrack_Connector']);
  assert.deepEqual(members('FlexiPage'), ['Gentrack_Account_Record_Page', 'Gentrack_Contact_Record_Page']);
});
